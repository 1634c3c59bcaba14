import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildChunkedAudioArgs,
  buildChunkVideoArgs,
  buildHlsArgs,
  type ChunkRange,
  LadderOptionsSchema,
  parseProbe,
  planChunks,
  planLadder,
  plannedChunkFrames,
  STORYBOARD_THUMB_PATTERN,
  type VideoTranscodePlan,
} from '@reelforge/media';

// Issue 13.2: the same source encoded in one pass (buildHlsArgs) and in chunks (buildChunkVideoArgs
// per chunk, run last chunk first, + buildChunkedAudioArgs), the chunk playlists concatenated per
// rendition; ffprobe on both must find the same frames, on one grid, in the same segments.

const run = promisify(execFile);
const MAX_BUFFER = 64 * 1024 * 1024;
/** MPEG-TS timestamps tick at 90 kHz. */
const TS_HZ = 90_000;
const AUDIO_FRAME_S = 1024 / 48_000;
const SEGMENT_S = 2;
const LADDER = LadderOptionsSchema.parse({ rungs: [{ height: 180 }, { height: 144 }], segmentSeconds: SEGMENT_S, preset: 'veryfast' });

/**
 * Where the picture flashes white and the audio clicks, [from, to) in seconds: across each chunk
 * boundary (4 s and 8 s with 4 s chunks) and one segment boundary, so a frame or a click that moved
 * shows up whatever the frame rate.
 */
const FLASHES: [number, number][] = [
  [59 / 30, 61 / 30],
  [119 / 30, 122 / 30],
  [239 / 30, 241 / 30],
];
// Bounds a hair early so a frame exactly at `from` is in and one at `to` is out, whatever the rounding.
const during = (time = 't'): string => FLASHES.map(([from, to]) => `between(${time},${(from - 1e-4).toFixed(4)},${(to - 1e-4).toFixed(4)})`).join('+');

interface SourceCase {
  name: string;
  /** ffmpeg arguments that write the source (output path appended). */
  make: string[];
  ext: 'mp4' | 'ts';
  chunkSeconds: number;
}

/** Moving test picture with temporal noise (so x264 spends real bits), flashing; `then` filters after. */
const testsrc = (rate: string, durationS: number, then: string[] = []): string[] => {
  const graph = [`testsrc2=size=320x180:rate=${rate}:duration=${durationS}`, `drawbox=c=white:t=fill:enable='${during()}'`, 'noise=alls=24:allf=t', ...then];
  return ['-f', 'lavfi', '-i', graph.join(',')];
};
/** Silence with a 1 kHz click during each flash; with a delay, the audio starts that much after the video (still in sync). */
const clicks = (durationS: number, delayS = 0): string[] => {
  const source = `aevalsrc='0.8*sin(2*PI*1000*t)*gt(${during(`t+${delayS}`)},0)':sample_rate=48000:duration=${durationS - delayS}`;
  return [...(delayS > 0 ? ['-itsoffset', String(delayS)] : []), '-f', 'lavfi', '-i', source];
};
const aac = ['-c:a', 'aac', '-b:a', '128k'];

const CASES: SourceCase[] = [
  // x264's defaults (B-frames, 250-frame GOP) without scene cuts: one keyframe, at 0, so every chunk seeks back to 0.
  {
    name: 'b-frames',
    make: [...testsrc('30', 13), ...clicks(13), '-c:v', 'libx264', '-preset', 'medium', '-crf', '20', '-sc_threshold', '0', ...aac],
    ext: 'mp4',
    chunkSeconds: 4,
  },
  // 30 fps for 3 s, then every third frame dropped (22.5 fps on average, resampled to 24 fps). The
  // frames at 4 s and 8 s are among the dropped ones: the 24 fps frame at each chunk's start has to
  // repeat a source frame from before it, which only a chunk that decodes from before its start has.
  {
    name: 'variable frame rate',
    make: [...testsrc('30', 12, ["select='lt(n,90)+mod(n,3)'"]), ...clicks(12), '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', ...aac],
    ext: 'mp4',
    chunkSeconds: 4,
  },
  // 29.97 fps with a keyframe every 7 frames, in MPEG-TS (start time 1.4 s, seeking by bytes), the
  // audio starting half a second after the video: a process that read the audio alone would start
  // its timeline there.
  {
    name: '29.97 fps, keyframes off the boundaries, MPEG-TS, late audio',
    make: [...testsrc('30000/1001', 12), ...clicks(12, 0.5), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '7', '-bf', '2', ...aac],
    ext: 'ts',
    chunkSeconds: 4,
  },
  // No audio, 11.5 s: the last segment is half a segment.
  {
    name: 'no audio, duration not a multiple of the segment',
    make: [...testsrc('25', 11.5), '-c:v', 'libx264', '-preset', 'ultrafast'],
    ext: 'mp4',
    chunkSeconds: 6,
  },
];

