import { performance } from 'node:perf_hooks';
import type { VideoTranscodePlan } from '@reelforge/media';
import { runBare, runPerRendition, type BareSample, type PerRenditionSample } from './bare.variant.js';
import type { BenchName } from './bench.types.js';
import { CleanupStack } from './cleanup.stack.js';
import type { BenchInputs, Clip } from './inputs.factory.js';
import { planForSource } from './ladder.plan.js';
import { startPipelineRunner, type PipelineSample } from './pipeline.variant.js';
import { startServiceRunner, type ServiceSample } from './service.variant.js';

/** Uploads in flight at once: HlsOutputPublisher's default, given to the encode-then-upload baseline too. */
export const UPLOAD_CONCURRENCY = 4;

/** Which encodes the selected benchmarks need; the bare one-pass ladder is shared by all three. */
export interface EncodeNeeds {
  pipeline: boolean;
  perRendition: boolean;
  service: boolean;
  /** Storyboard thumbnails from the bare ladder, then poster and tiling (to compare with the pipeline, which makes them too). */
  images: boolean;
}

export function encodeNeeds(only: readonly BenchName[]): EncodeNeeds | null {
  const pipeline = only.includes('overhead');
  const perRendition = only.includes('one-pass');
  const service = only.includes('upload-overlap');
  if (!pipeline && !perRendition && !service) return null;
  return { pipeline, perRendition, service, images: pipeline || service };
}

export interface EncodeRounds {
  rounds: number;
  /** Wall time of all rounds together (the benchmarks that share them report it once each). */
  wallS: number;
  source: Clip;
  plan: VideoTranscodePlan;
  bare: BareSample[];
  pipeline: PipelineSample[];
  perRendition: PerRenditionSample[];
  service: ServiceSample[];
}

export interface EncodeRoundsContext {
  databaseUrl: string;
  inputs: BenchInputs;
  quick: boolean;
  needs: EncodeNeeds;
  log: (line: string) => void;
}

/**
 * Runs every encode the selected benchmarks need, interleaved: each round runs each variant once,
 * starting one variant later than the round before, so a busy spell on the machine or a warm cache
 * does not favour one variant. Benchmarks pair the variants round by round.
 */
export async function runEncodeRounds({ databaseUrl, inputs, quick, needs, log }: EncodeRoundsContext): Promise<EncodeRounds> {
  const rounds = quick ? 3 : 5;
  const started = performance.now();
  const source = await inputs.ladderSource();
  const plan = await planForSource(source.path);
  const result: EncodeRounds = { rounds, wallS: 0, source, plan, bare: [], pipeline: [], perRendition: [], service: [] };
  const cleanup = new CleanupStack((label, err) => log(`cleanup ${label} failed: ${(err as Error).message}`));
  try {
    const pipeline = needs.pipeline ? await startPipelineRunner(databaseUrl, source, await inputs.shortClip(), log) : undefined;
    if (pipeline) cleanup.defer('pipeline', () => pipeline.close());
    const service = needs.service ? await startServiceRunner(databaseUrl, source, log) : undefined;
    if (service) cleanup.defer('service', () => service.close());

    let serialRun = 0;
    const steps: { name: string; run: () => Promise<void> }[] = [
      {
        name: 'bare ffmpeg (one pass)',
        run: async () => {
          const serialUpload = service ? { storage: service.storage, keyPrefix: `hls/serial-${(serialRun += 1)}`, concurrency: UPLOAD_CONCURRENCY } : null;
          result.bare.push(await runBare(plan, source.path, { images: needs.images, serialUpload }));
          if (serialUpload) await service!.storage.deletePrefix(serialUpload.keyPrefix);
        },
      },
    ];
    if (pipeline) steps.push({ name: 'pipeline (API → queue → worker)', run: async () => void result.pipeline.push(await pipeline.runOnce()) });
    if (needs.perRendition) {
      steps.push({ name: 'one ffmpeg per rendition', run: async () => void result.perRendition.push(await runPerRendition(plan, source.path)) });
    }
    if (service) steps.push({ name: 'TranscodeService on S3', run: async () => void result.service.push(await service.runOnce()) });

    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < steps.length; i += 1) {
        const step = steps[(round + i) % steps.length]!;
        log(`encode round ${round + 1}/${rounds}: ${step.name}…`);
        await step.run();
      }
    }
    result.wallS = (performance.now() - started) / 1000;
    return result;
  } finally {
    await cleanup.close();
  }
}
