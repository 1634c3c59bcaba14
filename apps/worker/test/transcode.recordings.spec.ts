import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { probeMedia } from '@reelforge/ffmpeg';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import type { TranscodePlan } from '@reelforge/media';
import { detectOrphanGuard } from '@reelforge/process';
import type { TranscodeProgress } from '@reelforge/queue';
import { LocalDriver, outputPrefix } from '@reelforge/storage';
import HLS from 'hls-parser';
import { ProgressReporter } from '../src/transcode/progress.reporter.js';
import { TranscodeService } from '../src/transcode/transcode.service.js';

const CLIP_S = 3;

/**
 * Browser recordings through the worker's transcode service with real ffmpeg and local storage:
 * their duration is measured (the container states none), and encoding progress is computed against
 * it. Every progress sample is kept here; the processor's event throttle would drop most of them.
 */
describe('transcoding browser recordings', () => {
  let scratch: string;
  let storage: LocalDriver;
  let service: TranscodeService;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-recordings-'));
    storage = new LocalDriver({ rootDir: path.join(scratch, 'storage'), publicBaseUrl: 'http://127.0.0.1' });
    service = new TranscodeService({
      storage,
      defaultLadder: { rungs: [{ height: 240 }], segmentSeconds: 1, preset: 'ultrafast' },
      capabilities: { zscale: false },
      orphanGuard: await detectOrphanGuard(),
      workDir: scratch,
      inputLimits: { maxPixels: 7680 * 4320, maxFrameRate: 120, maxDurationS: 43_200, maxStreams: 16 },
      timeLimit: { factor: 10, floorS: 300 },
    });
  });

  afterAll(async () => {
    await storage.close();
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  it.each(['recording-vp9', 'recording-vp8'] as const)(
    'when a %s WebM without a stated duration is transcoded, then the plan has the measured duration and encoding progress runs up to the end of the stage',
    async (kind) => {
      const source = await makeFixture(kind, { durationS: CLIP_S });
      const fileId = createId();
      const sourceKey = `uploads/${fileId}/original`;
      await storage.putFile(sourceKey, source);
      const samples: TranscodeProgress[] = [];
      const reporter = new ProgressReporter((sample) => samples.push(sample));
      let plan: TranscodePlan | undefined;

      const jobId = createId();
      await service.run({ jobId, fileId, sourceKey }, reporter, new AbortController().signal, 1, (p) => (plan = p));

      const measured = (await probeMedia(source)).info.durationS;
      expect(Math.abs(measured - CLIP_S)).toBeLessThanOrEqual(1 / 30);
      expect(plan?.durationS).toBe(measured);

      const percents = samples.map((s) => s.percent);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      // Encoding spans 2–92 %: ffmpeg's final out_time against the measured duration lands near its end.
      // Without a duration the percent would stay at 2 until the stage changed.
      const encoding = samples.filter((s) => s.stage === 'encoding').map((s) => s.percent);
      expect(Math.max(...encoding)).toBeGreaterThanOrEqual(88);
      expect(samples.at(-1)?.stage).toBe('finalizing');

      // The rendition covers the whole recording: segment durations add up to the measured length.
      const playlist = HLS.parse(await readFile(storage.localPath(`${outputPrefix(fileId, jobId, 1)}/240p/index.m3u8`) as string, 'utf8'));
      if (playlist.isMasterPlaylist) throw new Error('expected a media playlist');
      const total = playlist.segments.reduce((sum, segment) => sum + segment.duration, 0);
      expect(playlist.segments.length).toBeGreaterThanOrEqual(CLIP_S);
      expect(Math.abs(total - measured)).toBeLessThanOrEqual(0.1);
    },
  );
});
