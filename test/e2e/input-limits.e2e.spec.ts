import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { submitTranscode, uploadFile } from '../support/http.js';
import { makeOversizedInput, type OversizedInput } from '../support/oversized-inputs.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  details?: Record<string, unknown>;
}

/**
 * Operator limits through the real API with real ffprobe, Postgres and Redis: inputs refused when the
 * upload is sniffed (nothing stored), ladders refused when the transcode is asked for (no job made).
 * Duration and stream limits are lowered here so the files stay small; pixels and frame rate use the defaults.
 */
describe('operator limits on inputs and ladders', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { MAX_INPUT_DURATION_S: '5', MAX_INPUT_STREAMS: '3' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  const storedObjects = async (): Promise<string[]> => {
    const root = stack.storage.localPath('uploads');
    return root === null ? [] : readdir(root).catch(() => []);
  };
  const fileRows = async (): Promise<number> => (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM files')).rows[0]!.n;

  const refusals: Array<[OversizedInput, string, number, number]> = [
    ['huge-frame', 'pixels', 67_108_864, 33_177_600],
    ['long-low-res', 'durationS', 8, 5],
    ['four-streams', 'streams', 4, 3],
    ['high-fps', 'frameRate', 200, 120],
  ];

  it.each(refusals)('when the upload is %s, then it is refused with 422 input_too_large naming %s, its value and the limit, and nothing is stored', async (kind, limit, found, allowed) => {
    const before = { objects: await storedObjects(), rows: await fileRows() };
    const response = await uploadFile(stack.baseUrl, await makeOversizedInput(kind));
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status: 422, code: 'input_too_large', details: { limit, found, allowed } });
    expect(problem.detail).toContain(String(found));
    expect(problem.detail).toContain(String(allowed));
    expect({ objects: await storedObjects(), rows: await fileRows() }).toEqual(before);
  });

  describe('a request ladder', () => {
    let fileId: string;
    beforeAll(async () => {
      const upload = await uploadFile(stack.baseUrl, await makeFixture('small-360p', { durationS: 2 }));
      expect(upload.status).toBe(201);
      ({ fileId } = (await upload.json()) as { fileId: string });
    });

    const jobRows = async (): Promise<number> => (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transcoding_jobs')).rows[0]!.n;

    const outOfBounds: Array<[string, Record<string, unknown>, { field: string; value: number | string; allowed: number | string }, string]> = [
      ['a rung above LADDER_MAX_HEIGHT', { rungs: [{ height: 720 }, { height: 4320 }] }, { field: 'ladder.rungs[1].height', value: 4320, allowed: 2160 }, 'ladder.rungs[1].height 4320 > 2160 allowed'],
      [
        'an explicit bitrate above the table for its height',
        { rungs: [{ height: 720 }, { height: 480 }, { height: 1080, videoBitrateKbps: 100_000 }] },
        { field: 'ladder.rungs[2].videoBitrateKbps', value: 100_000, allowed: 7_900 },
        'ladder.rungs[2].videoBitrateKbps 100000 > 7900 allowed for 1080p',
      ],
      ['a preset slower than X264_SLOWEST_PRESET', { preset: 'veryslow' }, { field: 'ladder.preset', value: 'veryslow', allowed: 'medium' }, 'ladder.preset veryslow is slower than medium'],
    ];

    it.each(outOfBounds)('when it has %s, then it is refused with 422 ladder_out_of_bounds naming the field and the bound, and no job is made', async (_, ladder, breach, phrase) => {
      const before = await jobRows();
      const response = await submitTranscode(stack.baseUrl, { fileId, ladder });
      expect(response.status).toBe(422);
      const problem = (await response.json()) as Problem;
      expect(problem).toMatchObject({ code: 'ladder_out_of_bounds', details: { breaches: [breach] } });
      expect(problem.detail).toContain(phrase);
      expect(await jobRows()).toBe(before);
    });

    it('when it stays inside every bound, then the job is accepted', async () => {
      const response = await submitTranscode(stack.baseUrl, { fileId, ladder: { rungs: [{ height: 2160 }, { height: 360, videoBitrateKbps: 690 }], preset: 'medium' } });
      expect(response.status).toBe(202);
    });
  });
});
