import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookSecretsRepository, type NewWebhookSecret } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let secrets: WebhookSecretsRepository;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_wh_secrets' });
  secrets = new WebhookSecretsRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

const sealed = (owner: string): NewWebhookSecret => {
  counter += 1;
  return { id: `sec_${counter}`, owner, keyId: 'k1', ciphertext: `v1.k1.iv.tag.ct${counter}` };
};

describe('WebhookSecretsRepository', () => {
  it('when an owner has no secret, then anyActive is false and its first one is created; a second create is refused', async () => {
    expect(await secrets.anyActive()).toBe(false);
    const first = await secrets.createFirst(sealed('acme'));
    expect(first).toMatchObject({ owner: 'acme', keyId: 'k1', expiresAt: null });
    expect(await secrets.createFirst(sealed('acme'))).toBeNull();
    expect(await secrets.anyActive()).toBe(true);
    expect((await secrets.listActive('acme')).map((s) => s.id)).toEqual([first!.id]);
  });

  it('when a secret is rotated with an overlap, then both are active, newest first, and the old one ends then', async () => {
    const [old] = await secrets.listActive('acme');
    const rotated = await secrets.rotate(sealed('acme'), 3_600_000);
    expect(rotated!.retiring.map((s) => s.id)).toEqual([old!.id]);
    const active = await secrets.listActive('acme');
    expect(active.map((s) => s.id)).toEqual([rotated!.secret.id, old!.id]);
    const overlapMs = active[1]!.expiresAt!.getTime() - rotated!.secret.createdAt.getTime();
    expect(overlapMs).toBeGreaterThan(3_500_000);
    expect(overlapMs).toBeLessThanOrEqual(3_600_000);
  });

  it('when rotated again with no overlap, then only the newest signs, and no expiry is pushed later', async () => {
    const rotated = await secrets.rotate(sealed('acme'), 0);
    expect((await secrets.listActive('acme')).map((s) => s.id)).toEqual([rotated!.secret.id]);
    expect((await secrets.list({ owner: 'acme' })).length).toBe(3);
  });

  it('when an owner without a secret is rotated, then nothing is made', async () => {
    expect(await secrets.rotate(sealed('nobody'), 1_000)).toBeNull();
    expect(await secrets.list({ owner: 'nobody' })).toEqual([]);
  });
});
