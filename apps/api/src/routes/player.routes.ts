import { createRequire } from 'node:module';
import { Router, type Response } from 'express';
import { NotFoundError } from '../http/app.errors.js';
import { FileIdSchema } from '../media/transcode.request.js';
import { WATCH_CLIENT_SCRIPT } from '../player/watch.client.js';
import type { WatchStatusService } from '../player/watch-status.service.js';
import { renderWatchPage } from '../player/watch.page.js';

export interface PlayerRoutesDeps {
  watch: WatchStatusService;
  /** Origin the HLS output is served from when it is not this API (bucket or CDN), for the page's CSP. */
  mediaOrigin: string | null;
}

const localRequire = createRequire(import.meta.url);
// hls.js comes from node_modules (a runtime dependency), never from a CDN; the version busts caches.
const HLS_SCRIPT_PATH = localRequire.resolve('hls.js/dist/hls.min.js');
const HLS_VERSION = (localRequire('hls.js/package.json') as { version: string }).version;
/** hls.js as this server serves it; the web app (/app) loads the same file, so browsers cache it once. */
export const HLS_SCRIPT_URL = `/assets/hls.min.js?v=${HLS_VERSION}`;
const ASSETS = { hlsScriptUrl: HLS_SCRIPT_URL, clientScriptUrl: `/assets/watch.js?v=${HLS_VERSION}` };
const ASSET_MAX_AGE_S = 24 * 60 * 60;

function contentSecurityPolicy(mediaOrigin: string | null): string {
  const media = mediaOrigin ? ` ${mediaOrigin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'unsafe-inline'",
    // data: only for the empty favicon, which spares the browser a request that would 404.
    `img-src 'self' data:${media}`,
    // hls.js feeds the video element through MediaSource (blob:) and transmuxes in a blob: worker.
    `media-src 'self' blob:${media}`,
    `connect-src 'self'${media}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function fileIdOf(raw: string): string {
  const parsed = FileIdSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError('file_not_found', 'No video with this id.');
  return parsed.data;
}

async function isKnown(watch: WatchStatusService, fileId: string): Promise<boolean> {
  try {
    await watch.status(fileId);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

function pageHeaders(res: Response, csp: string): void {
  res.set({
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  });
}

/**
 * The public player: `/watch/:fileId` (HTML), its status feed and its two scripts. No bearer token is
 * involved anywhere, so none can leak into the page; see WatchStatusService for what is exposed.
 */
export function playerRoutes({ watch, mediaOrigin }: PlayerRoutesDeps): Router {
  const router = Router();
  const csp = contentSecurityPolicy(mediaOrigin);

  router.get('/assets/hls.min.js', (_req, res) => {
    res.sendFile(HLS_SCRIPT_PATH, { maxAge: ASSET_MAX_AGE_S * 1000, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });

  router.get('/assets/watch.js', (_req, res) => {
    res.set({ 'Cache-Control': `public, max-age=${ASSET_MAX_AGE_S}`, 'X-Content-Type-Options': 'nosniff' });
    res.type('text/javascript').send(WATCH_CLIENT_SCRIPT);
  });

  router.get('/watch/:fileId', async (req, res) => {
    const fileId = FileIdSchema.safeParse(req.params.fileId);
    // An unknown id still gets the page (with a 404 status): it tells the viewer in words.
    const known = fileId.success && (await isKnown(watch, fileId.data));
    pageHeaders(res, csp);
    res.set('Cache-Control', 'no-cache');
    res.status(known ? 200 : 404).type('html').send(renderWatchPage(fileId.success ? fileId.data : '', ASSETS));
  });

  router.get('/watch/:fileId/status.json', async (req, res) => {
    const status = await watch.status(fileIdOf(req.params.fileId));
    res.set('Cache-Control', 'no-store');
    res.json(status);
  });

  return router;
}
