import { randomBytes } from 'node:crypto';

export interface MultipartPart {
  field: string;
  /** Written verbatim (UTF-8) into the Content-Disposition header; absent for a plain field. */
  filename?: string;
  /** Sent as RFC 5987 `filename*=UTF-8''…` (percent-encoded), the way to carry any character in a header. */
  filenameStar?: string;
  contentType?: string;
  content: Buffer | string;
}

/**
 * Builds a multipart/form-data body byte for byte, so tests can send what fetch's FormData would
 * escape or refuse (control characters, NUL, raw quotes in a file name).
 */
export function buildMultipart(parts: MultipartPart[], { closed = true }: { closed?: boolean } = {}): { body: Buffer; contentType: string } {
  const boundary = `----reelforge${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const star = part.filenameStar === undefined ? '' : `; filename*=UTF-8''${encodeURIComponent(part.filenameStar)}`;
    const disposition = `form-data; name="${part.field}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}${star}`;
    const isFile = part.filename !== undefined || part.filenameStar !== undefined;
    const type = part.contentType ?? (isFile ? 'application/octet-stream' : undefined);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content, 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  if (closed) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
