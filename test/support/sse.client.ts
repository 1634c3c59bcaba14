/** A Server-Sent Events client over fetch, parsing the stream the way browsers do (WHATWG HTML). */

export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseStream {
  response: Response;
  /** Comment lines seen so far (`: heartbeat`). */
  comments(): number;
  /** The next event, or null once the server ended the stream. Rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage | null>;
  /** Every event up to the end of the stream. */
  rest(timeoutMs?: number): Promise<SseMessage[]>;
  /** Drops the connection, as a browser tab being closed would. */
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseMessage[] = [];
  let buffer = '';
  let ended = false;
  let comments = 0;
  let pending: { id: string | undefined; event: string; data: string[] } = { id: undefined, event: 'message', data: [] };
  let lastId: string | undefined;

  const feedLine = (line: string) => {
    if (line === '') {
      if (pending.data.length > 0) queue.push({ id: lastId, event: pending.event, data: pending.data.join('\n') });
      pending = { id: undefined, event: 'message', data: [] };
      return;
    }
    if (line.startsWith(':')) {
      comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') pending.event = value;
    else if (field === 'data') pending.data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  };

  const pull = async (deadline: number): Promise<void> => {
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a server-sent event')), Math.max(0, deadline - Date.now()));
      timer.unref();
    });
    const { done, value } = await Promise.race([reader.read(), timeout]);
    if (done) {
      ended = true;
      return;
    }
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) feedLine(line);
  };

  const next = async (timeoutMs = 30_000): Promise<SseMessage | null> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0 && !ended) await pull(deadline);
    return queue.shift() ?? null;
  };

  return {
    response,
    comments: () => comments,
    next,
    async rest(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const all: SseMessage[] = [];
      for (let message = await next(timeoutMs); message; message = await next(deadline - Date.now())) all.push(message);
      return all;
    },
    close() {
      controller.abort();
      reader.cancel().catch(() => undefined);
    },
  };
}
