import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { makeFixture } from '@reelforge/ffmpeg/testing';
import { freePort } from '@reelforge/process';
import { ComposeProject, STAND_IN_S3_CREDENTIAL, buildStandIns, standInOverride, writeEnvFile } from '../../tools/containers/compose.stack.js';
import { DockerCli } from '../../tools/containers/docker.command.js';
import { TestContainer } from '../../tools/containers/test-containers.js';
import { repoRoot } from '../../tools/test/deploy-files.js';
import { bearer, waitForSettled } from '../support/http.js';
import { uploadAndSubmit } from '../support/media-run.js';
import { waitFor } from '../support/wait.js';
import { describeContainers, fetchHlsLadder, secret } from './support/container-scenario.js';

/**
 * docker-compose.yml brought up whole, as users run it, with two worker replicas; only the public
 * images (postgres, redis, minio, mc) are swapped for local stand-ins by an override file.
 */
describeContainers('the Compose stack with two worker replicas', () => {
  const docker = new DockerCli(process.env);
  const token = secret();
  const headers = bearer(token);
  let work: string;
  let compose: ComposeProject;
  let apiUrl: string;
  let publicBaseUrl: string;

  const psql = (sql: string) => compose.ok(['exec', '-T', 'postgres', 'psql', '-U', 'reelforge', '-d', 'reelforge', '-At', '-c', sql]);

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'reelforge-compose-'));
    await buildStandIns(docker, repoRoot);
    const [apiPort, s3Port, consolePort] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    publicBaseUrl = `http://127.0.0.1:${s3Port}/reelforge`;
    const envFile = path.join(work, '.env');
    await writeEnvFile(envFile, {
      POSTGRES_PASSWORD: secret(),
      MINIO_ROOT_USER: `root${createId().slice(0, 8)}`,
      MINIO_ROOT_PASSWORD: secret(),
      SPACES_ACCESS_KEY: STAND_IN_S3_CREDENTIAL,
      SPACES_SECRET_KEY: STAND_IN_S3_CREDENTIAL,
      API_TOKENS: token,
      BULL_BOARD_PASSWORD: secret(),
      WEBHOOK_SECRET: secret(),
      API_PORT: String(apiPort),
      MINIO_PORT: String(s3Port),
      MINIO_CONSOLE_PORT: String(consolePort),
      PUBLIC_BASE_URL: publicBaseUrl,
    });
    const override = path.join(work, 'stand-ins.override.yml');
    await writeFile(override, standInOverride());
    compose = await ComposeProject.create({
      engineEnv: process.env,
      repoRoot,
      project: `reelforge-e2e-${createId().slice(0, 6)}`,
      files: [path.join(repoRoot, 'docker-compose.yml'), override],
      envFile,
    });
    await compose.ok(['up', '--detach', '--no-build', '--scale', 'worker=2']);
  });

  afterAll(async () => {
    await compose?.run(['down', '--volumes', '--remove-orphans', '--timeout', '5']);
    await rm(work, { recursive: true, force: true });
  });

  it('when it is up, then migrations ran, the API answers through its published port and two workers run', async () => {
    await waitFor('the API to answer /readyz', async () => ((await fetch(`${apiUrl}/readyz`).catch(() => undefined))?.ok ? true : undefined), {
      timeoutMs: 300_000,
      intervalMs: 1_000,
    });
    expect((await compose.containerIds('worker')).length).toBe(2);
    expect(await psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'transcoding_jobs'")).toBe('1');
  });

  it('when a worker replica is killed mid-encode, then the job still completes exactly once and plays', async () => {
    const clip = await makeFixture('landscape-720p', { durationS: 40 });
    // A slow preset keeps the job encoding long after the test sees ffmpeg start.
    const { fileId, jobId } = await uploadAndSubmit(apiUrl, clip, { ladder: { rungs: [{ height: 720 }, { height: 360 }], preset: 'medium' } }, headers);
    const replicas = (await compose.containerIds('worker')).map((id) => new TestContainer(docker, id));
    const busy = await waitFor(
      'a worker replica to run ffmpeg for the job',
      async () => {
        // The only job in this stack: whichever replica runs an ffmpeg is running it.
        for (const replica of replicas) if (await replica.runsFfmpeg()) return replica;
        return undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );
    await docker.ok(['kill', '--signal', 'KILL', busy.name]);

    // BullMQ's stalled-job check hands the job to the surviving replica once the dead one's lock expires.
    const settled = await waitForSettled(apiUrl, fileId, { timeoutMs: 600_000, headers });
    expect(settled).toMatchObject({ status: 'completed', progress: 100, error: null });
    const kinds = (await psql(`SELECT kind FROM job_events WHERE job_id = '${jobId}' ORDER BY id`)).split('\n');
    expect(kinds.filter((k) => k === 'completed')).toEqual(['completed']);
    expect(kinds.filter((k) => k === 'processing').length).toBeGreaterThanOrEqual(2);
    expect(await psql(`SELECT count(*) FROM transcoding_jobs WHERE file_id = '${fileId}' AND status = 'completed'`)).toBe('1');
    expect(settled.hlsUrl?.startsWith(publicBaseUrl)).toBe(true);
    const ladder = await fetchHlsLadder(settled.hlsUrl!);
    expect(ladder.renditions.map((r) => r.firstSegmentBytes > 0)).toEqual([true, true]);
  });
});
