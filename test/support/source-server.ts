import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface SourceServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Lets the held answers of `/gated/...` go. */
  openGate(): void;
  /** Closes the gate again and forgets the requests seen so far. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local origin for URL imports, on loopback:
 * - `/clip.mp4` and `/gated/clip.mp4` (held until `openGate`) serve `clip`;
 * - `/long.mp4` serves `longClip` when given;
 * - `/redirect?to=<url>` answers 302 to `to`; `/loop` redirects to itself; `/missing` answers 404; `/not-media.txt` is text;
 * - `/slow` sends its headers and a first byte, then nothing until the client gives up;
 * - `/big?bytes=<n>` streams n zero bytes without a Content-Length, `/big-declared?bytes=<n>` declares them.
 */
export async function startSourceServer(clip: string, longClip?: string): Promise<SourceServer> {
  const requests: string[] = [];
  let gateOpen = false;
  const held: (() => void)[] = [];
  const sendClip = async (res: ServerResponse, file = clip) => {
    const { size } = await stat(file);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
    createReadStream(file).pipe(res);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://source.test');
    requests.push(url.pathname);
    const bytes = Number(url.searchParams.get('bytes') ?? 0);
    switch (url.pathname) {
      case '/clip.mp4':
        return sendClip(res);
      case '/gated/clip.mp4':
        if (!gateOpen) await new Promise<void>((resolve) => held.push(resolve));
        return sendClip(res);
      case '/long.mp4':
        if (longClip === undefined) break;
        return sendClip(res, longClip);
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      case '/not-media.txt':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('this is not a video\n'.repeat(100));
        return;
      case '/slow':
        res.writeHead(200, { 'content-type': 'video/mp4' });
        res.write('\0');
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'video/mp4' });
        res.end(Buffer.alloc(bytes));
        return;
      case '/big-declared':
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes) });
        res.end(Buffer.alloc(bytes));
        return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    openGate() {
      gateOpen = true;
      for (const release of held.splice(0)) release();
    },
    reset() {
      gateOpen = false;
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
