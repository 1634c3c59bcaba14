const MAX_CHUNKS = 64;

/**
 * Keeps only the last `limitBytes` of a byte stream, so an hour-long encode that logs a warning per
 * frame still holds a bounded amount of memory. Chunks are kept as they arrive (no copying per push);
 * whole chunks are dropped from the front, and the oldest one is sliced when it straddles the limit.
 * Chunks are copied on push: a stream chunk may be a view into a much larger allocation, and keeping
 * the view would pin that allocation.
 */
export class TailBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limitBytes: number) {
    if (!Number.isInteger(limitBytes) || limitBytes <= 0) {
      throw new RangeError(`TailBuffer limit must be a positive integer, got ${limitBytes}`);
    }
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0) return;
    if (bytes.length >= this.limitBytes) {
      this.chunks.length = 0;
      this.chunks.push(Buffer.from(bytes.subarray(bytes.length - this.limitBytes)));
      this.size = this.limitBytes;
      this.dropped = true;
      return;
    }
    this.chunks.push(Buffer.from(bytes));
    this.size += bytes.length;
    while (this.size > this.limitBytes) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limitBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
      this.dropped = true;
    }
    // Many tiny writes would otherwise cost one Buffer object each.
    if (this.chunks.length > MAX_CHUNKS) {
      const merged = Buffer.concat(this.chunks, this.size);
      this.chunks.length = 0;
      this.chunks.push(merged);
    }
  }

  /** Bytes currently held (never more than the limit). */
  get byteLength(): number {
    return this.size;
  }

  /**
   * The held text. When older output was dropped, the first (partial) line is dropped too, so the
   * tail starts on a line boundary and never with half a UTF-8 character.
   */
  toString(): string {
    const text = Buffer.concat(this.chunks, this.size).toString('utf8');
    if (!this.dropped) return text;
    const newline = text.indexOf('\n');
    return newline === -1 ? text : text.slice(newline + 1);
  }
}
