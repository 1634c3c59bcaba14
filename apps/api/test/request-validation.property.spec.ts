import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorCode } from '@reelforge/errors';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import fc from 'fast-check';
// eslint-disable-next-line @nx/enforce-module-boundaries -- FC_NUM_RUNS is read once for the suite, in the Jest setup file
import { numRuns } from '../../../tools/testing/fast-check.setup.js';
import { STATUS_BY_CODE } from '../src/http/problem.middleware.js';
import { MAX_ORIGINAL_NAME_LENGTH } from '../src/media/original-name.sanitizer.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { auth, uploadFile } from '../../../test/support/http.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { startTestStack, TEST_TOKEN, type TestStack } from '../../../test/support/test-stack.js';
import { buildMultipart } from './support/multipart.builder.js';

/** Bounded so the file takes a few seconds (FC_NUM_RUNS overrides); a failure prints its seed, which FC_SEED replays. */
const RUNS = { transcode: 200, headers: 100, uploads: 30 };

/** Every answer is either one of `allowed` or a 4xx problem whose code maps to exactly its status. */
async function expectWellFormed(res: Response, allowed: readonly number[]): Promise<void> {
  const text = await res.text();
  if (allowed.includes(res.status)) return;
  if (res.status < 400 || res.status >= 500) throw new Error(`unexpected ${res.status}: ${text.slice(0, 500)}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as { status: number; code: ErrorCode; type: string; title: string; detail: string };
  expect(STATUS_BY_CODE[problem.code]).toBe(res.status);
  expect(problem).toMatchObject({ status: res.status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

/** Header values fetch can carry: visible ASCII, space and Latin-1 (no controls, no DEL), not padded. */
const headerValue = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 300 })
  .filter((v) => v.length > 0 && v.trim() === v);

const ladderish = fc.record(
  {
    rungs: fc.oneof(
      fc.array(fc.record({ height: fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.jsonValue()), videoBitrateKbps: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 10 }),
      fc.jsonValue(),
    ),
    segmentSeconds: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double(), fc.jsonValue()),
    preset: fc.oneof(fc.constantFrom('ultrafast', 'veryfast', 'placebo'), fc.string()),
    audioBitrateKbps: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.jsonValue()),
    includeAudio: fc.jsonValue(),
    maxRungs: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

describe('request validation holds for arbitrary input (fast-check)', () => {
  let stack: TestStack;
  let fileId: string;
  let video: Buffer;
  let spool: string;

  beforeAll(async () => {
    spool = await mkdtemp(path.join(os.tmpdir(), 'reelforge-spool-'));
    stack = await startTestStack({ worker: false, env: { UPLOAD_TMP_DIR: spool } });
    const fixture = await makeFixture('tiny-240p', { durationS: 1 });
    video = await readFile(fixture);
    const upload = await uploadFile(stack.baseUrl, fixture, 'clip.mp4');
    ({ fileId } = (await upload.json()) as { fileId: string });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(spool, { recursive: true, force: true });
    await cleanupFixtures();
  });

  it('when the transcode body is any JSON value or near-valid object, then the answer is 202, 404 or a coded 4xx, never 5xx', async () => {
    const body = fc.oneof(
      fc.jsonValue({ stringUnit: 'binary' }),
      fc.record(
        {
          fileId: fc.oneof(fc.constant(fileId), fc.constant('nosuchfile'), fc.string({ unit: 'binary' }), fc.jsonValue()),
          ladder: fc.oneof(ladderish, fc.jsonValue()),
          priority: fc.oneof(fc.integer({ min: -5, max: 1100 }), fc.double(), fc.jsonValue()),
          webhookUrl: fc.oneof(fc.webUrl(), fc.string({ unit: 'binary' }), fc.jsonValue()),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['fileId'] },
      ),
    );
    const key = fc.option(headerValue, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(body, key, async (value, idempotencyKey) => {
        const res = await fetch(`${stack.baseUrl}/api/media/transcode`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
          body: JSON.stringify(value) ?? '',
        });
        await expectWellFormed(res, [202]);
      }),
      { numRuns: numRuns(RUNS.transcode) },
    );
  });

  it('when the transcode body is any text, then it is never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 500 }), async (text) => {
        const res = await fetch(`${stack.baseUrl}/api/media/transcode`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: text });
        await expectWellFormed(res, [202]);
      }),
      { numRuns: numRuns(RUNS.headers) },
    );
  });

  it('when Authorization, Content-Type and the path id are arbitrary, then the answer is a coded 4xx (or 202 with the real token)', async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, headerValue, fc.string({ unit: 'binary', maxLength: 80 }), async (authorization, contentType, id) => {
        const submit = await fetch(`${stack.baseUrl}/api/media/transcode`, {
          method: 'POST',
          headers: { authorization, 'content-type': contentType },
          body: JSON.stringify({ fileId }),
        });
        expect(authorization === `Bearer ${TEST_TOKEN}` ? [202, 415] : [401]).toContain(submit.status);
        await expectWellFormed(submit, [202]);
        const status = await fetch(`${stack.baseUrl}/api/media/transcode/${encodeURIComponent(id)}`, { headers: auth });
        await expectWellFormed(status, [200]);
      }),
      { numRuns: numRuns(RUNS.headers) },
    );
  });

  it('when a video is uploaded under any file name, then it is stored as uploads/<fileId>/source, or refused with a coded 4xx', async () => {
    const name = fc.string({ unit: 'binary', maxLength: 300 });
    const encoding = fc.constantFrom('quoted', 'rfc5987', 'form-data');
    await fc.assert(
      fc.asyncProperty(name, encoding, async (filename, how) => {
        let res: Response;
        if (how === 'form-data') {
          const form = new FormData();
          form.append('file', new Blob([video]), filename);
          res = await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST', headers: auth, body: form });
        } else {
          const part = how === 'quoted' ? { filename } : { filenameStar: filename };
          const { body, contentType } = buildMultipart([{ field: 'file', ...part, content: video }]);
          res = await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST', headers: { ...auth, 'content-type': contentType }, body });
        }
        if (res.status === 201) {
          const stored = (await res.json()) as { fileId: string; originalName: string };
          expect(stored.originalName).not.toMatch(/\p{Cc}/u);
          expect(stored.originalName.normalize('NFC')).toBe(stored.originalName);
          expect([...stored.originalName].length).toBeLessThanOrEqual(MAX_ORIGINAL_NAME_LENGTH);
          const row = await stack.db.pool.query<{ storage_key: string }>('SELECT storage_key FROM files WHERE id = $1', [stored.fileId]);
          expect(row.rows[0]!.storage_key).toBe(`uploads/${stored.fileId}/source`);
        } else {
          await expectWellFormed(res, []);
        }
        expect(await readdir(spool)).toEqual([]);
      }),
      { numRuns: numRuns(RUNS.uploads) },
    );
  });
});
