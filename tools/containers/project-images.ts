import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DockerCli } from './docker.command.js';
import { DockerCommandError } from './docker.command.js';

/** The images docker-compose.yml names, built from the repository's Dockerfiles unchanged. */
export const PROJECT_IMAGES = {
  api: { dockerfile: 'Dockerfile.api', tag: 'reelforge-api:local' },
  worker: { dockerfile: 'Dockerfile.worker', tag: 'reelforge-worker:local' },
} as const;
export type ProjectImage = keyof typeof PROJECT_IMAGES;

export interface ImageBuild {
  image: ProjectImage;
  tag: string;
  seconds: number;
  sizeBytes: number;
}

const BUILD_TIMEOUT_MS = 1_800_000;

/**
 * Builds both images the way DEPLOY.md tells users to, with the classic builder (BuildKit would fetch
 * its `# syntax=` frontend from a registry) and host networking for `RUN` steps (a daemon without a
 * default bridge has no other network for them). The two Dockerfiles share their first stages, so the
 * second build reuses the first one's `npm ci` and `npm run build` layers.
 */
export async function buildProjectImages(cli: DockerCli, repoRoot: string, logFile: string, log: (line: string) => void = () => undefined): Promise<ImageBuild[]> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'w' });
  const builds: ImageBuild[] = [];
  try {
    for (const image of ['api', 'worker'] as const) {
      const { dockerfile, tag } = PROJECT_IMAGES[image];
      log(`building ${tag} from ${dockerfile} (log: ${logFile})…`);
      const started = process.hrtime.bigint();
      const args = ['build', '--network', 'host', '--file', dockerfile, '--tag', tag, '.'];
      const result = await cli.run(args, { cwd: repoRoot, timeoutMs: BUILD_TIMEOUT_MS, onOutput: (chunk) => out.write(chunk) });
      if (result.code !== 0) throw new DockerCommandError(args, result);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const sizeBytes = Number(await cli.ok(['image', 'inspect', '--format', '{{.Size}}', tag]));
      builds.push({ image, tag, seconds, sizeBytes });
      log(`built ${tag} in ${seconds.toFixed(0)} s (${(sizeBytes / 1e6).toFixed(0)} MB)`);
    }
  } finally {
    await new Promise((resolve) => out.end(resolve));
  }
  return builds;
}

/** The tail of a build log, for a failure message. */
export async function logTail(logFile: string, lines = 40): Promise<string> {
  return (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
}
