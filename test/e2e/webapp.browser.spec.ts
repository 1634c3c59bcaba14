import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import type { Page, Request, Route } from 'playwright-core';
import { findChromium, itWithChromium, launchChromium } from '../support/browser.js';
import { bearer } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM = findChromium();
/** Overwritten on every run; .reelforge/ is gitignored. */
const SHOTS = path.join(root, '.reelforge', 'screenshots');
const TIMEOUT = 45_000;

/** The browser globals the callbacks below read (the repository compiles without the DOM lib; page.evaluate serialises each callback). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null; length: number };
  navigator: { clipboard: { readText(): Promise<string> } };
  hls?: { levels: { height: number }[]; currentLevel: number };
  document: {
    querySelector(selector: string): { textContent: string | null; currentTime: number; duration: number; muted: boolean; poster: string; play(): Promise<void> } | null;
    querySelectorAll(selector: string): { length: number };
    getElementById(id: string): { style: { display: string; backgroundImage: string }; hidden: boolean; textContent: string | null };
  };
}

describe('web app /app in chromium', () => {
  let stack: TestStack;
  let key: string;
  let scratch: string;
  /** About 4.5 MB: five 1 MiB tus chunks, so the connection can be cut after the first. */
  let clip: string;

  const shot = async (page: Page, name: string): Promise<string> => {
    const file = path.join(SHOTS, `webapp-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect((await stat(file)).size).toBeGreaterThan(5_000);
    return file;
  };
  const rowStatus = (page: Page, fileId: string) => page.locator(`tr[data-file-id="${fileId}"]`).getAttribute('data-status');
  const waitForRow = (page: Page, fileId: string, status: string) =>
    page.waitForSelector(`tr[data-file-id="${fileId}"][data-status="${status}"]`, { timeout: TIMEOUT });
  const signIn = async (page: Page) => {
    await page.goto(`${stack.baseUrl}/app`);
    await page.fill('#key', key);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#live:text("live")', { timeout: TIMEOUT });
  };

  beforeAll(async () => {
    await run(process.execPath, [path.join(root, 'tools', 'build-web.mjs')], { cwd: root });
    await mkdir(SHOTS, { recursive: true });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-webapp-'));
    clip = path.join(scratch, 'noisy-360p.mp4');
    // Noise keeps the bitrate (and so the file) large for its length; testsrc2 gives the storyboard something to show.
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30,noise=alls=18:allf=t'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '27', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', clip],
    ]);
    expect((await stat(clip)).size).toBeGreaterThan(2.5 * 1024 * 1024);
    stack = await startTestStack({ env: { SSE_HEARTBEAT_MS: '2000' } });
    key = (await new ApiKeysRepository(stack.db.pool).create({ owner: 'alice' })).token;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const browserIt = itWithChromium(CHROMIUM);

  browserIt(
    'when alice signs in, uploads, loses the connection, reloads and picks the file again, then the upload resumes (paused and resumed once), the list follows it live to completed and it plays and seeks',
    async () => {
      const browser = await launchChromium(CHROMIUM as string, { viewport: { width: 1100, height: 900 } });
      const shots: string[] = [];
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        const consoleErrors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(message.text());
        });
        const creations: string[] = [];
        const headOffsets: number[] = [];
        page.on('response', (response) => {
          const method = response.request().method();
          if (method === 'POST' && new URL(response.url()).pathname === '/api/uploads') creations.push(response.headers().location ?? '');
          if (method === 'HEAD' && new URL(response.url()).pathname.startsWith('/api/uploads/')) headOffsets.push(Number(response.headers()['upload-offset']));
        });

        // A wrong key is refused with the API's own words.
        await page.goto(`${stack.baseUrl}/app`);
        await page.fill('#key', 'rf_not-a-key');
        await page.click('#sign-in-form button[type=submit]');
        await page.waitForSelector('#sign-in-error:text("unauthorized")');
        shots.push(await shot(page, '1-sign-in-refused'));

        await signIn(page);
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('reelforge.key'))).toBe(key);
        shots.push(await shot(page, '2-signed-in'));

        // The first PATCH goes through; every later one is cut off until the page is reloaded.
        let patches = 0;
        let cut = true;
        let aborted = 0;
        await page.route('**/api/uploads/*', async (route: Route, request: Request) => {
          if (request.method() === 'PATCH' && cut && ++patches > 1) {
            aborted += 1;
            await route.abort('internetdisconnected');
            return;
          }
          await route.continue();
        });
        const chooseOptions = async () => {
          // The 240p rung joins the usual ones the page checks; only those a 360p source can feed remain once it is picked.
          await page.check('#rungs input[value="240"]');
          await page.fill('#priority', '5');
        };
        const offeredRungs = () =>
          page.locator('#rungs input').evaluateAll((inputs) => inputs.map((i) => `${(i as unknown as { value: string }).value}:${(i as unknown as { checked: boolean }).checked}`));
        await chooseOptions();
        await page.setInputFiles('#file', clip);
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('#upload-text')?.textContent ?? '').includes('1.0 MB of'), undefined, { timeout: TIMEOUT });
        expect(await offeredRungs()).toEqual(['360:true', '240:true']);
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('#upload-text')?.textContent ?? '').match(/retrying \(attempt [2-9]/) !== null, undefined, { timeout: TIMEOUT });
        expect(aborted).toBeGreaterThanOrEqual(2);
        shots.push(await shot(page, '3-upload-cut'));

        // The server kept what arrived before the cut.
        const uploadUrl = new URL(creations[0]!, stack.baseUrl).href;
        const before = await fetch(uploadUrl, { method: 'HEAD', headers: { ...bearer(key), 'tus-resumable': '1.0.0' } });
        const serverOffset = Number(before.headers.get('upload-offset'));
        expect(serverOffset).toBeGreaterThan(0);
        expect(serverOffset).toBeLessThan((await stat(clip)).size);

        cut = false;
        headOffsets.length = 0;
        await page.unroute('**/api/uploads/*');
        // After the reload, PATCH requests wait here until the gate opens, so the page can be paused mid-request.
        let openGate: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (openGate = resolve));
        let held = 0;
        await page.route('**/api/uploads/*', async (route: Route, request: Request) => {
          if (request.method() === 'PATCH') {
            held += 1;
            await gate;
          }
          // A request the page aborted meanwhile (pause) cannot be continued.
          await route.continue().catch(() => undefined);
        });
        await page.reload();
        // Still signed in: the key survived the reload in sessionStorage.
        await page.waitForSelector('#live:text("live")', { timeout: TIMEOUT });
        // Every row state the list shows from now on, as the live stream changes it.
        await page.evaluate(() => {
          const w = globalThis as unknown as { rowStates: string[]; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void }; document: { getElementById(id: string): { querySelectorAll(s: string): { forEach(f: (row: { dataset: { status: string }; textContent: string }) => void): void } } } };
          w.rowStates = [];
          const rows = w.document.getElementById('job-rows');
          new w.MutationObserver(() => rows.querySelectorAll('tr').forEach((row) => w.rowStates.push(`${row.dataset.status} ${/(\d+) %/.exec(row.textContent)?.[1]}`))).observe(rows, { childList: true, subtree: true });
        });
        await chooseOptions();
        await page.setInputFiles('#file', clip);
        await waitFor('the resumed upload to send its first PATCH', async () => (held >= 1 ? true : undefined), { timeoutMs: TIMEOUT });
        await page.click('#pause');
        await page.waitForSelector('#resume:not([hidden])');
        expect(await page.locator('#upload-text').textContent()).toContain('paused');
        shots.push(await shot(page, '4-upload-paused'));
        openGate();
        await page.click('#resume');
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('#upload-text')?.textContent ?? '').includes('transcoding'), undefined, { timeout: TIMEOUT });
        expect(await page.locator('#upload-text').textContent()).toBe('uploaded (resumed at 1.0 MB); transcoding (see the list below)');
        shots.push(await shot(page, '5-upload-resumed'));
        // One creation in all: the upload went on from the server's offset instead of starting over.
        expect(creations).toHaveLength(1);
        expect(headOffsets[0]).toBe(serverOffset);

        const { rows } = await stack.db.pool.query<{ id: string }>('SELECT id FROM files ORDER BY created_at DESC LIMIT 1');
        const fileId = rows[0]!.id;
        const job = await stack.db.pool.query<{ priority: number; ladder: unknown }>('SELECT * FROM transcoding_jobs WHERE file_id = $1', [fileId]);
        expect(job.rows[0]).toMatchObject({ priority: 5 });
        expect(JSON.stringify(job.rows[0])).toContain('"rungs":[{"height":360},{"height":240}]');

        // The list follows the job over the owner-wide stream (the page never polls): queued, processing with progress, completed.
        await page.waitForSelector(`tr[data-file-id="${fileId}"]:is([data-status="processing"], [data-status="completed"])`, { timeout: TIMEOUT });
        if ((await rowStatus(page, fileId)) === 'processing') shots.push(await shot(page, '6-job-processing'));
        await waitForRow(page, fileId, 'completed');
        const states = await page.evaluate(() => (globalThis as unknown as { rowStates: string[] }).rowStates);
        const percents = states.filter((s) => s.startsWith('processing ')).map((s) => Number(s.split(' ')[1]));
        expect(states).toContain('completed 100');
        expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
        expect(await page.locator(`tr[data-file-id="${fileId}"] td.progress span`).textContent()).toContain('100 %');
        shots.push(await shot(page, '7-job-completed'));

        // Play: poster, quality menu from the ladder, storyboard previews and seeking on the bar.
        await page.click(`tr[data-file-id="${fileId}"] button.play`);
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).hls?.levels.length ?? 0) >= 2, undefined, { timeout: TIMEOUT });
        expect(await page.locator('#quality option').allTextContents()).toEqual(['Auto', '360p', '240p']);
        // Muted, because browsers only start unmuted video on a user gesture; play() settles only once playback starts.
        await page.evaluate(() => {
          const video = (globalThis as unknown as PageGlobals).document.querySelector('#video')!;
          video.muted = true;
          video.play().catch(() => undefined);
        });
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('#video')!.currentTime > 0.5, undefined, { timeout: TIMEOUT });
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#video')!.poster)).toMatch(/poster\.jpg$/);
        expect(await page.locator('#hls-url').textContent()).toMatch(new RegExp(`/media/hls/${fileId}/.+/master\\.m3u8$`));
        await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
        await page.click('#copy-hls');
        await page.waitForSelector('#copy-hls:text("Copied")');
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(await page.locator('#hls-url').textContent());
        const chosen = await page.selectOption('#quality', { label: '240p' });
        await page.waitForFunction(
          (level) => {
            const { hls } = globalThis as unknown as PageGlobals;
            return hls !== undefined && hls.currentLevel === level && hls.levels[level]?.height === 240;
          },
          Number(chosen[0]),
          { timeout: TIMEOUT },
        );
        await page.waitForSelector('#scrub:not([hidden])', { timeout: TIMEOUT });
        const scrub = page.locator('#scrub');
        const bar = (await scrub.boundingBox())!;
        const at = { position: { x: bar.width * 0.75, y: bar.height / 2 } };
        await scrub.hover(at);
        const thumb = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementById('thumb').style);
        expect({ display: thumb.display, image: thumb.backgroundImage }).toEqual({ display: 'block', image: expect.stringMatching(/storyboard\.jpg/) });
        shots.push(await shot(page, '8-player-storyboard'));
        await scrub.click(at);
        const { time, duration } = await page.evaluate(() => {
          const video = (globalThis as unknown as PageGlobals).document.querySelector('#video')!;
          return { time: video.currentTime, duration: video.duration };
        });
        expect(time).toBeGreaterThan(duration * 0.6);

        const unexpected = consoleErrors.filter((text) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(text));
        expect(unexpected).toEqual([]);
        process.stdout.write(`[webapp.browser] screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}\n`);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );
  browserIt(
    'when alice drops a file and records her camera, then both are uploaded and the job of the recording can be cancelled and retried from the list; signing out forgets the key',
    async () => {
      // Chromium's fake camera and microphone, allowed without a prompt.
      const browser = await launchChromium(CHROMIUM as string, {
        viewport: { width: 1100, height: 900 },
        extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
      });
      const { worker } = stack.worker!;
      const shots: string[] = [];
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        await browser.context.grantPermissions(['camera', 'microphone'], { origin: stack.baseUrl });
        await signIn(page);

        // A file dropped on the page is uploaded like a picked one.
        const dropped = await readFile(await makeFixture('tiny-240p', { durationS: 1 }));
        const dataTransfer = await page.evaluateHandle((bytes) => {
          const w = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: unknown[], name: string, options: object) => unknown };
          const transfer = new w.DataTransfer();
          transfer.items.add(new w.File([new Uint8Array(bytes)], 'dropped.mp4', { type: 'video/mp4' }));
          return transfer;
        }, [...dropped]);
        await page.dispatchEvent('#drop', 'drop', { dataTransfer });
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('#upload-text')?.textContent ?? '').includes('transcoding'), undefined, { timeout: TIMEOUT });
        expect(await page.locator('#upload-name').textContent()).toBe('dropped.mp4');

        // Jobs stay queued while the worker is paused, so the list can cancel and retry one for certain.
        await worker.pause(true);

        await page.click('#record-camera');
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('#preview')!.currentTime > 2, undefined, { timeout: TIMEOUT });
        shots.push(await shot(page, '9-recording'));
        await page.click('#record-stop');
        await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('#upload-text')?.textContent ?? '').includes('transcoding'), undefined, { timeout: TIMEOUT });
        const name = await page.locator('#upload-name').textContent();
        expect(name).toMatch(/^recording-.+\.webm$/);
        const { rows } = await stack.db.pool.query<{ id: string; mime: string }>('SELECT id, mime FROM files WHERE original_name = $1', [name]);
        const fileId = rows[0]!.id;
        expect(rows[0]!.mime).toMatch(/webm/);

        await waitForRow(page, fileId, 'queued');
        await page.click(`tr[data-file-id="${fileId}"] button.cancel`);
        await waitForRow(page, fileId, 'cancelled');
        shots.push(await shot(page, '10-job-cancelled'));
        await page.click(`tr[data-file-id="${fileId}"] button.retry`);
        await waitForRow(page, fileId, 'queued');
        worker.resume();
        await waitForRow(page, fileId, 'completed');
        shots.push(await shot(page, '11-recording-completed'));

        await page.click('#sign-out');
        await page.waitForSelector('#sign-in:not([hidden])');
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length)).toBe(0);
        expect(await page.locator('#job-rows tr').count()).toBe(0);
        shots.push(await shot(page, '12-signed-out'));
        // A reload stays signed out: nothing of the key is left in the tab.
        await page.reload();
        await page.waitForSelector('#sign-in:not([hidden])');
        expect(await page.locator('#signed-in').isHidden()).toBe(true);
        process.stdout.write(`[webapp.browser] screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}\n`);
      } finally {
        if (worker.isPaused()) worker.resume();
        await browser.close();
      }
    },
    180_000,
  );
});
