import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture, type FixtureKind } from '@reelforge/ffmpeg/testing';
import { checkHlsConformance, type ConformanceReport } from './hls-conformance.js';
import { waitForSettled, type StatusBody } from './http.js';
import { downloadHlsOutput, sourceDurationS, uploadAndSubmit, type SubmittedMedia } from './media-run.js';
import { startTestStack, type TestStack, type TestStackOptions } from './test-stack.js';

const run = promisify(execFile);

/** One upload and what Reelforge must make of it. */
export interface InputCase {
  kind: FixtureKind;
  /** The job's own `ladder` (otherwise the stack's LADDER_HEIGHTS apply). */
  ladder?: Record<string, unknown>;
  /** Display size the upload must report (rotation applied); absent for audio-only input. */
  display?: { width: number; height: number };
  /** Expected video renditions, ascending bandwidth: [width, height, fps]. Empty for audio only. */
  video: [number, number, number][];
  audio: 'stereo' | 'none';
}

export interface CaseResult {
  case: InputCase;
  submitted: SubmittedMedia;
  status: StatusBody;
  report: ConformanceReport;
  /** Local copy of everything under hls/<fileId>/ (removed after the file's tests). */
  outputDir: string;
  posterSize: { width: number; height: number } | null;
  /** storyboard.vtt next to the master, for video output. */
  storyboardVtt: string | null;
  storyboardSize: { width: number; height: number } | null;
  /** Loudest sample of the audio rendition in dBFS (a silent downmix would be -91). */
  audioPeakDb: number | null;
}

async function imageSize(file: string): Promise<{ width: number; height: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', `file:${file}`]);
  const stream = (JSON.parse(stdout) as { streams: { width: number; height: number }[] }).streams[0];
  return { width: stream?.width ?? 0, height: stream?.height ?? 0 };
}

async function peakDb(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-i', `file:${file}`, '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /max_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  return match?.[1] === undefined || match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/**
 * Uploads every case's fixture through the real API in `beforeAll` and starts all jobs at once, so
 * the worker encodes the next clip while the previous one is being checked. `check` then waits
 * for one case, downloads its output from storage and runs the conformance checker on it.
 */
export function useInputCases(cases: readonly InputCase[], options: TestStackOptions = {}) {
  let stack: TestStack;
  const submitted = new Map<FixtureKind, { media: SubmittedMedia; durationS: number }>();
  const dirs: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack(options);
    const files = await Promise.all(cases.map((c) => makeFixture(c.kind)));
    // Sequential submits keep the queue in table order.
    for (const [i, c] of cases.entries()) {
      const file = files[i] as string;
      const media = await uploadAndSubmit(stack.baseUrl, file, c.ladder ? { ladder: c.ladder } : {});
      submitted.set(c.kind, { media, durationS: await sourceDurationS(file) });
    }
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await cleanupFixtures();
  });

  return async function check(c: InputCase): Promise<CaseResult> {
    const entry = submitted.get(c.kind);
    if (!entry) throw new Error(`${c.kind} was not submitted`);
    const status = await waitForSettled(stack.baseUrl, entry.media.fileId, { timeoutMs: 50_000 });
    if (status.status !== 'completed') throw new Error(`${c.kind}: job ${status.status}: ${JSON.stringify(status.error)}`);
    const dir = await downloadHlsOutput(stack.storage, entry.media.fileId);
    dirs.push(dir);
    const report = await checkHlsConformance(dir, { sourceDurationS: entry.durationS });
    const hasVideo = c.video.length > 0;
    return {
      case: c,
      submitted: entry.media,
      status,
      report,
      outputDir: dir,
      posterSize: hasVideo ? await imageSize(path.join(dir, 'poster.jpg')) : null,
      storyboardVtt: hasVideo ? await readFile(path.join(dir, 'storyboard.vtt'), 'utf8') : null,
      storyboardSize: hasVideo ? await imageSize(path.join(dir, 'storyboard.jpg')) : null,
      audioPeakDb: report.audio ? await peakDb(path.join(dir, report.audio.firstSegment)) : null,
    };
  };
}

