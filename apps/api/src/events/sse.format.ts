/** Server-Sent Events framing (WHATWG HTML, "Server-sent events"): pure string builders. */

export interface SseEvent {
  /** Becomes the client's lastEventId and comes back as the Last-Event-ID header on reconnect. */
  id: string;
  event: string;
  data: unknown;
}

/** JSON.stringify never emits a raw line break, so the payload always fits one `data:` line. */
export function formatSseEvent({ id, event, data }: SseEvent): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by clients, but it keeps proxies and load balancers from closing an idle stream. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** How long a client waits before reconnecting after the connection drops. */
export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
