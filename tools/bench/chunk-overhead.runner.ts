import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHlsArgs } from '@reelforge/media';
import { median } from './bench.stats.js';
import { fixedCostFit, withInputRange, type FixedCostFit, type InputRange, type RangeSample } from './chunking.plan.js';
import type { Clip } from './inputs.factory.js';
import { planForSource } from './ladder.plan.js';
import { runTimed } from './timed.process.js';

/** The core every overhead encode is pinned to, as a T₁/T₂ worker is. */
const CORE = '0';

export interface ChunkOverhead {
  fit: FixedCostFit;
  /** What the samples measure: CPU time (GNU time; robust to neighbours' load) or, without it, wall time. */
  basis: 'cpu' | 'wall';
  /** Median time of the range starting mid-source minus the same length from 0: what seeking adds. */
  seekS: number;
  /** Seconds into the source where the seek runs start. */
  seekStartS: number;
  samples: RangeSample[];
  rounds: number;
}

/**
 * Bare ffmpeg on one core, the worker's video ladder (buildHlsArgs, no audio: a chunk encodes
 * video only) limited to ranges of a few lengths from the start, and one length from mid-source.
 * The runs are interleaved, round by round, so a busy spell does not land on one length.
 */
export async function measureChunkOverhead(source: Clip, quick: boolean, log: (line: string) => void): Promise<ChunkOverhead> {
  const full = await planForSource(source.path);
  const plan = { ...full, audio: null };
  const segment = plan.segmentSeconds;
  const lengths = (quick ? [1, 2] : [1, 2, 3]).map((n) => n * segment);
  const seekLength = lengths[1]!;
  const seekStartS = Math.floor((source.durationS * 0.6) / segment) * segment + 1;
  const rounds = quick ? 1 : 2;
  const samples: RangeSample[] = [];
  const seeks: number[] = [];
  let basis: ChunkOverhead['basis'] = 'cpu';
  const encode = async (range: InputRange): Promise<number> => {
    const outputDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-bench-chunk-'));
    try {
      const args = withInputRange(buildHlsArgs(plan, { input: source.path, outputDir }), range);
      const timed = await runTimed('taskset', ['--cpu-list', CORE, 'ffmpeg', ...args]);
      if (timed.cpuS === null) basis = 'wall';
      return timed.cpuS ?? timed.wallMs / 1000;
    } finally {
      await rm(outputDir, { recursive: true, force: true });
    }
  };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? lengths : [...lengths].reverse();
    for (const durationS of order) {
      log(`chunk overhead round ${round + 1}/${rounds}: ${durationS} s range from 0…`);
      samples.push({ durationS, seconds: await encode({ startS: 0, durationS }) });
    }
    log(`chunk overhead round ${round + 1}/${rounds}: ${seekLength} s range from ${seekStartS} s…`);
    seeks.push(await encode({ startS: seekStartS, durationS: seekLength }));
  }
  const fromStart = median(samples.filter((s) => s.durationS === seekLength).map((s) => s.seconds));
  return { fit: fixedCostFit(samples), basis, seekS: median(seeks) - fromStart, seekStartS, samples, rounds };
}
