import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { findChromium, itWithChromium, launchChromium } from '../support/browser.js';
import { submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const CHROMIUM = findChromium();
const SCREENSHOT = path.join(os.tmpdir(), 'reelforge-bull-board.png');
const OPERATOR = { username: 'ops', password: 'board-password-for-tests' };

describe('Bull Board at /admin/queues', () => {
  let stack: TestStack;
  let jobId: string;
  let fileId: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { BULL_BOARD_USER: OPERATOR.username, BULL_BOARD_PASSWORD: OPERATOR.password } });
    const upload = await uploadFile(stack.baseUrl, await makeFixture('landscape-720p', { durationS: 2 }), 'board-demo.mp4');
    ({ fileId } = (await upload.json()) as { fileId: string });
    ({ jobId } = (await (await submitTranscode(stack.baseUrl, { fileId })).json()) as { jobId: string });
    expect((await waitForSettled(stack.baseUrl, fileId)).status).toBe('completed');
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it('when credentials are missing or wrong, then it answers 401 with a Basic challenge', async () => {
    const none = await fetch(`${stack.baseUrl}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await fetch(`${stack.baseUrl}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`${OPERATOR.username}:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
  });

  const browserIt = itWithChromium(CHROMIUM);

  browserIt(
    'when an operator logs in, then the transcode queue shows the completed job with its file id and name',
    async () => {
      const browser = await launchChromium(CHROMIUM as string, { viewport: { width: 1280, height: 800 }, httpCredentials: OPERATOR });
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        const response = await page.goto(`${stack.baseUrl}/admin/queues/queue/transcode?status=completed`);
        expect(response?.status()).toBe(200);
        // The job card shows the BullMQ id (<jobId>.<attempt>) and its data (fileId, originalName).
        await page.getByText(`${jobId}.1`, { exact: false }).first().waitFor({ timeout: 20_000 });
        await page.getByText('board-demo.mp4', { exact: false }).first().waitFor({ timeout: 10_000 });
        expect(await page.getByText(fileId, { exact: false }).count()).toBeGreaterThan(0);
        // The effective ladder is in the job's log tab.
        await page.getByText('Logs', { exact: true }).first().click();
        await page.getByText('ladder: 360p 640x360@30', { exact: false }).first().waitFor({ timeout: 10_000 });
        await page.screenshot({ path: SCREENSHOT, fullPage: false });
        expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
        process.stdout.write(`[bull-board.browser] screenshot: ${SCREENSHOT}\n`);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
