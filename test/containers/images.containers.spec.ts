import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { createPool, JobEventsRepository, JobsRepository } from '@reelforge/db';
import { makeFixture } from '@reelforge/ffmpeg/testing';
import { freePort } from '@reelforge/process';
import { startS3rver, type S3rverHandle } from '@reelforge/storage/testing';
import type pg from 'pg';
import { PROJECT_IMAGES } from '../../tools/containers/project-images.js';
import { TestContainers, type TestContainer } from '../../tools/containers/test-containers.js';
import { bearer, getStatus, waitForSettled } from '../support/http.js';
import { uploadAndSubmit } from '../support/media-run.js';
import { openSse } from '../support/sse.client.js';
import { waitFor } from '../support/wait.js';
import { describeContainers, fetchHlsLadder, secret } from './support/container-scenario.js';

/**
 * The images users deploy, built from the repository's Dockerfiles (global setup), run in production
 * mode against the suite's real Postgres and Redis on the host network: the migrate command, the API
 * and two workers, once with a local volume they share and once with S3 storage.
 */
describeContainers.each(['local', 's3'] as const)('the API and worker images in production mode, %s storage', (storageKind) => {
  const containers = TestContainers.fromEnv();
  const token = secret();
  const headers = bearer(token);
  const boardPassword = secret();
  const schema = `ctr_${createId().slice(0, 10)}`;
  let scratch: string;
  let s3: S3rverHandle | undefined;
  let pool: pg.Pool;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let env: Record<string, string>;
  let baseUrl: string;
  let api: TestContainer;
  const workers: { container: TestContainer; healthPort: number }[] = [];
  let clip: string;

  const startWorker = async (name: string, extra: Record<string, string> = {}) => {
    const healthPort = await freePort();
    const container = await containers.start({
      name: `rf-test-${schema}-${name}`,
      image: PROJECT_IMAGES.worker.tag,
      env: { ...env, WORKER_HEALTH_PORT: String(healthPort), ...extra },
      volumes: storageVolumes(),
      stopTimeoutS: 45,
    });
    return { container, healthPort };
  };
  const storageVolumes = () => (storageKind === 'local' ? [`${path.join(scratch, 'storage')}:/app/.reelforge/storage`] : []);

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-containers-'));
    // The containers run as uid 1000: the shared volume must be theirs to write.
    await mkdir(path.join(scratch, 'storage'));
    await chmod(path.join(scratch, 'storage'), 0o777);
    s3 = storageKind === 's3' ? await startS3rver() : undefined;
    const apiPort = await freePort();
    baseUrl = `http://127.0.0.1:${apiPort}`;
    env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: process.env.REELFORGE_TEST_DATABASE_URL!,
      DATABASE_SCHEMA: schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL!,
      QUEUE_PREFIX: `rf-${createId().slice(0, 12)}`,
      API_TOKENS: token,
      WEBHOOK_SECRET: secret(),
      BULL_BOARD_USER: 'operator',
      BULL_BOARD_PASSWORD: boardPassword,
      PORT: String(apiPort),
      LADDER_HEIGHTS: '360,240',
      HLS_SEGMENT_SECONDS: '2',
      X264_PRESET: 'ultrafast',
      JOB_LOCK_DURATION_MS: '10000',
      JOB_STALLED_INTERVAL_MS: '2000',
      // A stopped worker releases its job after 2 s instead of finishing it, so the other one must take it.
      WORKER_SHUTDOWN_GRACE_S: '2',
      ...(s3
        ? {
            ...s3.env,
            PUBLIC_BASE_URL: `${s3.endpoint}/${s3.bucket}`,
          }
        : { STORAGE_DRIVER: 'local', STORAGE_DIR: '/app/.reelforge/storage', PUBLIC_BASE_URL: baseUrl }),
    };
    clip = await makeFixture('landscape-720p', { durationS: 4 });
  });

  afterAll(async () => {
    await containers.removeAll();
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool?.end();
    await s3?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when the migrate command runs from the API image, then it creates the schema and exits 0', async () => {
    const migrate = await containers.start({
      name: `rf-test-${schema}-migrate`,
      image: PROJECT_IMAGES.api.tag,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: env.DATABASE_URL!, DATABASE_SCHEMA: schema },
      command: ['node', 'apps/cli/dist/main.js', 'migrate'],
    });
    const exitCode = await migrate.wait(300_000);
    expect({ exitCode, logs: exitCode === 0 ? '' : await migrate.logs() }).toEqual({ exitCode: 0, logs: '' });
    pool = createPool({ connectionString: env.DATABASE_URL!, schema, max: 2, onError: (error) => process.stderr.write(`pool ${schema}: ${error.message}\n`) });
    jobs = new JobsRepository(pool);
    events = new JobEventsRepository(pool);
    const tables = await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['files', 'transcoding_jobs', 'job_events']));
  });

  it('when the API and two workers start, then every HEALTHCHECK reaches healthy and no process runs as root', async () => {
    api = await containers.start({ name: `rf-test-${schema}-api`, image: PROJECT_IMAGES.api.tag, env, volumes: storageVolumes() });
    workers.push(await startWorker('worker-a'), await startWorker('worker-b'));
    for (const container of [api, ...workers.map((w) => w.container)]) {
      // Docker runs the image's own HEALTHCHECK (every 15 s); we wait for its verdict, not for time.
      const state = await waitFor(
        `${container.name} to be healthy`,
        async () => {
          const s = await container.state();
          if (s.status !== 'running') throw new Error(`${container.name} is ${s.status} (exit ${s.exitCode}):\n${await container.logs()}`);
          return s.health === 'healthy' ? s : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1_000 },
      );
      expect(state.health).toBe('healthy');
      const processes = await container.processUids();
      expect(processes.length).toBeGreaterThan(0);
      expect(processes.filter((p) => p.uid === 0)).toEqual([]);
    }
  });

  it('when /readyz and each worker health port are asked, then they answer 200', async () => {
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    for (const { healthPort } of workers) expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
  });

  it('when a clip is uploaded and transcoded, then SSE reaches the final event and every rendition is served', async () => {
    const { fileId } = await uploadAndSubmit(baseUrl, clip, {}, headers);
    const stream = await openSse(`${baseUrl}/api/media/transcode/${fileId}/events`, headers);
    const seen = (await stream.rest(300_000)).map((m) => m.event);
    expect(seen[0]).toBe('state');
    expect(seen.at(-1)).toBe('completed');
    const status = await getStatus(baseUrl, fileId, headers);
    expect(status).toMatchObject({ status: 'completed', progress: 100, error: null });
    const ladder = await fetchHlsLadder(status.hlsUrl!);
    expect(ladder.renditions.length).toBe(2);
    for (const rendition of [...ladder.renditions, ...ladder.audio]) expect(rendition.firstSegmentBytes).toBeGreaterThan(0);
  });

  it('when a browser opens /app, then the image serves the web app page and its bundled script', async () => {
    const page = await fetch(`${baseUrl}/app`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const src = /<script src="(\/app\/app\.js\?v=[0-9a-f]+)"/.exec(await page.text())?.[1];
    expect(src).toBeDefined();
    const script = await fetch(`${baseUrl}${src}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it('when an operator opens Bull Board, then it asks for the login and shows the queues with it', async () => {
    expect((await fetch(`${baseUrl}/admin/queues`)).status).toBe(401);
    const login = { authorization: `Basic ${Buffer.from(`operator:${boardPassword}`).toString('base64')}` };
    const page = await fetch(`${baseUrl}/admin/queues`, { headers: login });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const queues = (await (await fetch(`${baseUrl}/admin/queues/api/queues`, { headers: login })).json()) as { queues: { name: string }[] };
    expect(queues.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['transcode']));
  });

  if (storageKind === 'local') {
    it('when the worker running a job is stopped, then it exits 0 having released the job, and the other worker completes it', async () => {
      const long = await makeFixture('landscape-720p', { durationS: 30 });
      // A slow preset for this one job keeps it encoding long after the test sees it start.
      const { fileId, jobId } = await uploadAndSubmit(baseUrl, long, { ladder: { rungs: [{ height: 720 }], preset: 'medium' } }, headers);
      const busy = await waitFor(
        'a worker container to run ffmpeg for the job',
        async () => {
          // The only job in this stack: whichever worker runs an ffmpeg is running it.
          for (const worker of workers) if (await worker.container.runsFfmpeg()) return worker;
          return undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      const other = workers.find((w) => w !== busy)!;
      // docker's grace (45 s) outlasts the worker's own (2 s): SIGTERM releases the job, then node exits 0.
      expect(await busy.container.stop(45)).toBe(0);
      const settled = await waitForSettled(baseUrl, fileId, { timeoutMs: 600_000, headers });
      expect(settled.status).toBe('completed');
      const trail = (await events.listForJob(jobId)).map((e) => e.kind);
      expect(trail.filter((k) => k === 'processing').length).toBe(2);
      expect(trail.filter((k) => k === 'completed').length).toBe(1);
      expect((await jobs.findById(jobId))?.status).toBe('completed');
      expect((await other.container.state()).status).toBe('running');
      const ladder = await fetchHlsLadder(settled.hlsUrl!);
      expect(ladder.renditions.length).toBe(1);
    });

    it('when an idle worker container gets docker stop, then it exits 0 within its grace', async () => {
      const running = [];
      for (const worker of workers) if ((await worker.container.state()).status === 'running') running.push(worker);
      const idle = running[0]!;
      expect(await idle.container.stop(45)).toBe(0);
      expect((await idle.container.state()).oomKilled).toBe(false);
    });
  }
});
