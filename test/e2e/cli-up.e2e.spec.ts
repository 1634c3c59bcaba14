import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createId } from '@paralleldrive/cuid2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { CLI_COMMAND, cliEnv, REPO_ROOT, runCli } from '../support/cli.runner.js';
import { parsePrometheusText } from '../support/prometheus.parser.js';
import { TEST_TOKEN } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const WORKER_LINE = /^\[reelforge\] Worker (\d+):\s+(http:\/\/\S+\/healthz)/gm;

interface UpRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `npm start -- --workers N` as the CLI runs it, on this test's schema, queue prefix and scratch directory. */
function startUp(args: string[], env: Record<string, string>): UpRun {
  const [node, ...nodeArgs] = CLI_COMMAND as [string, ...string[]];
  const child = spawn(node, [...nodeArgs, 'up', ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const answers = (url: string): Promise<number> =>
  fetch(url).then(
    async (res) => {
      await res.body?.cancel();
      return res.status;
    },
    () => 0,
  );

describe('reelforge up --workers N (npm start -- --workers N)', () => {
  let db: TestDatabase;
  let scratch: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'cli_up' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-cli-up-'));
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL!,
      QUEUE_PREFIX: `rf-${createId().slice(0, 12)}`,
      API_TOKENS: TEST_TOKEN,
      EMBEDDED_DIR: scratch,
      STORAGE_DIR: path.join(scratch, 'storage'),
    };
  });
  afterAll(async () => {
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when started with --workers 2, then two worker processes answer on their own health and metrics ports, and Ctrl-C stops all of them', async () => {
    const port = await freePort();
    const up = startUp(['--workers', '2'], { ...env, PORT: String(port) });
    try {
      const urls = await waitFor(
        'both worker lines of `up`',
        async () => {
          if (up.child.exitCode !== null) throw new Error(`up exited early (${up.child.exitCode}):\n${up.output()}`);
          const found = [...up.output().matchAll(WORKER_LINE)].map((m) => [Number(m[1]), m[2]!] as const);
          return found.length === 2 ? found : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      expect(urls.map(([n]) => n)).toEqual([1, 2]);
      const [first, second] = urls.map(([, url]) => url);
      expect(new URL(first!).port).not.toBe(new URL(second!).port);
      for (const url of [first!, second!]) {
        expect(await answers(url)).toBe(200);
        const metrics = await fetch(url.replace(/\/healthz$/, '/metrics'));
        expect(metrics.status).toBe(200);
        expect(parsePrometheusText(await metrics.text()).value('reelforge_worker_concurrency')).toBe(1);
      }
      expect(await answers(`http://127.0.0.1:${port}/readyz`)).toBe(200);

      up.child.kill('SIGINT');
      expect(await up.exited).toBe(0);
      for (const url of [first!, second!, `http://127.0.0.1:${port}/readyz`]) expect(await answers(url)).toBe(0);
    } finally {
      if (up.child.exitCode === null) up.child.kill('SIGKILL');
    }
  }, 150_000);

  it.each([['0'], ['-2'], ['two'], ['1.5'], ['17']])('when --workers is %s, then up refuses it with exit code 2 and starts nothing', async (value) => {
    const run = await runCli(['up', `--workers=${value}`], env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`[reelforge] --workers must be a whole number from 1 to 16 (got "${value}")\n`);
  });

  it('when --workers is given to another command, then it is refused with exit code 2', async () => {
    const run = await runCli(['migrate', '--workers', '2'], env);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('--workers applies to the up command only');
  });
});
