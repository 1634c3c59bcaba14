import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AmbiguousApiKeyError, ApiKeyNotFoundError, ApiKeysRepository, hashApiKeyToken } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let keys: ApiKeysRepository;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_keys' });
  keys = new ApiKeysRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

describe('ApiKeysRepository', () => {
  it('when a key is created, then only the SHA-256 of its token is stored and the token finds the key', async () => {
    const { apiKey, token } = await keys.create({ owner: 'acme', name: 'ci' });
    expect(token).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ owner: 'acme', name: 'ci', prefix: token.slice(0, 8), lastUsedAt: null, revokedAt: null });
    const { rows } = await db.pool.query('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(rows[0].token_hash).toBe(hashApiKeyToken(token));
    expect(JSON.stringify(rows[0])).not.toContain(token);
    expect(await keys.findActiveByToken(token)).toEqual(apiKey);
    expect(await keys.findActiveByToken(`${token}x`)).toBeNull();
  });

  it('when a key is revoked by its prefix, then its token no longer finds it, and revoking again changes nothing', async () => {
    const { apiKey, token } = await keys.create({ owner: 'acme' });
    const revoked = await keys.revoke(apiKey.prefix);
    expect(revoked.id).toBe(apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await keys.findActiveByToken(token)).toBeNull();
    expect((await keys.revoke(apiKey.id)).revokedAt).toEqual(revoked.revokedAt);
  });

  it('when the reference matches nothing, or a prefix matches several keys, then revoke refuses', async () => {
    await expect(keys.revoke('rf_nope0')).rejects.toBeInstanceOf(ApiKeyNotFoundError);
    const a = await keys.create({ owner: 'x' });
    const b = await keys.create({ owner: 'y' });
    await db.pool.query(`UPDATE api_keys SET prefix = 'rf_same0' WHERE id = ANY($1)`, [[a.apiKey.id, b.apiKey.id]]);
    await expect(keys.revoke('rf_same0')).rejects.toBeInstanceOf(AmbiguousApiKeyError);
    expect(await keys.findActiveByToken(a.token)).not.toBeNull();
    expect((await keys.revoke(b.apiKey.id)).revokedAt).toBeInstanceOf(Date);
  });

  it('when a key is touched twice within a minute, then last_used_at is written once', async () => {
    const { apiKey } = await keys.create({ owner: 'acme' });
    await keys.touch(apiKey.id);
    const [first] = (await keys.list({ owner: 'acme' })).filter((k) => k.id === apiKey.id);
    expect(first!.lastUsedAt).toBeInstanceOf(Date);
    await keys.touch(apiKey.id);
    const [second] = (await keys.list({ owner: 'acme' })).filter((k) => k.id === apiKey.id);
    expect(second!.lastUsedAt).toEqual(first!.lastUsedAt);
  });

  it('when keys are listed for an owner, then only that owner’s keys come back, newest first', async () => {
    const older = await keys.create({ owner: 'listed' });
    const newer = await keys.create({ owner: 'listed' });
    expect((await keys.list({ owner: 'listed' })).map((k) => k.id)).toEqual([newer.apiKey.id, older.apiKey.id]);
  });

  it('when the owner is empty, then the database refuses the key', async () => {
    await expect(keys.create({ owner: '' })).rejects.toMatchObject({ code: '23514' });
  });
});