interface Packet {
  pts: number;
  key: boolean;
}

interface RenditionOutput {
  packets: Packet[];
  /** EXTINF values as written. */
  durations: string[];
  bytes: number;
}

interface Output {
  video: Map<string, RenditionOutput>;
  audio: RenditionOutput | null;
  /** pts (90 kHz) of the frames that flash white, in the top rendition. */
  flashes: number[];
  /** Onsets (s, on the stream's own timeline) of the audio clicks. */
  clicks: number[];
}

interface Encoded {
  input: string;
  /** How much later than the video the audio starts in the source (ffprobe's stream start times). */
  sourceAudioDelayS: number;
  plan: VideoTranscodePlan;
  chunks: ChunkRange[];
  single: Output;
  chunked: Output;
  /** Frames of the top rendition each chunk wrote. */
  chunkFrames: number[];
  thumbnails: { single: string; chunked: string };
}

async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run('ffmpeg', args, { maxBuffer: MAX_BUFFER });
  return stderr;
}

async function probeJson(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', ...args], { maxBuffer: MAX_BUFFER });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function planFor(input: string): Promise<{ plan: VideoTranscodePlan; audioDelayS: number }> {
  const probe = await probeJson(['-show_format', '-show_streams', `file:${input}`]);
  const plan = planLadder(parseProbe(probe), LADDER, { zscale: true });
  if (!plan.hasVideo) throw new Error(`${input} has no video`);
  const starts = new Map((probe.streams as { index: number; start_time?: string }[]).map((stream) => [stream.index, Number(stream.start_time ?? 0)]));
  const audioDelayS = plan.audio ? starts.get(plan.audio.streamIndex)! - starts.get(plan.video.streamIndex)! : 0;
  return { plan, audioDelayS };
}

function playlistSegments(text: string): { durations: string[]; uris: string[] } {
  const lines = text.split('\n');
  const durations: string[] = [];
  const uris: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXTINF:')) return;
    durations.push(line.slice('#EXTINF:'.length).replace(/,$/, ''));
    uris.push(lines[i + 1] ?? '');
  });
  return { durations, uris };
}

