import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, RequestValidationError } from '../http/app.errors.js';

export interface ReceivedUpload {
  /** Local temporary copy; the caller removes `dir` when done. */
  dir: string;
  path: string;
  originalName: string;
  mime: string;
  bytes: number;
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super('payload_too_large', `The upload exceeds the limit of ${limit} bytes (MAX_UPLOAD_BYTES).`, { limitBytes: limit });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(got: string | undefined) {
    super('unsupported_media_type', `Send the video as multipart/form-data with a field named "file" (got ${got ?? 'no content type'}).`);
  }
}

/**
 * Streams the multipart field `file` to a private temporary file, stopping as soon as the size
 * limit is crossed, so memory stays flat whatever the upload size. Other parts are drained.
 */
export async function receiveUpload(req: Request, maxBytes: number): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) throw new UnsupportedMediaTypeError(req.get('content-type'));
  const declared = Number(req.get('content-length'));
  // A multipart body carries a little framing besides the file; reject only what cannot fit.
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw new PayloadTooLargeError(maxBytes);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-upload-'));
  try {
    return await new Promise<ReceivedUpload>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, parts: 30 } });
      } catch (err) {
        reject(new RequestValidationError(`Malformed multipart request: ${(err as Error).message}`));
        return;
      }
      let received: Promise<ReceivedUpload> | undefined;
      const abort = (err: Error) => {
        req.unpipe(parser);
        req.resume();
        reject(err);
      };
      parser.on('file', (field, stream, info) => {
        if (field !== 'file' || received) {
          stream.resume();
          return;
        }
        const target = path.join(dir, 'upload.bin');
        let tooLarge = false;
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        stream.on('limit', () => {
          tooLarge = true;
          abort(new PayloadTooLargeError(maxBytes));
        });
        received = pipeline(stream, createWriteStream(target)).then(() => {
          if (tooLarge) throw new PayloadTooLargeError(maxBytes);
          return { dir, path: target, originalName: info.filename ?? '', mime: info.mimeType, bytes };
        });
        received.catch(() => undefined);
      });
      parser.on('error', (err: Error) => abort(new RequestValidationError(`Malformed multipart request: ${err.message}`)));
      parser.on('close', () => {
        if (!received) {
          reject(new AppError('missing_file', 'The multipart request has no field named "file".'));
          return;
        }
        received.then(resolve, reject);
      });
      req.on('aborted', () => abort(new RequestValidationError('The client aborted the upload.')));
      req.pipe(parser);
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
