import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const bundle = (app: string) => path.join(root, 'apps', app, 'dist', 'main.js');

/** The Docker images run these bundles; this proves they start outside the source tree's tsx. */
describe('production bundles', () => {
  let db: TestDatabase;
  let scratch: string;

  beforeAll(async () => {
    for (const app of ['api', 'worker', 'cli']) await run(process.execPath, [path.join(root, 'tools', 'build-app.mjs'), app], { cwd: root });
    await run(process.execPath, [path.join(root, 'tools', 'build-web.mjs')], { cwd: root });
    db = await createTestDatabase({ prefix: 'bundle' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-bundle-'));
  }, 120_000);
  afterAll(async () => {
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when the api and worker bundles are built, then no development-only embedded service is in them', async () => {
    for (const app of ['api', 'worker']) {
      const { sources } = JSON.parse(await readFile(`${bundle(app)}.map`, 'utf8')) as { sources: string[] };
      expect(sources.filter((source) => /\/embedded[-/]/.test(source))).toEqual([]);
      expect(sources).toContainEqual(expect.stringMatching(/libs\/process\/src\/orphan\.guard\.ts$/));
    }
  });

  it('when the cli bundle runs migrate, then it finds the migrations and reports the schema current', async () => {
    const { stdout, stderr } = await run(process.execPath, [bundle('cli'), 'migrate'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.databaseUrl, DATABASE_SCHEMA: db.schema },
    });
    expect(stdout + stderr).toContain('database is up to date');
  });

  it('when the worker bundle starts in production without its services, then it exits 78 naming each variable', async () => {
    const result = await run(process.execPath, [bundle('worker')], { cwd: root, env: { PATH: process.env.PATH, NODE_ENV: 'production' } }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(result).toMatchObject({ code: 78 });
    expect((result as { stderr: string }).stderr).toMatch(/DATABASE_URL: required in production[\s\S]*REDIS_URL: required in production/);
  });

  it('when the api bundle starts with real services, then /healthz, /readyz and /app answer and SIGTERM exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [bundle('api')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: db.databaseUrl,
        DATABASE_SCHEMA: db.schema,
        REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL,
        QUEUE_PREFIX: 'bundle-test',
        // Production refuses API tokens shorter than 32 characters.
        API_TOKENS: 'bundle-test-token-0123456789abcdef',
        STORAGE_DIR: path.join(scratch, 'storage'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      let ready: Response | undefined;
      while (Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready?.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // The web app's bundle is found under the working directory, where the image copies it.
      expect((await fetch(`http://127.0.0.1:${port}/app`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
