import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureBaseImage } from './base-image.standin.js';
import { ensureDockerEngine } from './docker.engine.js';
import { buildProjectImages, logTail, type ImageBuild } from './project-images.js';
import { TEST_CONTAINER_LABEL } from './test-containers.js';

export interface ContainerPhaseReport {
  engine: 'machine' | 'private';
  baseImage: 'present' | 'pulled' | 'stand-in';
  baseImageSeconds: number;
  builds: ImageBuild[];
}

export interface ContainerPhase {
  /** Set in the test processes' environment (DOCKER_HOST of a private engine). */
  env: Record<string, string>;
  report: ContainerPhaseReport;
  finish(): Promise<void>;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/**
 * Everything the container scenarios share, done once per run: an engine, the base image, both
 * project images; leftovers of an interrupted run removed first. The report (build times, sizes)
 * lands in .reelforge/container-report.json.
 */
export async function prepareContainerPhase(repoRoot: string, log: (line: string) => void): Promise<ContainerPhase> {
  const engine = await ensureDockerEngine({ log });
  const { cli } = engine;
  try {
    const leftovers = (await cli.ok(['ps', '--all', '--quiet', '--filter', `label=${TEST_CONTAINER_LABEL}`])).split('\n').filter(Boolean);
    if (leftovers.length > 0) await cli.ok(['rm', '--force', '--volumes', ...leftovers]);
    if (engine.isPrivate) {
      // Compose networks and volumes of an interrupted run; on our own engine nothing else can own them.
      await cli.ok(['network', 'prune', '--force']);
      await cli.ok(['volume', 'prune', '--force']);
    }

    const baseStarted = process.hrtime.bigint();
    const baseImage = await ensureBaseImage(cli, log);
    const baseImageSeconds = seconds(baseStarted);
    const buildLog = path.join(repoRoot, '.reelforge', 'container-builds.log');
    const builds = await buildProjectImages(cli, repoRoot, buildLog, log).catch(async (err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${buildLog} ends with:\n${await logTail(buildLog)}`);
    });
    const report: ContainerPhaseReport = { engine: engine.isPrivate ? 'private' : 'machine', baseImage, baseImageSeconds, builds };
    await writeFile(path.join(repoRoot, '.reelforge', 'container-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return {
      env: engine.isPrivate && engine.env.DOCKER_HOST ? { DOCKER_HOST: engine.env.DOCKER_HOST } : {},
      report,
      async finish() {
        // Our own engine only: never prune a user's images.
        if (engine.isPrivate) await cli.run(['image', 'prune', '--force']);
        await engine.stop();
      },
    };
  } catch (err) {
    await engine.stop();
    throw err;
  }
}
