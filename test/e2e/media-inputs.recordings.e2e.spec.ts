import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probe } from '@reelforge/ffmpeg';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { pino } from 'pino';
import { createWorkerRuntime, type WorkerRuntime } from '../../apps/worker/src/worker.runtime.js';
import { findChromium, itWithChromium } from '../support/browser.js';
import { checkHlsConformance } from '../support/hls-conformance.js';
import { auth, getStatus, uploadFile } from '../support/http.js';
import { downloadHlsOutput, sourceDurationS, uploadAndSubmit, type SubmittedMedia } from '../support/media-run.js';
import { recordInChromium } from '../support/media-recorder.js';
import { openSse, type SseMessage, type SseStream } from '../support/sse.client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// Browser recordings (MediaRecorder WebM without Duration or Cues, fragmented MP4) through the real
// API and worker: accepted with a measured duration, transcoded with progress that reaches 100, and
// played back as conformant HLS. The stack's ladder is 360p + 240p with 1 s segments.

const run = promisify(execFile);
const CHROMIUM = findChromium();
const CLIP_S = 3;
const FPS = 30;
const ONE_FRAME_S = 1 / FPS;
const STANDARD_RATES_UP_TO_30 = [24, 25, 30];
/** A generous limit on waiting for a job's stream to end, never a measure of its speed. */
const LIMIT_MS = 90_000;

const KINDS = ['recording-vp9', 'recording-vp8', 'recording-fmp4'] as const;
type Kind = (typeof KINDS)[number];

/** The percent a client shows after each event: state and final events carry `progress`, progress events `percent`. */
const percentOf = (m: SseMessage): number => {
  const data = JSON.parse(m.data) as { progress?: number; percent?: number };
  return data.progress ?? (data.percent as number);
};

/** Video frames in a rendition, counted over every segment its playlist names (packets only, nothing decoded). */
async function videoFrames(playlist: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'json', playlist]);
  return Number((JSON.parse(stdout) as { streams: { nb_read_packets: string }[] }).streams[0]?.nb_read_packets);
}

describe('browser recordings, through the real API and worker', () => {
  let stack: TestStack;
  let worker: WorkerRuntime | undefined;
  const dirs: string[] = [];
  const submitted = new Map<Kind, { media: SubmittedMedia; events: SseStream }>();
  const eventsUrl = (fileId: string) => `${stack.baseUrl}/api/media/transcode/${fileId}/events`;

  beforeAll(async () => {
    // No worker yet: every job's event stream is open before its encode starts.
    stack = await startTestStack({ worker: false });
    const files = await Promise.all(KINDS.map((kind) => makeFixture(kind, { durationS: CLIP_S })));
    for (const [i, kind] of KINDS.entries()) {
      const media = await uploadAndSubmit(stack.baseUrl, files[i] as string);
      submitted.set(kind, { media, events: await openSse(eventsUrl(media.fileId), auth) });
    }
    worker = await createWorkerRuntime(stack.config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    for (const { events } of submitted.values()) events.close();
    await worker?.close(0);
    await stack?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await cleanupFixtures();
  });

  /** The job's whole event stream: well ordered, never going back, ending completed at 100. Then its HLS output, checked like a strict player would. */
  /**
   * `fps`: the rate the generated clips are made at. A browser recording's rate is whatever the page
   * managed to capture (less on a loaded machine), which the planner rounds up to a standard rate.
   */
  async function expectTranscoded(media: SubmittedMedia, events: SseStream, fps?: number): Promise<void> {
    const messages = await events.rest(LIMIT_MS);
    expect(messages.at(-1)?.event).toBe('completed');
    const percents = messages.map(percentOf);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(await getStatus(stack.baseUrl, media.fileId)).toMatchObject({ status: 'completed', progress: 100, error: null });

    const dir = await downloadHlsOutput(stack.storage, media.fileId);
    dirs.push(dir);
    const durationS = media.upload.durationS as number;
    const report = await checkHlsConformance(dir, { sourceDurationS: durationS });
    expect(report.problems).toEqual([]);
    expect(report.video.map((v) => [v.width, v.height])).toEqual([[320, 240]]);
    const outputFps = report.video[0]!.fps;
    if (fps !== undefined) expect(outputFps).toBe(fps);
    else expect(STANDARD_RATES_UP_TO_30).toContain(outputFps);
    expect(report.audio).toMatchObject({ codec: 'aac', channels: 2, sampleRate: 48_000 });
    // Constant frame rate out, whatever came in: one frame per 1/fps s of the recording, no duplicated
    // or lost stretches. The video may end up to the source's widest frame gap before the audio does
    // (0.1 s in the dropped-frames clip, where only every third frame is left at the end).
    const frames = await videoFrames(path.join(dir, report.video[0]!.uri));
    expect(Math.abs(frames - durationS * outputFps)).toBeLessThanOrEqual(0.1 * outputFps);
  }

  it.each(KINDS)(
    'when a %s clip (its header states no duration) is uploaded, then it gets 201 with the duration measured to a frame, and transcodes with progress to 100 into playable HLS',
    async (kind) => {
      const { media, events } = submitted.get(kind)!;
      expect(media.upload).toMatchObject({ width: 320, height: 240 });
      expect(Math.abs((media.upload.durationS as number) - CLIP_S)).toBeLessThanOrEqual(ONE_FRAME_S);
      await expectTranscoded(media, events, FPS);
    },
  );

  it('when a recording stopped before its first packet is uploaded, then it is refused with 422 invalid_media: no duration', async () => {
    const res = await uploadFile(stack.baseUrl, await makeFixture('recording-empty'), 'empty-recording.mp4');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'invalid_media', detail: 'The file is not usable video or audio. Reason: the duration is missing or zero' });
  });

  const BROWSER_FORMATS = [
    // Chromium's default: its WebM states no duration, for the file or any stream, as users meet it.
    { mimeType: 'video/webm;codecs=vp9,opus', ext: 'webm', statesDuration: false },
    // Chromium's MP4 (fragmented, VP9 + Opus, a 30000/1 time base as its frame rate): ffprobe sums the fragments.
    { mimeType: 'video/mp4;codecs=vp9,opus', ext: 'mp4', statesDuration: true },
  ] as const;
  for (const format of BROWSER_FORMATS) {
    itWithChromium(CHROMIUM)(
      `when Chromium's MediaRecorder records ${format.mimeType} and it is uploaded, then it is accepted with its measured length and transcodes into playable HLS`,
      async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-recording-'));
        dirs.push(dir);
        const recording = await recordInChromium(CHROMIUM!, { file: path.join(dir, `recording.${format.ext}`), mimeType: format.mimeType, durationMs: 3000 });
        expect(recording.mimeType).toBe(format.mimeType);
        const raw = (await probe(recording.file)) as { format: { duration?: string } };
        expect(raw.format.duration !== undefined).toBe(format.statesDuration);

        const media = await uploadAndSubmit(stack.baseUrl, recording.file);
        const events = await openSse(eventsUrl(media.fileId), auth);
        try {
          expect(media.upload).toMatchObject({ width: 320, height: 240 });
          // How long the recording is depends on the page's timers; what counts is that the upload reports what the streams hold.
          expect(media.upload.durationS).toBe(await sourceDurationS(recording.file));
          await expectTranscoded(media, events);
        } finally {
          events.close();
        }
      },
    );
  }
});
