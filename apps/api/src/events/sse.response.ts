import type { Response } from 'express';
import { formatSseRetry } from './sse.format.js';

/**
 * Starts an event stream on `res`: headers that keep every hop from buffering or caching it, sent
 * at once, then the client's reconnect delay.
 */
export function startSseResponse(res: Response, reconnectMs: number): void {
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and DigitalOcean's proxies buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(formatSseRetry(reconnectMs));
}
