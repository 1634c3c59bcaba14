/** An API answer that was not a success, as the page shows it: problem+json `detail` and `code`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

/** Pure: the problem a response body stands for (problem+json, or whatever text came back). */
export function problemFrom(status: number, body: string): ApiProblem {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown; title?: unknown; code?: unknown };
    const code = typeof parsed.code === 'string' ? parsed.code : null;
    const text = typeof parsed.detail === 'string' ? parsed.detail : typeof parsed.title === 'string' ? parsed.title : `HTTP ${status}`;
    return new ApiProblem(status, code, code ? `${text} (${code})` : text);
  } catch {
    return new ApiProblem(status, null, body.trim() ? `HTTP ${status}: ${body.trim().slice(0, 200)}` : `HTTP ${status}`);
  }
}
