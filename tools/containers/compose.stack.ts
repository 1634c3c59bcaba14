import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { DockerCli } from './docker.command.js';
import { DockerCommandError, runCommand, type CommandResult } from './docker.command.js';
import { TEST_CONTAINER_LABEL } from './test-containers.js';

/** Local stand-ins for the public images the compose file pulls (no registry is reachable on test machines). */
export const STAND_IN_IMAGES = {
  postgres: { dir: 'tools/containers/stand-ins/postgres', tag: 'reelforge-stand-in/postgres:15' },
  redis: { dir: 'tools/containers/stand-ins/redis', tag: 'reelforge-stand-in/redis:7' },
  s3: { dir: 'tools/containers/stand-ins/s3', tag: 'reelforge-stand-in/s3:3.7.1' },
} as const;

/** s3rver knows exactly one account; the app's credentials in the compose run are those. */
export const STAND_IN_S3_CREDENTIAL = 'S3RVER';

export async function buildStandIns(cli: DockerCli, repoRoot: string): Promise<void> {
  for (const { dir, tag } of Object.values(STAND_IN_IMAGES)) {
    await cli.ok(['build', '--network', 'host', '--tag', tag, path.join(repoRoot, dir)], { timeoutMs: 1_200_000 });
  }
}

/**
 * The override the compose test layers over the unchanged docker-compose.yml: the same services with
 * stand-in images. MinIO becomes s3rver (no IAM: the app uses s3rver's one account, and minio-init has
 * nothing left to do), Postgres becomes Debian's PostgreSQL 15 and Redis Debian's redis-server.
 */
export function standInOverride(): string {
  const node = (script: string) => ['node', '-e', script];
  // The test label lets the next run remove what an interrupted run left behind.
  const labels = [TEST_CONTAINER_LABEL];
  return stringify({
    services: {
      postgres: { image: STAND_IN_IMAGES.postgres.tag, labels },
      redis: { image: STAND_IN_IMAGES.redis.tag, labels },
      migrate: { labels },
      api: { labels },
      worker: { labels },
      minio: {
        image: STAND_IN_IMAGES.s3.tag,
        labels,
        command: [],
        environment: { S3_BUCKET: '${SPACES_BUCKET:-reelforge}' },
        healthcheck: { test: ['CMD', ...node("fetch('http://127.0.0.1:9000/').then(() => process.exit(0), () => process.exit(1))")] },
      },
      'minio-init': {
        image: STAND_IN_IMAGES.s3.tag,
        labels,
        entrypoint: node("console.log('s3rver created the bucket at start; it has no users or policies to set')"),
        command: [],
      },
    },
  });
}

/** One compose project: `docker-compose` 1.29 where installed (Debian 12), else the `docker compose` plugin. */
export class ComposeProject {
  private constructor(
    private readonly command: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly baseArgs: string[],
  ) {}

  static async create(options: { engineEnv: NodeJS.ProcessEnv; repoRoot: string; project: string; files: string[]; envFile: string }): Promise<ComposeProject> {
    const standalone = await runCommand('docker-compose', ['version'], { env: options.engineEnv }).catch(() => undefined);
    const command = standalone?.code === 0 ? ['docker-compose'] : ['docker', 'compose'];
    const baseArgs = ['--project-name', options.project, '--project-directory', options.repoRoot, '--env-file', options.envFile, ...options.files.flatMap((f) => ['--file', f])];
    return new ComposeProject(command, options.engineEnv, baseArgs);
  }

  run(args: string[], timeoutMs = 900_000): Promise<CommandResult> {
    const [bin, ...pre] = this.command as [string, ...string[]];
    return runCommand(bin, [...pre, ...this.baseArgs, ...args], { env: this.env, timeoutMs });
  }

  async ok(args: string[], timeoutMs?: number): Promise<string> {
    const result = await this.run(args, timeoutMs);
    if (result.code !== 0) throw new DockerCommandError([...this.command, ...args], result);
    return result.stdout.trim();
  }

  /** Container ids of one service's replicas. */
  async containerIds(service: string): Promise<string[]> {
    return (await this.ok(['ps', '--quiet', service])).split('\n').filter(Boolean);
  }
}

export async function writeEnvFile(file: string, values: Record<string, string>): Promise<void> {
  await writeFile(file, Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
}
