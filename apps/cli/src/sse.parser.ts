/** One Server-Sent Event as the WHATWG parsing rules assemble it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Pure, incremental: feed text as it arrives, get the complete events. Comments (`: heartbeat`) and
 * `retry:` are dropped; the last `id:` seen sticks to later events, as in a browser's EventSource.
 */
export class SseParser {
  private buffer = '';
  private lastId: string | undefined;
  private event = 'message';
  private data: string[] = [];

  feed(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0) out.push({ id: this.lastId, event: this.event, data: this.data.join('\n') });
        this.event = 'message';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    }
    return out;
  }
}

/** Events of a byte stream, until the server ends it. */
export async function* readSseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.feed(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
