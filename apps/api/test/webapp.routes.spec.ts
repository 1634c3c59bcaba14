import type { Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import { problemMiddleware } from '../src/http/problem.middleware.js';
import { webAppRoutes } from '../src/routes/webapp.routes.js';
import { WebAppBundleLoader } from '../src/webapp/webapp.bundle.js';
import { expectProblem } from './support/problem.expect.js';

/** The web app's two routes on a bare Express app, with a bundle file of our own (or none). */
async function serve(candidates: string[], mediaOrigin: string | null): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = express();
  app.use(webAppRoutes({ mediaOrigin, bundle: new WebAppBundleLoader(candidates) }));
  app.use(problemMiddleware(pino({ level: 'silent' })));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('web app routes /app', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-webapp-routes-'));
    bundle = path.join(dir, 'app.js');
    await writeFile(bundle, '(()=>{console.log("app")})();\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the bundle is built, then the page names it by content hash, locks scripts to this server and admits the media origin', async () => {
    const api = await serve([path.join(dir, 'missing.js'), bundle], 'https://cdn.example.com');
    try {
      const page = await fetch(`${api.baseUrl}/app`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp.split('; ')).toEqual(
        expect.arrayContaining(["default-src 'none'", "script-src 'self'", "connect-src 'self' https://cdn.example.com", "media-src 'self' blob: https://cdn.example.com", "frame-ancestors 'none'"]),
      );
      const html = await page.text();
      expect(html).not.toMatch(/<script>/);
      const src = /<script src="(\/app\/app\.js\?v=[0-9a-f]{12})"/.exec(html)?.[1];
      expect(html).toMatch(/<script src="\/assets\/hls\.min\.js\?v=[\d.]+"/);
      const script = await fetch(`${api.baseUrl}${src}`);
      expect({ status: script.status, type: script.headers.get('content-type'), cache: script.headers.get('cache-control') }).toEqual({
        status: 200,
        type: expect.stringMatching(/^text\/javascript/),
        cache: expect.stringContaining('immutable'),
      });
      expect(await script.text()).toBe('(()=>{console.log("app")})();\n');
    } finally {
      await api.close();
    }
  });

  it('when the bundle was never built, then page and script answer 503 problem+json saying how to build it', async () => {
    const api = await serve([path.join(dir, 'missing.js')], null);
    try {
      for (const route of ['/app', '/app/app.js']) {
        const body = await expectProblem(await fetch(`${api.baseUrl}${route}`), 503, 'service_unavailable');
        expect(body.detail).toContain('build');
      }
    } finally {
      await api.close();
    }
  });
});
