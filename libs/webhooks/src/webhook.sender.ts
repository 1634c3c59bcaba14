import { Agent, fetch, type Response } from 'undici';
import { PRIVATE_ADDRESS_CODE, privateLiteralHost, publicOnlyLookup } from './address.guard.js';
import { WebhookUrlNotAllowedError } from './webhooks.errors.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** `ok` only for a 2xx answer; `status` is null when no answer came (refused, reset, timed out). */
export interface WebhookResponse {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** The destination is a private or reserved address: no later attempt can succeed, so none is made. */
  refused: boolean;
}

/** How much of a failed answer's body is kept for the delivery record. */
const ERROR_BODY_BYTES = 512;

export interface PostWebhookOptions {
  timeoutMs: number;
  /** Deliver to loopback, private and link-local addresses too (development, internal receivers). */
  allowPrivateNetworks?: boolean;
}

/** Resolves every host name through publicOnlyLookup, so the socket can only reach public addresses. */
const publicOnlyAgent = new Agent({ connect: { lookup: publicOnlyLookup } });

/** Only absolute http(s) URLs without embedded credentials are delivered to. */
export function assertDeliverableUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlNotAllowedError(url, 'not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new WebhookUrlNotAllowedError(url, 'only http and https');
  if (parsed.username || parsed.password) throw new WebhookUrlNotAllowedError(url, 'credentials in the URL');
  return parsed;
}

/**
 * One POST. Redirects are not followed (a 3xx is a failed attempt: the signed request must reach
 * the URL the client registered, not wherever that URL points today), and the whole exchange is
 * bounded by `timeoutMs`.
 */
export async function postWebhook(request: WebhookRequest, { timeoutMs, allowPrivateNetworks = false }: PostWebhookOptions): Promise<WebhookResponse> {
  const url = assertDeliverableUrl(request.url);
  const literal = allowPrivateNetworks ? undefined : privateLiteralHost(url);
  if (literal !== undefined) {
    return {
      ok: false,
      status: null,
      error: `${literal} is a private or reserved address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it)`,
      refused: true,
    };
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: request.body,
      headers: request.headers,
      redirect: 'manual',
      signal,
      ...(allowPrivateNetworks ? {} : { dispatcher: publicOnlyAgent }),
    });
  } catch (err) {
    return { ok: false, status: null, error: describeFetchError(err, timeoutMs), refused: carriesCode(err, PRIVATE_ADDRESS_CODE) };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, status: response.status, error: null, refused: false };
  }
  const excerpt = await readExcerpt(response).catch(() => '');
  const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
  const reason = location !== null ? `redirect to ${location} not followed` : excerpt;
  return { ok: false, status: response.status, error: `HTTP ${response.status}${reason ? `: ${reason}` : ''}`, refused: false };
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < ERROR_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

/** Whether `code` is on the error or anywhere in its causes (undici nests the socket's lookup error). */
function carriesCode(err: unknown, code: string, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (e.code === code) return true;
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((inner) => carriesCode(inner, code, depth + 1));
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error?.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? error.message}`;
  return cause?.message ?? error?.message ?? String(err);
}
