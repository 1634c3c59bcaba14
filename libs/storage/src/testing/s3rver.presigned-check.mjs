/**
 * Checks presigned (query-string) Signature V4 requests as S3 does; s3rver 3.7 accepts any V4
 * signature. So a test learns what a real bucket would refuse: a URL whose query was changed, one
 * used on another host than it was signed for (the reason for SPACES_PUBLIC_ENDPOINT), an expired one.
 * Presigned payloads are UNSIGNED-PAYLOAD, so the body is never hashed. Runs in the s3rver child.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding, as SigV4 canonicalizes query keys and values. */
function encode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key, data) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data) => createHash('sha256').update(data, 'utf8').digest('hex');

/** `20261206T153000Z` → epoch ms. */
function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

/**
 * @param {{ middleware: Function[] }} server an S3rver (a Koa application), before `run()`
 * @param {string} s3rverMain the path `require.resolve('s3rver')` gave
 */
export function addPresignedUrlCheck(server, s3rverMain) {
  const require = createRequire(s3rverMain);
  const S3Error = require('./models/error.js');
  const AWSAccount = require('./models/account.js');

  const check = async (ctx, next) => {
    const [rawPath, rawQuery = ''] = ctx.req.url.split('?', 2);
    const params = new URLSearchParams(rawQuery);
    if (params.get('X-Amz-Algorithm') !== ALGORITHM) return next();
    const credential = params.get('X-Amz-Credential') ?? '';
    const [accessKeyId, ...scopeParts] = credential.split('/');
    const secret = AWSAccount.registry.get(accessKeyId)?.accessKeys.get(accessKeyId);
    if (secret === undefined) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const amzDate = params.get('X-Amz-Date') ?? '';
    const signedAt = parseAmzDate(amzDate);
    const expiresS = Number(params.get('X-Amz-Expires'));
    if (!Number.isFinite(signedAt) || !Number.isInteger(expiresS) || Date.now() > signedAt + expiresS * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired');
    }
    const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
    const query = [...params]
      .filter(([key]) => key !== 'X-Amz-Signature')
      .map(([key, value]) => [encode(key), encode(value)])
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const headers = signedHeaders.map((name) => `${name}:${String(ctx.req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonical = [ctx.method, rawPath, query, headers, signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
    const scope = scopeParts.join('/');
    const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
    const key = scopeParts.reduce((k, part) => hmac(k, part), Buffer.from(`AWS4${secret}`, 'utf8'));
    const expected = hmac(key, stringToSign);
    const provided = Buffer.from(params.get('X-Amz-Signature') ?? '', 'hex');
    if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
      throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    return next();
  };
  // s3rver's router is its last middleware: the check goes just before it.
  server.middleware.splice(server.middleware.length - 1, 0, check);
}
