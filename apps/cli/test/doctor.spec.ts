import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';
import { startS3rver, type S3rverHandle } from '@reelforge/storage/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared CLI runner lives in the root test/support
import { runCli } from '../../../test/support/cli.runner.js';
import { runDoctorChecks } from '../src/doctor/doctor.checks.js';
import { formatDoctorReport, redactUrl, type CheckResult } from '../src/doctor/doctor.report.js';

const byName = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('doctor report formatting', () => {
  it('when checks pass and fail, then each is one line with ✓/✗ and the fix', () => {
    expect(
      formatDoctorReport([
        { name: 'redis', ok: true, detail: 'reachable' },
        { name: 'ffmpeg', ok: false, detail: 'not found', fix: 'apt-get install ffmpeg' },
      ]),
    ).toBe('✓ redis: reachable\n✗ ffmpeg: not found → apt-get install ffmpeg\n1 of 2 checks failed');
  });

  it('when a URL carries a password, then it is masked', () => {
    // secretlint-disable-next-line -- a made-up password: the point is that it gets masked
    expect(redactUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(redactUrl('not a url')).toBe('(unparseable URL)');
  });
});

describe('reelforge doctor --role', () => {
  it('when --role names no process, then the CLI exits 2 naming the choices', async () => {
    const result = await runCli(['doctor', '--role', 'migrate'], {});
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('doctor --role must be one of api, worker (got "migrate")') });
  });
});

describe('reelforge doctor against real services', () => {
  let db: TestDatabase;
  let s3: S3rverHandle;
  let scratch: string;
  let evictingRedis: EmbeddedRedis;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'doctor' });
    s3 = await startS3rver();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-doctor-'));
    evictingRedis = await startEmbeddedRedis({ dataDir: path.join(scratch, 'redis'), appendOnly: false });
    const r = new Redis(evictingRedis.url);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    r.disconnect();
    env = {
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL,
      ...s3.env,
    };
  });
  afterAll(async () => {
    await evictingRedis.stop();
    await s3.stop();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when everything is configured and reachable, then every check passes, ending with ffprobe for the api', async () => {
    const checks = await runDoctorChecks({ env });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'env',
      'postgres',
      'postgres migrations',
      'redis',
      'redis maxmemory-policy',
      'storage read/write',
      'storage public URL',
      'storage delete',
      'ffprobe',
    ]);
    expect(byName(checks).ffprobe?.detail).toMatch(/^ffprobe \S+: the api sniffs every upload with ffprobe/);
  });

  it('when run as the worker, then the worker\'s rules apply and ffmpeg with its encoders is checked', async () => {
    // The worker needs no API_TOKENS even in production; the api would refuse this environment.
    const production = { ...env, NODE_ENV: 'production' };
    expect(byName(await runDoctorChecks({ env: production, role: 'api' }))['env API_TOKENS']).toMatchObject({ ok: false });
    const checks = await runDoctorChecks({ env: production, role: 'worker' });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.at(-1)).toMatchObject({ name: 'ffmpeg', ok: true, detail: expect.stringMatching(/libx264 and aac encoders present$/) });
    expect(checks[0]?.detail).toMatch(/^configuration valid for the worker/);
  });

  it('when ffprobe is missing, then the api fails on ffprobe and the worker on ffmpeg, both told to install ffmpeg', async () => {
    const api = byName(await runDoctorChecks({ env, ffprobePath: '/nonexistent/ffprobe' }));
    expect(api.ffprobe).toMatchObject({ ok: false, detail: expect.stringMatching(/the api sniffs every upload/), fix: expect.stringContaining('apt-get install ffmpeg') });
    const worker = byName(await runDoctorChecks({ env, role: 'worker', ffprobePath: '/nonexistent/ffprobe' }));
    expect(worker.ffmpeg).toMatchObject({ ok: false, fix: expect.stringContaining('apt-get install ffmpeg') });
  });

  it('when the services are broken, then each failing check says what is wrong and how to fix it', async () => {
    const closed = await freePort();
    const unmigrated = `doctor_empty_${Date.now()}`;
    const checks = byName(
      await runDoctorChecks({
        // secretlint-disable-next-line -- a made-up password for a closed port; the test checks it never appears
        env: { ...env, DATABASE_URL: `postgres://app:hunter22@127.0.0.1:${closed}/x`, REDIS_URL: evictingRedis.url, SPACES_BUCKET: 'no-such-bucket' },
        ffprobePath: '/nonexistent/ffprobe',
        timeoutMs: 2_000,
      }),
    );
    expect(checks.postgres).toMatchObject({ ok: false, fix: expect.stringContaining('DATABASE_URL') });
    expect(checks.postgres?.detail).toContain('postgres://app:***@127.0.0.1');
    expect(checks.postgres?.detail).not.toContain('hunter22');
    expect(checks['redis maxmemory-policy']).toMatchObject({ ok: false, detail: expect.stringContaining('allkeys-lru'), fix: expect.stringContaining('noeviction') });
    expect(checks['storage read/write']).toMatchObject({ ok: false, fix: expect.stringContaining('SPACES_BUCKET') });
    expect(checks.ffprobe).toMatchObject({ ok: false, fix: expect.stringContaining('apt-get install ffmpeg') });
    expect(JSON.stringify(checks)).not.toContain(s3.secretAccessKey);

    const client = new pg.Client({ connectionString: db.databaseUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA ${unmigrated}`);
    try {
      const fresh = byName(await runDoctorChecks({ env: { ...env, DATABASE_SCHEMA: unmigrated } }));
      expect(fresh['postgres migrations']).toMatchObject({ ok: false, detail: expect.stringMatching(/pending: 1764100000000_initial-schema/), fix: 'run `reelforge migrate`' });
    } finally {
      await client.query(`DROP SCHEMA ${unmigrated} CASCADE`);
      await client.end();
    }
  });

  it('when the environment is invalid, then every bad variable is its own failed check', async () => {
    const checks = await runDoctorChecks({ env: { PORT: 'eighty', STORAGE_DRIVER: 's3' } });
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'env PORT',
      'env SPACES_ACCESS_KEY',
      'env SPACES_SECRET_KEY',
      'env SPACES_BUCKET',
      'env SPACES_REGION',
    ]);
  });
});