/** One line per input for the test log and the report: what Reelforge produced. */
export function describeResult(result: CaseResult): string {
  const video = result.report.video.map((v) => `${v.width}x${v.height}@${v.fps} ${v.profile} ${v.pixFmt} ${Math.round(v.bandwidth / 1000)}k`);
  const audio = result.report.audio ? `${result.report.audio.codec}/${result.report.audio.profile} ${result.report.audio.channels}ch ${result.report.audio.sampleRate} Hz` : 'no audio';
  return `${result.case.kind}: ${video.length > 0 ? video.join(', ') : 'audio-only'}; ${audio}`;
}

/** The rules every accepted input must meet, whatever it was. */
export function expectPlayableLadder(result: CaseResult): void {
  const { case: c, report, submitted } = result;
  expect(report.problems).toEqual([]);
  expect(result.status).toMatchObject({ status: 'completed', progress: 100, error: null });
  const display = c.display ?? { width: null, height: null };
  expect(submitted.upload).toMatchObject(display);

  // Renditions exactly as planned: upright, aspect kept, even, never larger than the source.
  expect(report.video.map((v) => [v.width, v.height, v.fps])).toEqual(c.video);
  for (const v of report.video) {
    if (!c.display) throw new Error(`${c.kind}: a video case needs its display size`);
    const aspect = c.display.width / c.display.height;
    expect(v.width % 2).toBe(0);
    expect(v.height % 2).toBe(0);
    expect(v.width).toBeLessThanOrEqual(c.display.width + 1);
    expect(v.height).toBeLessThanOrEqual(c.display.height + 1);
    // Rounding both sides to even pixels moves the ratio by at most 2 px on the short side.
    expect(Math.abs(v.width / v.height - aspect)).toBeLessThanOrEqual((2 * Math.max(aspect, 1)) / Math.min(v.width, v.height));
    expect(v.pixFmt).toBe('yuv420p');
  }
  const top = report.video[report.video.length - 1];
  if (top) {
    expect(result.posterSize).toEqual({ width: top.width, height: top.height });
    expect(result.storyboardVtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> [\d:.]+\nstoryboard\.jpg#xywh=0,0,\d+,\d+\n/);
    // The sheet is exactly the grid the cues point into: no cue points outside it, no row or column is missing.
    const cues = [...result.storyboardVtt!.matchAll(/#xywh=(\d+),(\d+),(\d+),(\d+)/g)].map((m) => m.slice(1).map(Number) as [number, number, number, number]);
    expect(result.storyboardSize).toEqual({ width: Math.max(...cues.map(([x, , w]) => x + w)), height: Math.max(...cues.map(([, y, , h]) => y + h)) });
  }

  expect(report.audioOnly).toBe(c.video.length === 0);
  if (c.audio === 'none') {
    expect(report.audio).toBeNull();
  } else {
    expect(report.audio).toMatchObject({ codec: 'aac', profile: 'LC', channels: 2, sampleRate: 48_000 });
    expect(result.audioPeakDb).toBeGreaterThan(-40);
  }
}

/** `it` per case, named after the input, that checks the common rules plus anything case-specific. */
export function itTranscodes(
  check: (c: InputCase) => Promise<CaseResult>,
  cases: readonly InputCase[],
  extra: Partial<Record<FixtureKind, (result: CaseResult) => void | Promise<void>>> = {},
): void {
  for (const c of cases) {
    const shape = c.video.length === 0 ? 'an audio-only rendition' : c.video.map(([w, h, fps]) => `${w}x${h}@${fps}`).join(' + ');
    it(`when the ${c.kind} clip is uploaded, then it becomes ${shape} with ${c.audio === 'none' ? 'no' : 'stereo AAC'} audio`, async () => {
      const result = await check(c);
      process.stdout.write(`[media-inputs] ${describeResult(result)}\n`);
      expectPlayableLadder(result);
      await extra[c.kind]?.(result);
    });
  }
}
