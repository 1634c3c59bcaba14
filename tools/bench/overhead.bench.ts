import { sharedRoundsNote, type Benchmark } from './bench.context.js';
import { allMeasured, median, medianMetric, ratio } from './bench.stats.js';
import type { EncodeRounds } from './encode.rounds.js';

const TARGET = { op: '<=', value: 1.05 } as const;

/** Bare CPU per round (ladder + images) when GNU time was there to measure it. */
function bareCpu(r: EncodeRounds): number[] | null {
  return allMeasured(r.bare.map((b) => (b.hlsCpuS === null || b.imagesCpuS === null ? null : b.hlsCpuS + b.imagesCpuS)));
}

function cpuMetrics(r: EncodeRounds) {
  const bare = bareCpu(r);
  return bare
    ? [
        medianMetric('pipeline CPU (Node + its ffmpeg/ffprobe)', r.pipeline.map((p) => p.cpuS), 'cpu s'),
        medianMetric('  of which the Node process (API, worker, harness)', r.pipeline.map((p) => p.nodeCpuS), 'cpu s'),
        medianMetric('bare CPU (ladder + images)', bare, 'cpu s'),
      ]
    : [];
}

/** CPU is what the pipeline adds in work; unlike wall time it hardly moves when other processes share the cores. */
function cpuRatio(r: EncodeRounds) {
  const bare = bareCpu(r);
  if (!bare) return [];
  return [ratio('pipeline / bare, CPU time', 'median of per-round pipeline CPU ÷ bare ladder + images CPU', median(r.pipeline.map((p, i) => p.cpuS / bare[i]!)), 1, TARGET)];
}

/** Issue 8 §1: POST /api/media/transcode → completed with master.m3u8 stored, against bare ffmpeg on the same arguments. */
export const overheadBench: Benchmark = {
  name: 'overhead',
  title: 'End-to-end overhead vs bare ffmpeg',
  async run(ctx) {
    const r = await ctx.encodeRounds();
    const pipeline = r.pipeline.map((p) => p.totalMs);
    const bareLadder = r.bare.map((b) => b.hlsMs);
    const bareWithImages = r.bare.map((b) => b.hlsMs + b.imagesMs);
    const stage = (pick: (s: (typeof r.pipeline)[number]['stages']) => number) => r.pipeline.map((p) => pick(p.stages));
    const rendition = r.plan.renditions.map((x) => x.name).join('/');
    return {
      metrics: [
        medianMetric('pipeline: POST → completed', pipeline, 'ms'),
        medianMetric('bare ffmpeg ladder (+ storyboard output)', bareLadder, 'ms'),
        medianMetric('bare poster + storyboard tiling', r.bare.map((b) => b.imagesMs), 'ms'),
        medianMetric('bare ladder + images', bareWithImages, 'ms'),
        ...cpuMetrics(r),
        medianMetric('overhead over bare + images', pipeline.map((p, i) => p - bareWithImages[i]!), 'ms'),
        medianMetric('pipeline time outside ladder + images', pipeline.map((p, i) => p - r.pipeline[i]!.stages.encodeAndImagesMs), 'ms'),
        medianMetric('  pipeline: queue wait', stage((s) => s.queueMs), 'ms'),
        medianMetric('  pipeline: probe', stage((s) => s.probeMs), 'ms'),
        medianMetric('  pipeline: ladder + images', stage((s) => s.encodeAndImagesMs), 'ms'),
        medianMetric('  pipeline: upload tail', stage((s) => s.uploadTailMs), 'ms'),
        medianMetric('  pipeline: master + completion', stage((s) => s.finalizeMs), 'ms'),
      ],
      ratios: [
        ratio('pipeline / (bare ladder + images)', 'median of per-round pipeline ÷ (ladder command + poster and tiling commands)', median(pipeline.map((p, i) => p / bareWithImages[i]!)), 1, TARGET),
        ...cpuRatio(r),
        ratio('pipeline / bare ladder alone', 'median of per-round pipeline ÷ ladder command only', median(pipeline.map((p, i) => p / bareLadder[i]!)), 1, TARGET),
      ],
      notes: [
        sharedRoundsNote(r),
        `Input ${r.source.width}x${r.source.height}, ${r.source.durationS} s, 30 fps; ladder ${rendition} + audio, ${r.plan.preset}, ${r.plan.segmentSeconds} s segments; ${r.rounds} interleaved rounds.`,
        'The headline ratio compares like with like: the worker runs the ladder command (which also writes the storyboard thumbnails from the same decode) and then, side by side, the poster and sheet-tiling commands; the bare side runs exactly those argument arrays (buildHlsArgs / buildPosterArgs / buildStoryboardTileArgs) the same way, with no Node in between.',
        'The pipeline side includes HTTP, Postgres rows, the BullMQ hop, ffprobe, progress writes, local storage copies and master.m3u8; stage times come from job_events.',
      ],
    };
  },
};
