import type { Config } from '@reelforge/config';
import { formatRatio, formatTarget, formatValue } from './bench.stats.js';
import type { BenchOptions, BenchResult, Metric } from './bench.types.js';
import type { MachineInfo } from './machine.info.js';

export interface BenchReport {
  options: BenchOptions;
  machine: MachineInfo;
  /** The ladder settings the run used (LADDER_HEIGHTS, HLS_SEGMENT_SECONDS, X264_PRESET). */
  media: Config['media'];
  startedAt: string;
  wallS: number;
  results: BenchResult[];
  /** Benchmarks that threw, with the message; the others still report. */
  failures: { name: string; error: string }[];
}

export function renderJson(report: BenchReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

function metricLine(metric: Metric, labelWidth: number): string {
  const samples =
    metric.samples && metric.samples.length > 1 ? `  (${metric.samples.map((s) => formatValue(s, metric.unit)).join(', ')})` : '';
  return `  ${pad(metric.label, labelWidth)} ${padStart(formatValue(metric.value, metric.unit), 14)}${samples}`;
}

function renderResult(result: BenchResult, index: number): string[] {
  const lines = [`${index}. ${result.title} [${result.name}] — ${Math.round(result.wallS)} s`];
  const labelWidth = Math.max(20, ...result.metrics.map((m) => m.label.length));
  lines.push(...result.metrics.map((m) => metricLine(m, labelWidth)));
  if (result.ratios.length > 0) {
    const width = Math.max(20, ...result.ratios.map((r) => r.label.length));
    lines.push(`  ${pad('ratio', width)} ${padStart('value', 8)}  ${pad('target', 9)} result   formula`);
    for (const r of result.ratios) {
      lines.push(`  ${pad(r.label, width)} ${padStart(formatRatio(r.value), 8)}  ${pad(formatTarget(r.target), 9)} ${pad(r.verdict, 8)} ${r.formula}`);
    }
  }
  for (const note of result.notes) lines.push(`  - ${note}`);
  return lines;
}

export function renderTable(report: BenchReport): string {
  const { machine } = report;
  const load = `${machine.loadStart.toFixed(2)} → ${machine.loadEnd?.toFixed(2) ?? '?'}`;
  const lines = [
    `Reelforge benchmarks${report.options.quick ? ' (--quick)' : ''}, started ${report.startedAt}, ${Math.round(report.wallS)} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, ${machine.kernel}`,
    `         ${machine.ffmpeg}, node ${machine.node}, 1-min load average ${load}`,
    `ladder:  ${report.media.ladderHeights.join('/')}, ${report.media.x264Preset}, ${report.media.segmentSeconds} s segments`,
    '',
  ];
  report.results.forEach((result, i) => lines.push(...renderResult(result, i + 1), ''));
  for (const failure of report.failures) lines.push(`FAILED ${failure.name}: ${failure.error}`, '');
  const all = report.results.flatMap((r) => r.ratios.map((ratio) => ({ bench: r.name, ratio })));
  if (all.length > 0) {
    lines.push('Summary');
    const width = Math.max(...all.map((a) => a.ratio.label.length));
    for (const { bench, ratio } of all) {
      lines.push(`  ${pad(bench, 17)} ${pad(ratio.label, width)} ${padStart(formatRatio(ratio.value), 8)}  ${pad(formatTarget(ratio.target), 9)} ${ratio.verdict}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
