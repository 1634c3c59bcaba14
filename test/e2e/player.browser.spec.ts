import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import type { Page } from 'playwright-core';
import { findChromium, itWithChromium, launchChromium } from '../support/browser.js';
import { submitTranscode, uploadFile } from '../support/http.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const CHROMIUM = findChromium();
/** Fixed name, overwritten on every run, so runs do not pile up screenshots. */
const SCREENSHOT = path.join(os.tmpdir(), 'reelforge-player.png');

/**
 * The browser globals the callbacks below read. The repository compiles without the DOM lib, and
 * page.evaluate serialises each callback, so every callback casts `globalThis` itself.
 */
interface PageGlobals {
  hls?: { levels: unknown[]; currentLevel: number; nextLevel: number };
  /** Where the video was when it first started playing (set by an init script of the test below). */
  firstPlayingAt?: number;
  addEventListener(type: string, listener: (event: { target: { currentTime: number } }) => void, capture: boolean): void;
  reelforgePlayback: { levelsLoaded: number[]; levelSwitches: number[]; errors: string[] };
  document: {
    querySelector(selector: 'video'): { currentTime: number; poster: string; ended: boolean };
    getElementById(id: string): { textContent: string | null; style: { display: string; backgroundImage: string; width: string } };
  };
}

interface Playback {
  levels: number;
  current: number;
  loaded: number[];
  switches: number[];
  errors: string[];
  time: number;
}

const readPlayback = (page: Page): Promise<Playback> =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const video = w.document.querySelector('video');
    return {
      levels: w.hls?.levels.length ?? 0,
      current: w.hls?.currentLevel ?? -1,
      loaded: [...w.reelforgePlayback.levelsLoaded],
      switches: [...w.reelforgePlayback.levelSwitches],
      errors: [...w.reelforgePlayback.errors],
      time: video.currentTime,
    };
  });

