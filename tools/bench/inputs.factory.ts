import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '@reelforge/ffmpeg';

export interface ClipSpec {
  name: string;
  width: number;
  height: number;
  durationS: number;
}

export interface Clip extends ClipSpec {
  path: string;
  bytes: number;
}

/**
 * testsrc2 (a moving pattern with a running counter) and a 440 Hz tone, as H.264 High at crf 18
 * with the ultrafast preset: about 20 Mbit/s at 1080p, close to what a phone records, so the
 * ladder's bitrates are not capped by a thin source. Faststart, as uploads from phones are.
 */
export function clipArgs(spec: ClipSpec, output: string): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=30`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(spec.durationS)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart'],
    output,
  ];
}

/** The generated inputs of one run, made on first use and removed by `remove()`. */
export class BenchInputs {
  private readonly made = new Map<string, Promise<Clip>>();

  private constructor(
    private readonly dir: string,
    private readonly quick: boolean,
    private readonly log: (line: string) => void,
  ) {}

  static async create(quick: boolean, log: (line: string) => void): Promise<BenchInputs> {
    return new BenchInputs(await mkdtemp(path.join(os.tmpdir(), 'reelforge-bench-inputs-')), quick, log);
  }

  /** The clip the ladder benchmarks encode: 1080p30, 30 s (quick: 10 s). */
  ladderSource(): Promise<Clip> {
    return this.clip({ name: 'ladder-1080p', width: 1920, height: 1080, durationS: this.quick ? 10 : 30 });
  }

  /** Short jobs for throughput and scaling: 3 s of 360p. */
  shortClip(): Promise<Clip> {
    return this.clip({ name: 'short-360p', width: 640, height: 360, durationS: 3 });
  }

  /** The longer low-resolution clip of the memory runs: 20 s of 240p (quick: 10 s). */
  lowResClip(): Promise<Clip> {
    return this.clip({ name: 'lowres-240p', width: 426, height: 240, durationS: this.quick ? 10 : 20 });
  }

  /** Lengths of the time-to-playable sources, shortest first: 10 s, 3 min and 10 min (quick: 10, 30 and 60 s). */
  playableLengthsS(): number[] {
    return this.quick ? [10, 30, 60] : [10, 180, 600];
  }

  /** The long source of the chunking runs: 5 min of 1080p30 (quick: 60 s). */
  longSource(): Promise<Clip> {
    return this.fullHd(this.quick ? 60 : 300);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A 1080p30 source of this length, made on first use; named by length, so benchmarks share it. */
  fullHd(durationS: number): Promise<Clip> {
    return this.clip({ name: `1080p-${durationS}s`, width: 1920, height: 1080, durationS });
  }

  private clip(spec: ClipSpec): Promise<Clip> {
    let made = this.made.get(spec.name);
    if (!made) {
      made = (async () => {
        const output = path.join(this.dir, `${spec.name}.mp4`);
        this.log(`generating input ${spec.name} (${spec.width}x${spec.height}, ${spec.durationS} s)…`);
        await runFfmpeg(clipArgs(spec, output));
        return { ...spec, path: output, bytes: (await stat(output)).size };
      })();
      this.made.set(spec.name, made);
    }
    return made;
  }
}
