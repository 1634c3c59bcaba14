import { Transform, type TransformCallback } from 'node:stream';
import { StorageError } from './storage.errors.js';

/**
 * Pass-through that counts bytes and, given an expected length, fails at end of input when the
 * count differs, so a truncated body is never committed (no rename, no CompleteMultipartUpload).
 */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly label: string,
    private readonly expectedBytes?: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedBytes !== undefined && this.bytes !== this.expectedBytes) {
      callback(
        new StorageError(`${this.label}: received ${this.bytes} bytes but contentLength was ${this.expectedBytes}`),
      );
      return;
    }
    callback();
  }
}
