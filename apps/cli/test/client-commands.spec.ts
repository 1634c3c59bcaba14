import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { clientCommand } from '../src/commands/client.commands.js';
import { ExitCode } from '../src/exit.codes.js';
import { captureIo } from './support.io.js';

let dir: string;
let clip: string;
let closedServer: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-cli-unit-'));
  clip = path.join(dir, 'clip.mp4');
  await writeFile(clip, 'not really a video; these cases stop before the upload');
  closedServer = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = { REELFORGE_TOKEN: 't', REELFORGE_SERVER: closedServer }) {
  const io = captureIo(env, dir);
  const code = await clientCommand(argv[0])!(argv.slice(1), io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('client command exit codes', () => {
  it.each([
    ['transcode without a file', ['transcode']],
    ['transcode of a file that does not exist', ['transcode', 'missing.mp4']],
    ['a ladder that is not JSON', ['transcode', 'clip.mp4', '--ladder', '{rungs']],
    ['a ladder with a rung too small', ['transcode', 'clip.mp4', '--ladder', '{"rungs":[{"height":5}]}']],
    ['an unknown option', ['jobs', '--colour']],
    ['a limit out of range', ['jobs', '--limit', '0']],
    ['an unknown status', ['jobs', '--status', 'done']],
    ['status without a file id', ['status']],
    ['a server that is not a URL', ['jobs', '--server', 'localhost']],
    ['keys without an action', ['keys']],
    ['keys create without an owner', ['keys', 'create']],
    ['an owner with spaces', ['keys', 'create', '--owner', 'a b']],
  ])('when called with %s, then it exits 2 before any request', async (_case, argv) => {
    const result = await run(argv);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/^reelforge: /);
  });

  it('when no token is given anywhere, then it exits 78 and says where a token comes from', async () => {
    const result = await run(['jobs', '--json'], { EMBEDDED_DIR: path.join(dir, 'empty') });
    expect(result.code).toBe(ExitCode.config);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'config', message: expect.stringMatching(/REELFORGE_TOKEN/), exitCode: 78 } });
  });

  it('when the server does not answer, then it exits 3', async () => {
    const result = await run(['status', 'abc', '--json']);
    expect(result.code).toBe(ExitCode.unavailable);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'unreachable', exitCode: 3 } });
  });

  it('when --help is asked for, then the usage goes to stdout with exit 0', async () => {
    for (const name of ['transcode', 'status', 'jobs', 'keys', 'usage']) {
      const result = await run([name, '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^reelforge ${name}`));
    }
  });
});

describe('keys against the database', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'test_cli_keys' });
    env = { DATABASE_URL: db.databaseUrl, DATABASE_SCHEMA: db.schema };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('when a key is created without --json, then stdout holds only the token and stderr says whose it is', async () => {
    const result = await run(['keys', 'create', '--owner', 'acme'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rf_[\w-]{43}\n$/);
    expect(result.stderr).toMatch(/created for owner "acme"/);
    const listed = await run(['keys', 'list', '--owner', 'acme', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ owner: 'acme', prefix: result.stdout.slice(0, 8), revokedAt: null })]);
    expect(listed.stdout).not.toContain(result.stdout.trim());
  });

  it('when the key to revoke does not exist, then it exits 1', async () => {
    const result = await run(['keys', 'revoke', 'rf_nope0', '--json'], env);
    expect(result.code).toBe(ExitCode.failed);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'api_key_not_found', exitCode: 1 } });
  });

  it('when the database does not answer, then it exits 3', async () => {
    const result = await run(['keys', 'list'], { DATABASE_URL: `postgres://u:p@127.0.0.1:${await freePort()}/db` });
    expect(result.code).toBe(ExitCode.unavailable);
    expect(result.stderr).toMatch(/Cannot reach the database/);
  });

  it('when the database has no api_keys table, then it exits 78 and says to migrate', async () => {
    const result = await run(['keys', 'list'], { DATABASE_URL: db.databaseUrl, DATABASE_SCHEMA: 'public_no_such_schema' });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toMatch(/reelforge migrate/);
  });
});
