import { allMeasured, median, medianMetric, ratio } from './bench.stats.js';
import { sharedRoundsNote, type Benchmark } from './bench.context.js';

const KIB_PER_MIB = 1024;

/** Issue 8 §2: one ffmpeg for the whole ladder against one ffmpeg per rendition, same presets. */
export const onePassBench: Benchmark = {
  name: 'one-pass',
  title: 'One-pass ladder vs one ffmpeg per rendition',
  async run(ctx) {
    const r = await ctx.encodeRounds();
    const onePass = r.bare.map((b) => b.hlsMs);
    const perRendition = r.perRendition.map((p) => p.totalMs);
    const onePassCpu = allMeasured(r.bare.map((b) => b.hlsCpuS));
    const perRenditionCpu = allMeasured(r.perRendition.map((p) => p.cpuS));
    const cpu = onePassCpu && perRenditionCpu ? { onePass: onePassCpu, perRendition: perRenditionCpu } : null;
    const names = r.plan.renditions.map((x) => x.name);
    return {
      metrics: [
        medianMetric('one-pass wall time', onePass, 'ms'),
        medianMetric('per-rendition wall time (sum)', perRendition, 'ms'),
        ...names.map((name) => medianMetric(`  ${name} alone`, r.perRendition.map((p) => p.renditions.find((x) => x.name === name)!.wallMs), 'ms')),
        ...(cpu ? [medianMetric('one-pass CPU time', cpu.onePass, 'cpu s'), medianMetric('per-rendition CPU time (sum)', cpu.perRendition, 'cpu s')] : []),
        medianMetric('one-pass ffmpeg peak RSS', r.bare.map((b) => b.hlsMaxRssKiB / KIB_PER_MIB), 'MiB'),
        medianMetric('per-rendition ffmpeg peak RSS (largest)', r.perRendition.map((p) => p.maxRssKiB / KIB_PER_MIB), 'MiB'),
      ],
      ratios: [
        ratio('per-rendition / one-pass time', 'median of per-round per-rendition wall ÷ one-pass wall', median(perRendition.map((p, i) => p / onePass[i]!)), 1, { op: '>=', value: 1.3 }),
        ...(cpu
          ? [ratio('per-rendition / one-pass CPU time', 'median of per-round CPU ratios (robust when the machine is busy)', median(cpu.perRendition.map((c, i) => c / cpu.onePass[i]!)), 1, null)]
          : []),
        ratio('one-pass / per-rendition peak RSS', 'median one-pass peak ÷ median largest per-rendition peak', median(r.bare.map((b) => b.hlsMaxRssKiB)), median(r.perRendition.map((p) => p.maxRssKiB)), null),
      ],
      notes: [
        sharedRoundsNote(r),
        `Same input, plan and presets; the per-rendition commands are buildHlsArgs on single-rung plans (${names.join(', ')}), run one after another, audio encoded once with the first.`,
        'Peak RSS is the kernel\'s figure at exit (GNU time %M); the per-rendition figure is the largest of its processes, since they run in turn.',
      ],
    };
  },
};