describe('player page /watch/:fileId', () => {
  let stack: TestStack;
  let fileId: string;

  beforeAll(async () => {
    // The long-encode test asks for the slow preset, which the default X264_SLOWEST_PRESET (medium) refuses.
    stack = await startTestStack({ env: { X264_SLOWEST_PRESET: 'slow' } });
    // Six 1 s segments in two renditions (360p, 240p): long enough to play, switch and keep playing.
    const upload = await uploadFile(stack.baseUrl, await makeFixture('landscape-720p', { durationS: 6 }));
    expect(upload.status).toBe(201);
    ({ fileId } = (await upload.json()) as { fileId: string });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it('when a file is uploaded but not transcoded, then its public status says so and shows nothing private', async () => {
    const res = await fetch(`${stack.baseUrl}/watch/${fileId}/status.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'uploaded', progress: 0, stage: null, playable: false, hlsUrl: null, posterUrl: null });
  });

  it('when the page is served, then it needs no token, carries none, loads hls.js from this server and locks scripts to it', async () => {
    const page = await fetch(`${stack.baseUrl}/watch/${fileId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const html = await page.text();
    expect(html).not.toContain(TEST_TOKEN);
    expect(html).not.toMatch(/authorization|bearer/i);
    expect(html).toContain(`data-file-id="${fileId}"`);
    const src = /<script src="(\/assets\/hls\.min\.js[^"]*)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const script = await fetch(`${stack.baseUrl}${src}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it('when the id is unknown or malformed, then page and status answer 404', async () => {
    expect((await fetch(`${stack.baseUrl}/watch/nosuchfile`)).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/watch/NOT..valid`)).status).toBe(404);
    const status = await fetch(`${stack.baseUrl}/watch/nosuchfile/status.json`);
    expect(status.status).toBe(404);
    expect(await status.json()).toMatchObject({ code: 'file_not_found' });
  });

  const browserIt = itWithChromium(CHROMIUM);

  browserIt(
    'when the page is open while the job runs, then it shows the status, plays the ladder in chromium and switches levels',
    async () => {
      const browser = await launchChromium(CHROMIUM as string);
      const { context } = browser;
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const consoleErrors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(message.text());
        });
        const failedRequests: string[] = [];
        page.on('response', (response) => {
          if (response.status() >= 400) failedRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
        });

        // Opened before the transcode starts: the page must follow the job and start playing by itself.
        await page.goto(`${stack.baseUrl}/watch/${fileId}?autoplay=1`);
        await page.waitForFunction(() => /waiting for processing/i.test((globalThis as unknown as PageGlobals).document.getElementById('status').textContent ?? ''));
        expect((await submitTranscode(stack.baseUrl, { fileId })).status).toBe(202);

        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).hls !== undefined, undefined, { timeout: 45_000 });
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('video').currentTime > 0.5, undefined, { timeout: 15_000 });
        const started = await readPlayback(page);
        expect(started.levels).toBeGreaterThanOrEqual(2);

        // Force the other rendition: hls.js must load its playlist and switch without stalling.
        const target = started.current === 0 ? 1 : 0;
        await page.evaluate((level) => {
          const { hls } = globalThis as unknown as PageGlobals;
          if (hls) hls.nextLevel = level;
        }, target);
        await page.waitForFunction(
          (level) => (globalThis as unknown as PageGlobals).reelforgePlayback.levelSwitches.includes(level),
          target,
          { timeout: 15_000 },
        );
        const switchedAt = (await readPlayback(page)).time;
        await page.waitForFunction((t) => (globalThis as unknown as PageGlobals).document.querySelector('video').currentTime > t + 0.5, switchedAt, { timeout: 15_000 });

        const after = await readPlayback(page);
        expect(new Set(after.loaded).size).toBeGreaterThanOrEqual(2);
        expect(after.switches).toContain(target);
        expect(after.time).toBeGreaterThan(started.time);
        // Non-fatal reports are hls.js recovering on its own (e.g. bufferAppendNoProgress for the first
        // audio fragment, whose AAC priming starts 21 ms before the video); a fatal one stops playback.
        expect(after.errors.filter((e) => e.startsWith('fatal'))).toEqual([]);
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('video').poster)).toMatch(new RegExp(`/media/hls/${fileId}/\\w+/1/poster\\.jpg$`));
        expect(failedRequests).toEqual([]);
        expect(consoleErrors).toEqual([]);

        // The storyboard track drives hover previews over the scrub strip.
        await page.waitForSelector('#scrub:not([hidden])');
        const box = await page.locator('#scrub').boundingBox();
        await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) * 0.6, (box?.y ?? 0) + 5);
        const preview = await page.evaluate(() => {
          const thumb = (globalThis as unknown as PageGlobals).document.getElementById('thumb');
          return { display: thumb.style.display, image: thumb.style.backgroundImage, width: thumb.style.width };
        });
        expect(preview).toEqual({ display: 'block', image: expect.stringMatching(new RegExp(`/media/hls/${fileId}/\\w+/1/storyboard\\.jpg`)), width: '160px' });

        await page.screenshot({ path: SCREENSHOT });
        expect((await stat(SCREENSHOT)).size).toBeGreaterThan(5_000);
        process.stdout.write(
          `[player.browser] screenshot: ${SCREENSHOT}; levels loaded ${JSON.stringify(after.loaded)}, switches ${JSON.stringify(after.switches)}, ` +
            `non-fatal hls.js reports ${JSON.stringify(after.errors)}\n`,
        );
      } finally {
        await browser.close();
      }
    },
    90_000,
  );

  browserIt(
    'when the page opens while a long encode is still running, then it plays from the beginning during the encode and on to the end without a reload',
    async () => {
      // 20 s of 720p at the slow preset: still encoding well after the first segments are stored, on two cores.
      const upload = await uploadFile(stack.baseUrl, await makeFixture('landscape-720p', { durationS: 20 }));
      const { fileId: longFile } = (await upload.json()) as { fileId: string };
      const browser = await launchChromium(CHROMIUM as string);
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        await page.addInitScript(() => {
          const w = globalThis as unknown as PageGlobals;
          w.addEventListener('playing', (event) => {
            w.firstPlayingAt ??= event.target.currentTime;
          }, true);
        });
        const submit = await submitTranscode(stack.baseUrl, { fileId: longFile, ladder: { preset: 'slow', rungs: [{ height: 720 }, { height: 360 }] } });
        expect(submit.status).toBe(202);
        const { jobId } = (await submit.json()) as { jobId: string };

        // Open the page once the live playlists are long enough that hls.js, left to itself, would start
        // at their live edge (three target durations from the end) rather than at 0.
        const segmentsStored = async () => {
          const job = await stack.jobs.findById(jobId);
          if (job?.status !== 'processing' || job.outputPrefix === null) return 0;
          const playlist = await stack.storage.getStream(`${job.outputPrefix}/360p/index.m3u8`).catch(() => null);
          if (!playlist) return 0;
          const chunks: Buffer[] = [];
          for await (const chunk of playlist) chunks.push(chunk as Buffer);
          return (Buffer.concat(chunks).toString('utf8').match(/#EXTINF/g) ?? []).length;
        };
        await waitFor('six segments published while the job runs', async () => ((await segmentsStored()) >= 6 ? true : undefined), { timeoutMs: 120_000, intervalMs: 100 });

        await page.goto(`${stack.baseUrl}/watch/${longFile}?autoplay=1`);
        await page.waitForFunction(
          () => {
            const w = globalThis as unknown as PageGlobals;
            return w.firstPlayingAt !== undefined && w.document.querySelector('video').currentTime > w.firstPlayingAt + 0.5;
          },
          undefined,
          { timeout: 60_000 },
        );
        // Read after the page had played half a second: the job was still encoding then.
        const whilePlaying = await stack.jobs.findById(jobId);
        expect(whilePlaying).toMatchObject({ status: 'processing', playableAt: expect.any(Date) });
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).firstPlayingAt)).toBeLessThan(1);

        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('video').ended, undefined, { timeout: 180_000 });
        expect(await stack.jobs.findById(jobId)).toMatchObject({ status: 'completed' });
        const played = await readPlayback(page);
        expect(played.time).toBeGreaterThan(19);
        expect(played.errors.filter((e) => e.startsWith('fatal'))).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    360_000,
  );
});
