import { Router } from 'express';
import { ServiceUnavailableError } from '../http/app.errors.js';
import { WebAppBundleLoader } from '../webapp/webapp.bundle.js';
import { renderWebAppPage } from '../webapp/webapp.page.js';
import { HLS_SCRIPT_URL } from './player.routes.js';

export const WEB_APP_PATH = '/app';
const SCRIPT_PATH = '/app/app.js';
const SCRIPT_MAX_AGE_S = 365 * 24 * 60 * 60;

/** Like the watch page's: scripts from this server only, media and API calls to it (or the bucket/CDN). */
export function webAppContentSecurityPolicy(mediaOrigin: string | null): string {
  const media = mediaOrigin ? ` ${mediaOrigin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'unsafe-inline'",
    // blob: for a recording's preview frame; data: for the empty favicon.
    `img-src 'self' data: blob:${media}`,
    // blob: for hls.js (MediaSource) and for playing back a recording before it is uploaded.
    `media-src 'self' blob:${media}`,
    `connect-src 'self'${media}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The web app: /app (one HTML page) and its script, built by tools/build-web.mjs from apps/web/src.
 * Neither needs a token: the page asks for one and keeps it in the tab's sessionStorage.
 */
export function webAppRoutes({ mediaOrigin, bundle = new WebAppBundleLoader() }: { mediaOrigin: string | null; bundle?: WebAppBundleLoader }): Router {
  const router = Router();
  const csp = webAppContentSecurityPolicy(mediaOrigin);
  const notBuilt = () => new ServiceUnavailableError('The web app is not built; run `npm run build -w @reelforge/web` (the Docker image includes it).');

  router.get(WEB_APP_PATH, async (_req, res) => {
    const built = await bundle.load();
    if (!built) throw notBuilt();
    res.set({
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    res.type('html').send(renderWebAppPage({ hlsScriptUrl: HLS_SCRIPT_URL, appScriptUrl: `${SCRIPT_PATH}?v=${built.version}` }));
  });

  router.get(SCRIPT_PATH, async (_req, res) => {
    const built = await bundle.load();
    if (!built) throw notBuilt();
    res.set({ 'Cache-Control': `public, max-age=${SCRIPT_MAX_AGE_S}, immutable`, 'X-Content-Type-Options': 'nosniff' });
    res.type('text/javascript').send(built.code);
  });

  return router;
}
