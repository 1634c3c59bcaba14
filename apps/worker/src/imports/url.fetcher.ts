import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import { outboundUrlRefusal, PRIVATE_ADDRESS_CODE, publicOnlyLookup } from '@reelforge/webhooks';
import { Agent, fetch, type Response } from 'undici';
import { ImportError } from './import.errors.js';

export interface FetchToFileOptions {
  /** MAX_UPLOAD_BYTES: an import is refused past the same size as an upload. */
  maxBytes: number;
  /** IMPORT_TIMEOUT_S in milliseconds: the whole fetch, every redirect and the last byte included. */
  timeoutMs: number;
  /** IMPORT_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateNetworks: boolean;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
}

export interface FetchedFile {
  bytes: number;
  /** The answer's Content-Type essence when it is a plain `type/subtype`; null otherwise. */
  mime: string | null;
}

const DEFAULT_MAX_REDIRECTS = 5;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;
const USER_AGENT = 'Reelforge-Import/1';

/** Resolves every host name through publicOnlyLookup, so the socket can only reach public addresses. */
const publicOnlyAgent = new Agent({ connect: { lookup: publicOnlyLookup } });

/**
 * GETs `url` into `dest` under the webhook SSRF rules: each hop's URL is judged (scheme, credentials,
 * private literals) and each connection's resolved address too; redirects are followed by hand so
 * every hop is checked. Rejects with an ImportError: `import_refused`, `import_failed`,
 * `import_timeout` or `payload_too_large` (the partial file is the caller's to remove).
 */
export async function fetchToFile(url: string, dest: string, options: FetchToFileOptions): Promise<FetchedFile> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const response = await followRedirects(url, signal, options);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(options.maxBytes);
  }
  if (!response.body) throw new ImportError('import_failed', `HTTP ${response.status} without a body`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytes += chunk.length;
      callback(bytes > options.maxBytes ? tooLarge(options.maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(dest), { signal });
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw fetchFailure(err, signal, options.timeoutMs);
  }
  const mime = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return { bytes, mime: MIME_TYPE.test(mime) ? mime : null };
}

async function followRedirects(url: string, signal: AbortSignal, options: FetchToFileOptions): Promise<Response> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = url;
  for (let hop = 0; ; hop += 1) {
    const refusal = outboundUrlRefusal(current, options.allowPrivateNetworks);
    if (refusal !== undefined) throw new ImportError('import_refused', `Import refused${hop > 0 ? ` at redirect ${hop}` : ''}: ${refusal}.`);
    let response: Response;
    try {
      response = await fetch(current, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': USER_AGENT },
        ...(options.allowPrivateNetworks ? {} : { dispatcher: publicOnlyAgent }),
      });
    } catch (err) {
      throw fetchFailure(err, signal, options.timeoutMs);
    }
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) {
      if (response.ok) return response;
      await response.body?.cancel().catch(() => undefined);
      throw new ImportError('import_failed', `The source answered HTTP ${response.status}.`);
    }
    await response.body?.cancel().catch(() => undefined);
    if (hop >= maxRedirects) throw new ImportError('import_failed', `More than ${maxRedirects} redirects.`);
    current = new URL(location, current).href;
  }
}

function tooLarge(maxBytes: number): ImportError {
  return new ImportError('payload_too_large', `The source is larger than the limit of ${maxBytes} bytes.`);
}

function fetchFailure(err: unknown, signal: AbortSignal, timeoutMs: number): ImportError {
  if (signal.aborted) return new ImportError('import_timeout', `The fetch did not finish within ${Math.round(timeoutMs / 1000)} s.`, { cause: err });
  if (carriesCode(err, PRIVATE_ADDRESS_CODE)) {
    return new ImportError('import_refused', 'Import refused: the host resolves to a private or reserved address.', { cause: err });
  }
  const cause = (err as { cause?: { code?: string } } | null)?.cause;
  return new ImportError('import_failed', `The source could not be fetched${cause?.code ? ` (${cause.code})` : ''}.`, { cause: err });
}

/** Whether `code` is on the error or anywhere in its causes (undici nests the socket's lookup error). */
function carriesCode(err: unknown, code: string, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (e.code === code) return true;
  return [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])].some((inner) => carriesCode(inner, code, depth + 1));
}
