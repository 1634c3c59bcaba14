import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type WebhookReceiverHandler = (request: ReceivedRequest, res: http.ServerResponse) => void;

export interface WebhookReceiver {
  url: (path?: string) => string;
  port: number;
  requests: ReceivedRequest[];
  /** Resolves with the next request whose path matches. */
  next(path?: string): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records every request it gets. */
export async function startWebhookReceiver(handler: WebhookReceiverHandler, port = 0): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { path: string | undefined; resolve: (r: ReceivedRequest) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      for (const waiter of waiters.filter((w) => w.path === undefined || w.path === received.url)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
      handler(received, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: (path = '/hook') => `http://127.0.0.1:${actualPort}${path}`,
    requests,
    next: (path) => new Promise((resolve) => waiters.push({ path, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
