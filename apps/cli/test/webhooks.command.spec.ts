import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { WebhookSecretsRepository } from '@reelforge/db';
import { freePort } from '@reelforge/process';
import { operatorKey, OwnerSecretsStore } from '@reelforge/webhooks';
import { clientCommand } from '../src/commands/client.commands.js';
import { formatDeliveries } from '../src/commands/webhooks.command.js';
import { parseDurationMs } from '../src/duration.parser.js';
import { ExitCode } from '../src/exit.codes.js';
import { captureIo } from './support.io.js';

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const io = captureIo(env);
  const code = await clientCommand(argv[0])!(argv.slice(1), io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('webhooks command usage', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    env = { REELFORGE_TOKEN: 't', REELFORGE_SERVER: `http://127.0.0.1:${await freePort()}` };
  });

  it.each([
    ['no action', ['webhooks']],
    ['an unknown action', ['webhooks', 'replay']],
    ['an unknown status', ['webhooks', 'deliveries', '--status', 'done']],
    ['a limit out of range', ['webhooks', 'deliveries', '--limit', '500']],
    ['redeliver without an id', ['webhooks', 'redeliver']],
    ['secret without an action', ['webhooks', 'secret']],
    ['secret create without an owner', ['webhooks', 'secret', 'create']],
    ['a secret for the reserved administrators', ['webhooks', 'secret', 'create', '--owner', '@admin']],
    ['an overlap that is not a duration', ['webhooks', 'secret', 'rotate', '--owner', 'acme', '--overlap', '1y']],
    ['an overlap on create', ['webhooks', 'secret', 'create', '--owner', 'acme', '--overlap', '1h']],
  ])('when called with %s, then it exits 2 with the usage', async (_case, argv) => {
    const result = await run(argv, env);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/reelforge: /);
  });

  it('when the server does not answer, then deliveries and redeliver exit 3', async () => {
    expect((await run(['webhooks', 'deliveries'], env)).code).toBe(ExitCode.unavailable);
    expect((await run(['webhooks', 'redeliver', 'abc'], env)).code).toBe(ExitCode.unavailable);
  });

  it('when durations are parsed, then s, m, h, d and 0 are understood and nothing else', () => {
    expect(['90s', '15m', '24h', '7d', '0'].map(parseDurationMs)).toEqual([90_000, 900_000, 86_400_000, 604_800_000, 0]);
    expect(['', '1y', '-1h', '1.5h', 'h'].map(parseDurationMs)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('when deliveries are listed for people, then each shows its last outcome, and the next page command', () => {
    const base = { owner: 'acme', jobId: 'j', eventId: 'evt', eventType: 'transcode.completed', url: 'https://x', redelivery: 0, createdAt: '2026-12-06T00:00:00.000Z' };
    const text = formatDeliveries({
      items: [
        { ...base, deliveryId: 'd1', status: 'delivered', attempt: 1, responseStatus: 204, error: null },
        { ...base, deliveryId: 'd2', status: 'failed', attempt: 1, responseStatus: null, error: 'webhook_secret_missing: no secret' },
      ],
      nextCursor: 'abc',
    });
    expect(text).toContain('HTTP 204');
    expect(text).toContain('webhook_secret_missing: no secret');
    expect(text).toMatch(/more: reelforge webhooks deliveries --cursor abc\n$/);
    expect(formatDeliveries({ items: [], nextCursor: null })).toBe('no webhook deliveries\n');
  });
});

describe('webhooks secret against the database', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'test_cli_whsec' });
    env = { DATABASE_URL: db.databaseUrl, DATABASE_SCHEMA: db.schema, WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex') };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('when a secret is created, then stdout holds only the secret, the database only its ciphertext, and a second create exits 1', async () => {
    const created = await run(['webhooks', 'secret', 'create', '--owner', 'acme'], env);
    expect(created.code).toBe(ExitCode.ok);
    expect(created.stdout).toMatch(/^whsec_[\w-]{43}\n$/);
    expect(created.stderr).toMatch(/created for owner "acme"/);
    const { rows } = await db.pool.query<{ secret_ciphertext: string }>('SELECT secret_ciphertext FROM webhook_secrets');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_ciphertext).not.toContain(created.stdout.trim().slice(6));

    const again = await run(['webhooks', 'secret', 'create', '--owner', 'acme'], env);
    expect(again.code).toBe(ExitCode.failed);
    expect(again.stderr).toMatch(/already has a webhook secret: use `reelforge webhooks secret rotate/);
  });

  it('when rotated with --overlap, then a new secret is printed and the old one signs until then; list never shows a secret', async () => {
    const before = Date.now();
    const rotated = await run(['webhooks', 'secret', 'rotate', '--owner', 'acme', '--overlap', '2h', '--json'], env);
    const after = Date.now();
    expect(rotated.code).toBe(ExitCode.ok);
    const body = JSON.parse(rotated.stdout) as { secret: string; retiring: { expiresAt: string }[] };
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.retiring).toHaveLength(1);
    // Two hours from the moment of the rotation, which lies between the two readings (a second of slack for rounding).
    const expiresAt = Date.parse(body.retiring[0]!.expiresAt);
    const TWO_HOURS_MS = 2 * 3_600_000;
    expect(expiresAt >= before + TWO_HOURS_MS - 1_000 && expiresAt <= after + TWO_HOURS_MS + 1_000).toBe(true);

    const listed = await run(['webhooks', 'secret', 'list', '--owner', 'acme', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ expiresAt: null }), expect.objectContaining({ expiresAt: body.retiring[0]!.expiresAt })]);
    expect(listed.stdout).not.toContain('whsec_');
    expect((await run(['webhooks', 'secret', 'list'], env)).stdout).toMatch(/acme .*signs until/);
  });

  it('when an owner without a secret is rotated, then it exits 1 and says to create one', async () => {
    const result = await run(['webhooks', 'secret', 'rotate', '--owner', 'globex'], env);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toMatch(/has no webhook secret to rotate/);
  });

  it('when WEBHOOK_SECRETS_KEY is not set, then create exits 78 and says how to make one', async () => {
    const result = await run(['webhooks', 'secret', 'create', '--owner', 'initech'], { DATABASE_URL: db.databaseUrl, DATABASE_SCHEMA: db.schema });
    expect(result.code).toBe(ExitCode.config);
    expect(result.stderr).toMatch(/WEBHOOK_SECRETS_KEY is not set.*openssl rand -hex 32/);
  });

  it('when the operator key changes to "new,old" and reseal runs, then every secret opens with the new key alone', async () => {
    const oldKey = env.WEBHOOK_SECRETS_KEY!;
    const newKey = randomBytes(32);
    const both = { ...env, WEBHOOK_SECRETS_KEY: `${newKey.toString('base64')},${oldKey}` };
    const resealed = await run(['webhooks', 'secret', 'reseal', '--json'], both);
    expect(resealed.code).toBe(ExitCode.ok);
    expect(JSON.parse(resealed.stdout)).toEqual({ resealed: 2, keyId: operatorKey(newKey).id });
    const listed = JSON.parse((await run(['webhooks', 'secret', 'list', '--owner', 'acme', '--json'], both)).stdout) as { keyId: string }[];
    expect(listed.map((s) => s.keyId)).toEqual([operatorKey(newKey).id, operatorKey(newKey).id]);

    const newOnly = new OwnerSecretsStore(new WebhookSecretsRepository(db.pool), [operatorKey(newKey)]);
    expect(await newOnly.activeSecrets('acme')).toHaveLength(2);
    expect(JSON.parse((await run(['webhooks', 'secret', 'reseal', '--json'], both)).stdout)).toMatchObject({ resealed: 0 });
  });
});