async function readRendition(dir: string, stream: 'v:0' | 'a:0'): Promise<RenditionOutput> {
  const playlist = path.join(dir, 'index.m3u8');
  const { durations, uris } = playlistSegments(await readFile(playlist, 'utf8'));
  const sizes = await Promise.all(uris.map(async (uri) => (await stat(path.join(dir, uri))).size));
  const probed = await probeJson(['-select_streams', stream, '-show_entries', 'packet=pts,flags', `file:${playlist}`]);
  const packets = (probed.packets as { pts: number; flags: string }[]).map((p) => ({ pts: p.pts, key: p.flags.startsWith('K') }));
  return { packets: packets.sort((a, b) => a.pts - b.pts), durations, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/** pts of the frames brighter than the noisy test picture can be: the white flashes. */
async function flashFrames(playlist: string): Promise<number[]> {
  const log = await ffmpeg(['-hide_banner', '-nostdin', '-copyts', '-i', `file:${playlist}`, '-vf', 'signalstats,metadata=print:key=lavfi.signalstats.YAVG', '-f', 'null', '-']);
  const flashes: number[] = [];
  for (const match of log.matchAll(/pts:(\d+)\s+pts_time:[\d.]+\s*\n[^\n]*YAVG=([\d.]+)/g)) if (Number(match[2]) > 200) flashes.push(Number(match[1]));
  return flashes;
}

/** Where the audio stops being silent and starts again later, in seconds on the stream's own timeline (-copyts). */
async function clickOnsets(playlist: string): Promise<number[]> {
  const log = await ffmpeg(['-hide_banner', '-nostdin', '-copyts', '-i', `file:${playlist}`, '-af', 'silencedetect=n=-30dB:d=0.005', '-f', 'null', '-']);
  const events = [...log.matchAll(/silence_(start|end): ([\d.]+)/g)].map((match) => ({ kind: match[1], at: Number(match[2]) }));
  // The stream's end also ends a silence: only a sound that stops again is a click.
  return events.filter((event, i) => event.kind === 'end' && events.slice(i + 1).some((later) => later.kind === 'start')).map((event) => event.at);
}

async function readOutput(dir: string, plan: VideoTranscodePlan): Promise<Output> {
  const video = new Map<string, RenditionOutput>();
  for (const rendition of plan.renditions) video.set(rendition.name, await readRendition(path.join(dir, rendition.name), 'v:0'));
  const audio = plan.audio ? await readRendition(path.join(dir, 'audio'), 'a:0') : null;
  const top = path.join(dir, plan.renditions[0]!.name, 'index.m3u8');
  return {
    video,
    audio,
    flashes: await flashFrames(top),
    clicks: plan.audio ? await clickOnsets(path.join(dir, 'audio', 'index.m3u8')) : [],
  };
}

/** One playlist per rendition naming every chunk's segments in order, with the segments linked beside it. */
async function joinChunks(chunkDirs: string[], joined: string, names: string[]): Promise<void> {
  for (const name of names) {
    const out = path.join(joined, name);
    await mkdir(out, { recursive: true });
    const lines = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${SEGMENT_S}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
    for (const dir of chunkDirs) {
      const { durations, uris } = playlistSegments(await readFile(path.join(dir, name, 'index.m3u8'), 'utf8'));
      for (const [i, uri] of uris.entries()) {
        await link(path.join(dir, name, uri), path.join(out, uri));
        lines.push(`#EXTINF:${durations[i]},`, uri);
      }
    }
    await writeFile(path.join(out, 'index.m3u8'), [...lines, '#EXT-X-ENDLIST', ''].join('\n'));
  }
}

async function encodeBothWays(root: string, source: SourceCase): Promise<Encoded> {
  const dir = path.join(root, source.name.replace(/\W+/g, '-'));
  const input = path.join(dir, `source.${source.ext}`);
  await mkdir(path.join(dir, 'thumbs-single'), { recursive: true });
  await mkdir(path.join(dir, 'thumbs-chunked'), { recursive: true });
  await ffmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-y', ...source.make, input]);
  const { plan, audioDelayS } = await planFor(input);
  const single = path.join(dir, 'single');
  const chunks = planChunks(plan.durationS, plan.segmentSeconds, { chunkSeconds: source.chunkSeconds, minDurationS: 0 });
  if (!chunks) throw new Error(`${source.name}: no chunks planned`);
  const chunkDir = (chunk: ChunkRange): string => path.join(dir, `chunk-${chunk.index}`);
  const joined = path.join(dir, 'chunked');
  const thumbnails = { single: path.join(dir, 'thumbs-single'), chunked: path.join(dir, 'thumbs-chunked') };
  // All at once, last chunk first: no chunk may depend on another having run.
  await Promise.all([
    ffmpeg(buildHlsArgs(plan, { input, outputDir: single, storyboardThumbnails: path.join(thumbnails.single, STORYBOARD_THUMB_PATTERN) })),
    ...[...chunks]
      .reverse()
      .map((chunk) => ffmpeg(buildChunkVideoArgs(plan, chunk, { input, outputDir: chunkDir(chunk), storyboardThumbnails: path.join(thumbnails.chunked, STORYBOARD_THUMB_PATTERN) }))),
    plan.audio ? ffmpeg(buildChunkedAudioArgs(plan, { input, outputDir: joined })) : null,
  ]);
  await joinChunks(chunks.map(chunkDir), joined, plan.renditions.map((r) => r.name));
  const [singleOutput, chunkedOutput] = await Promise.all([readOutput(single, plan), readOutput(joined, plan)]);
  const top = plan.renditions[0]!.name;
  const chunkFrames = await Promise.all(chunks.map(async (chunk) => (await readRendition(path.join(chunkDir(chunk), top), 'v:0')).packets.length));
  return { input, sourceAudioDelayS: audioDelayS, plan, chunks, single: singleOutput, chunked: chunkedOutput, chunkFrames, thumbnails };
}

function frameTicks(plan: VideoTranscodePlan, name: string): number {
  const rendition = plan.renditions.find((r) => r.name === name)!;
  return (TS_HZ * rendition.frameRate.den) / rendition.frameRate.num;
}

/** Where consecutive frames are not one frame duration apart (±1 tick of rounding): gaps and overlaps. */
function misplacedFrames(packets: Packet[], ticks: number): string[] {
  const wrong: string[] = [];
  for (let i = 1; i < packets.length; i += 1) {
    const step = packets[i]!.pts - packets[i - 1]!.pts;
    if (Math.abs(step - ticks) > 1) wrong.push(`frame ${i}: ${(packets[i]!.pts / TS_HZ).toFixed(4)} s is ${step} ticks after the previous one`);
  }
  return wrong;
}

const totalSeconds = (durations: string[]): number => durations.reduce((sum, d) => sum + Number(d), 0);

describe('chunked encoding matches the single pass on the real output (ffmpeg)', () => {
  let root: string;
  const encoded = new Map<string, Encoded>();

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'reelforge-chunks-'));
    for (const source of CASES) encoded.set(source.name, await encodeBothWays(root, source));
  }, 180_000);
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  describe.each(CASES.map((c) => [c.name]))('%s', (name) => {
    const get = (): Encoded => encoded.get(name)!;

    it('plans more than one chunk', () => {
      expect(get().chunks.length).toBeGreaterThan(1);
    });

    it('has as many frames in every rendition as the single pass, one frame duration apart everywhere (no gap or overlap at a boundary)', () => {
      const { plan, single, chunked } = get();
      for (const rendition of plan.renditions) {
        const one = single.video.get(rendition.name)!;
        const many = chunked.video.get(rendition.name)!;
        expect({ rendition: rendition.name, frames: many.packets.length }).toEqual({ rendition: rendition.name, frames: one.packets.length });
        expect(misplacedFrames(many.packets, frameTicks(plan, rendition.name))).toEqual([]);
        expect(misplacedFrames(one.packets, frameTicks(plan, rendition.name))).toEqual([]);
      }
    });

    it('writes in each chunk the frames planned for it (what its progress counts against)', () => {
      const { plan, chunks, chunkFrames } = get();
      expect(chunkFrames).toEqual(chunks.map((chunk) => plannedChunkFrames(plan, chunk)));
    });

    it('cuts the same segments, each starting on a keyframe', () => {
      const { plan, single, chunked } = get();
      for (const rendition of plan.renditions) {
        expect({ rendition: rendition.name, segments: chunked.video.get(rendition.name)!.durations }).toEqual({
          rendition: rendition.name,
          segments: single.video.get(rendition.name)!.durations,
        });
      }
      const top = chunked.video.get(plan.renditions[0]!.name)!;
      const first = top.packets[0]!.pts;
      const keyTimes = top.packets.filter((p) => p.key).map((p) => (p.pts - first) / TS_HZ);
      const segmentStarts = top.durations.map((_, i) => totalSeconds(top.durations.slice(0, i)));
      expect(keyTimes.map((t) => t.toFixed(2))).toEqual(segmentStarts.map((t) => t.toFixed(2)));
    });

    it('keeps each rendition’s average bitrate within 5 % of the single pass', () => {
      const { plan, single, chunked } = get();
      for (const rendition of plan.renditions) {
        const ratio = chunked.video.get(rendition.name)!.bytes / single.video.get(rendition.name)!.bytes;
        expect({ rendition: rendition.name, within: Math.abs(ratio - 1) <= 0.05, ratio }).toMatchObject({ rendition: rendition.name, within: true });
      }
    });

    it('starts the audio where the source does relative to the video, and ends it with the single pass’s audio', () => {
      const { plan, single, chunked, sourceAudioDelayS } = get();
      if (!plan.audio) {
        expect(chunked.audio).toBeNull();
        return;
      }
      const startGap = (output: Output): number => (output.audio!.packets[0]!.pts - output.video.get(plan.renditions[0]!.name)!.packets[0]!.pts) / TS_HZ;
      // The encoder's priming samples put the first audio packet one AAC frame early.
      expect(Math.abs(startGap(chunked) - sourceAudioDelayS)).toBeLessThanOrEqual(AUDIO_FRAME_S + 1e-6);
      expect(startGap(chunked)).toBeCloseTo(startGap(single), 3);
      expect(chunked.audio!.packets.length).toBe(single.audio!.packets.length);
      expect(chunked.audio!.durations).toEqual(single.audio!.durations);
    });

    it('shows each flash on the same frame as the single pass, and hears its click within a frame of it (A/V sync across boundaries)', () => {
      const { plan, single, chunked } = get();
      const top = plan.renditions[0]!;
      const ticks = frameTicks(plan, top.name);
      const frameIndices = (output: Output): number[] => {
        const first = output.video.get(top.name)!.packets[0]!.pts;
        return output.flashes.map((pts) => Math.round((pts - first) / ticks));
      };
      expect(frameIndices(single).length).toBeGreaterThanOrEqual(FLASHES.length);
      expect(frameIndices(chunked)).toEqual(frameIndices(single));
      if (!plan.audio) return;
      for (const output of [single, chunked]) {
        // A run of flashing frames is one click: compare each click with the first frame of its run.
        const runStarts = output.flashes.filter((pts, i) => i === 0 || pts - output.flashes[i - 1]! > ticks + 1).map((pts) => pts / TS_HZ);
        expect(output.clicks).toHaveLength(runStarts.length);
        output.clicks.forEach((click, i) => expect(Math.abs(click - runStarts[i]!)).toBeLessThan(ticks / TS_HZ));
      }
    });

    it('writes the same storyboard thumbnails', async () => {
      const { thumbnails } = get();
      const names = await readdir(thumbnails.single);
      expect(await readdir(thumbnails.chunked)).toEqual(names);
      for (const file of names) {
        const [a, b] = await Promise.all([readFile(path.join(thumbnails.single, file)), readFile(path.join(thumbnails.chunked, file))]);
        expect({ file, same: a.equals(b) }).toEqual({ file, same: true });
      }
    });
  });

  it('stops reading the input soon after a chunk’s end (the first chunk of a long input does not decode the rest)', async () => {
    const { input, plan, chunks } = encoded.get('b-frames')!;
    const first = chunks[0]!;
    const args = buildChunkVideoArgs(plan, first, { input, outputDir: path.join(root, 'first-chunk-again'), storyboardThumbnails: path.join(root, 'first-chunk-thumb-%04d.png') });
    const log = await ffmpeg(args.map((arg) => (arg === 'error' ? 'verbose' : arg)));
    const read = /Input stream #0:0 \(video\): (\d+) packets read/.exec(log);
    // The chunk's frames, plus the second of seek lead, half a storyboard interval and decoder delay at most.
    expect(Number(read?.[1])).toBeLessThanOrEqual(Math.ceil((first.durationS + 2) * 30));
    expect(Number(read?.[1])).toBeGreaterThanOrEqual(first.durationS * 30);
  });
});
