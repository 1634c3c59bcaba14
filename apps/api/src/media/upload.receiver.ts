import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../http/app.errors.js';
import { cleanMimeType, cleanOriginalName } from './original-name.sanitizer.js';

export interface ReceivedUpload {
  /** Local temporary copy; the caller removes `dir` when done. */
  dir: string;
  path: string;
  /** The client's name, cleaned for display (see `cleanOriginalName`). */
  originalName: string;
  mime: string;
  bytes: number;
}

export interface ReceiveUploadOptions {
  maxBytes: number;
  /** Parent of the per-upload temporary directory. */
  tmpDir: string;
  /** A body that sends nothing for this long is abandoned (408), so a stalled client cannot hold a temp file. */
  idleTimeoutMs?: number;
  /**
   * The whole upload must arrive within this long (UPLOAD_DEADLINE_S), however steadily it trickles:
   * otherwise a byte every few seconds would hold a connection and a temp file forever.
   */
  deadlineMs: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * Everything a request may carry besides the file's own bytes: boundaries and part headers, and at
 * most this much in parts not named `file` (fields, other files) together. The whole request never
 * exceeds the upload limit plus this.
 */
export const MULTIPART_ALLOWANCE_BYTES = 64 * 1024;
const MULTIPART_TYPE = /^multipart\/form-data\s*(;|$)/i;

const requestTooLarge = (maxBytes: number) =>
  new PayloadTooLargeError(`The request (the file plus ${MULTIPART_ALLOWANCE_BYTES} bytes for everything else)`, maxBytes + MULTIPART_ALLOWANCE_BYTES);
const otherPartsTooLarge = () =>
  new PayloadTooLargeError('The parts besides the field "file" (other fields and files) together', MULTIPART_ALLOWANCE_BYTES);
const misnamedFile = (field: string) =>
  new AppError('missing_file', `The multipart request has no file in a field named "file" (a file came in a field named ${JSON.stringify(field.slice(0, 100))}).`);
const missingFile = () => new AppError('missing_file', 'The multipart request has no file in a field named "file".');
const malformed = (why: string) => new AppError('invalid_multipart', `The multipart/form-data body is malformed: ${why}.`);

/** busboy's messages, in words a client can act on. */
function describeParserError(message: string): string {
  if (/part header/i.test(message)) return 'a part header has control characters or exceeds 16 KiB (a very long file name?)';
  if (/unexpected end of form/i.test(message)) return 'it ends before the closing boundary';
  return message.replace(/^Multipart: /, '').toLowerCase();
}

/**
 * Streams the multipart field `file` to a private temporary file with backpressure, so memory stays
 * flat whatever the upload size. On any failure (over the size limit, malformed body, client gone,
 * stalled) it stops reading the request at once, closes and removes the temporary file, and
 * rejects with a coded error; the error middleware then answers and closes the connection.
 */
export async function receiveUpload(req: Request, options: ReceiveUploadOptions): Promise<ReceivedUpload> {
  const type = req.get('content-type');
  if (!type || !MULTIPART_TYPE.test(type)) throw new UnsupportedMediaTypeError('multipart/form-data with a field named "file"', type);
  const declared = Number(req.get('content-length') ?? Number.NaN);
  if (declared === 0) throw missingFile();
  if (declared > options.maxBytes + MULTIPART_ALLOWANCE_BYTES) throw requestTooLarge(options.maxBytes);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers and fetch send UTF-8 file names; busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      // busboy reports 'limit' on reaching the size, so one byte more lets a file of exactly maxBytes through.
      // Any number of file parts: the one named `file` is kept, the others are counted (and discarded) under the allowance.
      limits: { fileSize: options.maxBytes + 1, fields: 20, parts: 30, fieldSize: MULTIPART_ALLOWANCE_BYTES },
    });
  } catch (err) {
    throw malformed(describeParserError((err as Error).message));
  }
  const dir = await mkdtemp(path.join(options.tmpDir, 'reelforge-upload-'));
  try {
    return await streamFilePart(req, parser, dir, options);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function streamFilePart(req: Request, parser: busboy.Busboy, dir: string, options: ReceiveUploadOptions): Promise<ReceivedUpload> {
  return new Promise<ReceivedUpload>((resolve, reject) => {
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let settled = false;
    let file: { stream: Readable; out: Writable; written: Promise<ReceivedUpload>; closed: Promise<void> } | undefined;
    let requestBytes = 0;
    let otherPartBytes = 0;

    const settle = () => {
      settled = true;
      req.setTimeout(0);
      clearTimeout(deadline);
      req.off('timeout', onStalled).off('close', onClose).off('error', onClose).off('data', countRequest);
    };
    const fail = (err: Error) => {
      if (settled) return;
      settle();
      // Unpiping pauses the request: nothing more is read, and the client is held back by TCP.
      req.unpipe(parser);
      // busboy emits 'limit' and 'error' from inside its own write; destroying it there makes it throw.
      process.nextTick(() => {
        parser.destroy();
        // Destroy both ends: a source that already pushed EOF but never emitted 'end' leaves pipeline
        // waiting forever, with the file still open.
        file?.stream.destroy();
        file?.out.destroy();
        // Reject once the temporary file is closed, so the caller can remove its directory.
        void (file?.closed ?? Promise.resolve()).then(() => reject(err));
      });
    };
    const onStalled = () => fail(new AppError('request_timeout', `The upload sent nothing for ${idleMs / 1000} s and was abandoned.`));
    const deadline = setTimeout(
      () => fail(new AppError('upload_deadline_exceeded', `The upload did not finish within ${options.deadlineMs / 1000} s and was abandoned; send it faster or in a smaller file.`)),
      options.deadlineMs,
    );
    // A chunked body declares no length, and busboy skips a preamble before the first boundary unseen: count what arrives.
    const countRequest = (chunk: Buffer) => {
      requestBytes += chunk.length;
      if (requestBytes > options.maxBytes + MULTIPART_ALLOWANCE_BYTES) fail(requestTooLarge(options.maxBytes));
    };
    const countOtherPart = (bytes: number, fileField?: string) => {
      otherPartBytes += bytes;
      if (otherPartBytes <= MULTIPART_ALLOWANCE_BYTES) return;
      // A whole video under another field name is a misnamed field, not an oversized form: say so.
      fail(fileField !== undefined && !file ? misnamedFile(fileField) : otherPartsTooLarge());
    };
    const onClose = () => {
      if (!req.complete) fail(new AppError('request_aborted', 'The client closed the connection before the upload finished.'));
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || file || settled) {
        // A second part named `file` is discarded too; only the whole-request limit bounds it.
        if (field !== 'file') {
          countOtherPart(Buffer.byteLength(field) + Buffer.byteLength(info.filename ?? ''), field);
          stream.on('data', (chunk: Buffer) => countOtherPart(chunk.length, field));
        }
        stream.resume();
        return;
      }
      stream.on('limit', () => fail(new PayloadTooLargeError('The upload', options.maxBytes)));
      const target = path.join(dir, 'upload.bin');
      const out = createWriteStream(target, { flags: 'wx' });
      const closed = new Promise<void>((done) => out.once('close', () => done()));
      const written = pipeline(stream, out).then(() => {
        // A browser's empty file input sends a nameless part without bytes: no file was chosen.
        if (!info.filename && out.bytesWritten === 0) throw missingFile();
        return { dir, path: target, originalName: cleanOriginalName(info.filename), mime: cleanMimeType(info.mimeType), bytes: out.bytesWritten };
      });
      // Disk errors stay uncoded (a 500 that gets logged); anything else is the body's fault.
      written.catch((err: Error) => fail(err instanceof AppError || 'syscall' in err ? err : malformed(describeParserError(err.message))));
      file = { stream, out, written, closed };
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(otherPartsTooLarge());
      else countOtherPart(Buffer.byteLength(name) + Buffer.byteLength(value));
    });
    parser.on('error', (err: Error) => fail(malformed(describeParserError(err.message))));
    parser.on('close', () => {
      if (settled) return;
      if (!file) {
        fail(missingFile());
        return;
      }
      file.written.then((upload) => {
        if (settled) return;
        settle();
        resolve(upload);
      }, () => undefined);
    });

    req.setTimeout(idleMs);
    req.on('timeout', onStalled).on('close', onClose).on('error', onClose).on('data', countRequest);
    req.pipe(parser);
  });
}
