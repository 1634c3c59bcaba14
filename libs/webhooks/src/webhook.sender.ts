import { isIP } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { isPublicAddress, publicOnlyLookup } from './address.guard.js';
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
  // An IP literal never goes through the resolver, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetworks && isIP(literal) !== 0 && !isPublicAddress(literal)) {
    return {
      ok: false,
      status: null,
      error: `${literal} is a private or reserved address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it)`,
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
    return { ok: false, status: null, error: describeFetchError(err, timeoutMs) };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, status: response.status, error: null };
  }
  const excerpt = await readExcerpt(response).catch(() => '');
  const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
  const reason = location !== null ? `redirect to ${location} not followed` : excerpt;
  return { ok: false, status: response.status, error: `HTTP ${response.status}${reason ? `: ${reason}` : ''}` };
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

function describeFetchError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error?.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? error.message}`;
  return cause?.message ?? error?.message ?? String(err);
}
