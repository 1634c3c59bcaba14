import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { CLI_COMMAND, cliEnv, REPO_ROOT, runCli } from '../support/cli.runner.js';
import { TEST_TOKEN, startTestStack, type TestStack } from '../support/test-stack.js';
import { itWithTmux, startTmux } from '../support/tmux.session.js';

/** Where the pseudo-terminal capture of the progress bar is kept for people to look at. */
const CAPTURE_FILE = path.join(REPO_ROOT, '.reelforge', 'captures', 'cli-progress.txt');
const BAR_LINE = /^(\w+)\s+\[([#.]{30})\]\s+(\d+\.\d)%(?:\s+ETA \d+:\d\d)?$/m;

describe('the reelforge CLI against a running API and worker', () => {
  let stack: TestStack;
  let clip: string;
  let noTokenDir: string;
  let client: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack();
    clip = await makeFixture('small-360p', { durationS: 2 });
    noTokenDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-cli-'));
    client = { REELFORGE_SERVER: stack.baseUrl, REELFORGE_TOKEN: TEST_TOKEN };
  });
  afterAll(async () => {
    await stack.stop();
    await rm(noTokenDir, { recursive: true, force: true });
    await cleanupFixtures();
  });

  it('when a file is transcoded with --json, then it exits 0 with the completed job, which status and jobs also report', async () => {
    const run = await runCli(['transcode', clip, '--json', '--ladder', '{"rungs":[{"height":240}],"segmentSeconds":1,"preset":"ultrafast"}'], client);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const final = JSON.parse(run.stdout) as { fileId: string; jobId: string; status: string; hlsUrl: string; renditions: { name: string }[] };
    expect(final).toMatchObject({ status: 'completed', error: null });
    // PUBLIC_BASE_URL is not set in the test stack, so URLs name the default port; the file is served here.
    expect(new URL(final.hlsUrl).pathname).toBe(`/media/hls/${final.fileId}/${final.jobId}/1/master.m3u8`);
    expect(final.renditions.map((r) => r.name)).toEqual(['240p', 'audio']);
    expect((await fetch(`${stack.baseUrl}${new URL(final.hlsUrl).pathname}`)).status).toBe(200);

    const status = await runCli(['status', final.fileId, '--json'], client);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ fileId: final.fileId, jobId: final.jobId, status: 'completed', progress: 100 });

    const jobs = await runCli(['jobs', '--json', '--status', 'completed', '--limit', '5'], client);
    expect(jobs.code).toBe(0);
    expect((JSON.parse(jobs.stdout) as { items: { jobId: string }[] }).items.map((j) => j.jobId)).toContain(final.jobId);
  });

  it('when the job fails, then transcode exits 1 and --json carries the error', async () => {
    const run = await runCli(['transcode', await makeFixture('corrupt'), '--json'], client);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', hlsUrl: null, error: { code: 'invalid_media' } });
  });

  it('when keys are created and revoked, then the key works until it is revoked and sees only its own jobs', async () => {
    const database = { DATABASE_URL: stack.db.databaseUrl, DATABASE_SCHEMA: stack.db.schema };
    const created = await runCli(['keys', 'create', '--owner', 'acme', '--name', 'ci', '--json'], database);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; prefix: string; token: string; owner: string };
    expect(key).toMatchObject({ owner: 'acme', name: 'ci', revokedAt: null });
    expect(key.token.startsWith(key.prefix)).toBe(true);

    const asAcme = { REELFORGE_SERVER: stack.baseUrl, REELFORGE_TOKEN: key.token };
    const listed = await runCli(['jobs', '--json'], asAcme);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ items: [], nextCursor: null });

    const revoked = await runCli(['keys', 'revoke', key.prefix, '--json'], database);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    const refused = await runCli(['jobs', '--json'], asAcme);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'unauthorized', exitCode: 3 } });

  });

  it('when the token is wrong or missing, then the exit code is 3 or 78 (the other codes are covered in apps/cli/test)', async () => {
    const [wrong, missing] = await Promise.all([
      runCli(['jobs', '--json'], { ...client, REELFORGE_TOKEN: 'not-a-token' }),
      runCli(['jobs'], { REELFORGE_SERVER: stack.baseUrl, EMBEDDED_DIR: noTokenDir }),
    ]);
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { code: 'unauthorized', exitCode: 3 } });
    expect(missing).toMatchObject({ code: 78, stdout: '', stderr: expect.stringMatching(/No API token/) });
  });

  it('when the token comes from .reelforge/dev-token, then no flag or variable is needed', async () => {
    await mkdir(path.join(noTokenDir, 'dev'), { recursive: true });
    await writeFile(path.join(noTokenDir, 'dev', 'dev-token'), `${TEST_TOKEN}\n`);
    const run = await runCli(['jobs', '--json', '--limit', '1'], { REELFORGE_SERVER: stack.baseUrl, EMBEDDED_DIR: path.join(noTokenDir, 'dev') });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { items: unknown[] }).items).toHaveLength(1);
  });

  itWithTmux('when transcode runs in a terminal, then it draws one live progress line and ends with the master URL', async () => {
    const session = await startTmux([...CLI_COMMAND, 'transcode', clip], cliEnv(client), { cwd: REPO_ROOT, width: 100, height: 8 });
    const frames: string[] = [];
    try {
      const deadline = Date.now() + 60_000;
      while (!frames.at(-1)?.includes('[exit ')) {
        if (Date.now() > deadline) throw new Error(`no exit within 60 s; screen:\n${frames.at(-1)}`);
        const screen = await session.capture();
        if (screen !== '' && screen !== frames.at(-1)) frames.push(screen);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await session.close();
    }
    await mkdir(path.dirname(CAPTURE_FILE), { recursive: true });
    await writeFile(CAPTURE_FILE, frames.map((f, i) => `--- frame ${i + 1}${i === frames.length - 1 ? ' (final)' : ''} ---\n${f}\n`).join('\n'));

    const final = frames.at(-1)!.split('\n');
    expect(final.at(-1)).toBe('[exit 0]');
    expect(final.at(-2)).toMatch(/^http:\/\/[\w.:]+\/media\/hls\/\w+\/\w+\/1\/master\.m3u8$/);
    // The bar is redrawn in place: exactly one bar line on screen at any time, and it never goes back.
    const bars = frames.map((f) => f.split('\n').filter((line) => BAR_LINE.test(line)));
    for (const lines of bars.filter((l) => l.length > 0)) expect(lines).toHaveLength(1);
    const percents = bars.flat().map((line) => Number(BAR_LINE.exec(line)![3]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(bars.flat().at(-1)).toMatch(/^done\s+\[#{30}\]\s+100\.0%$/);
  });
});
