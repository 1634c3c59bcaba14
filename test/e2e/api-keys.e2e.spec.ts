import { openAsBlob } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { JobsPageSchema, type JobsPage } from '../../apps/api/src/media/jobs-list.schema.js';
import { auth } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

describe('API keys: owner-scoped access and the job list', () => {
  let stack: TestStack;
  let keys: ApiKeysRepository;
  let source: string;
  let alice: string;
  let bob: string;

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (path: string, token: string) => fetch(`${stack.baseUrl}${path}`, { headers: as(token) });
  const upload = async (token: string): Promise<string> => {
    const form = new FormData();
    form.append('file', await openAsBlob(source), 'clip.mp4');
    const res = await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST', headers: as(token), body: form });
    expect(res.status).toBe(201);
    return ((await res.json()) as { fileId: string }).fileId;
  };
  const submit = (token: string, fileId: string) =>
    fetch(`${stack.baseUrl}/api/media/transcode`, {
      method: 'POST',
      headers: { ...as(token), 'content-type': 'application/json' },
      body: JSON.stringify({ fileId }),
    });
  const list = async (token: string, query = ''): Promise<JobsPage> => {
    const res = await get(`/api/media/jobs${query}`, token);
    expect(res.status).toBe(200);
    return JobsPageSchema.parse(await res.json());
  };

  beforeAll(async () => {
    // No worker: jobs stay queued, which is all the listing needs.
    stack = await startTestStack({ worker: false });
    keys = new ApiKeysRepository(stack.db.pool);
    alice = (await keys.create({ owner: 'alice', name: 'laptop' })).token;
    bob = (await keys.create({ owner: 'bob' })).token;
    source = await makeFixture('tiny-240p', { durationS: 1 });
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  it("when one owner asks for another owner's file or job, then it does not exist for them (404)", async () => {
    const fileId = await upload(alice);
    expect((await submit(alice, fileId)).status).toBe(202);
    expect((await get(`/api/media/transcode/${fileId}`, alice)).status).toBe(200);

    const peek = await get(`/api/media/transcode/${fileId}`, bob);
    expect(peek.status).toBe(404);
    expect(await peek.json()).toMatchObject({ code: 'file_not_found' });
    expect((await submit(bob, fileId)).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: as(bob) })).status).toBe(404);
    // The installation token (API_TOKENS) sees everything.
    expect((await get(`/api/media/transcode/${fileId}`, auth.authorization.slice('Bearer '.length))).status).toBe(200);
  });

  it('when jobs are listed, then each key sees only its owner’s jobs, paged newest first', async () => {
    const aliceFiles = [await upload(alice), await upload(alice), await upload(alice)];
    for (const fileId of aliceFiles) expect((await submit(alice, fileId)).status).toBe(202);
    const bobFile = await upload(bob);
    expect((await submit(bob, bobFile)).status).toBe(202);
    const { rows } = await stack.db.pool.query<{ id: string; owner: string }>('SELECT id, owner FROM transcoding_jobs ORDER BY created_at DESC, id DESC');
    const aliceJobs = rows.filter((r) => r.owner === 'alice').map((r) => r.id);
    expect(aliceJobs).toHaveLength(4);

    const first = await list(alice, '?limit=3');
    expect(first.items.map((j) => j.jobId)).toEqual(aliceJobs.slice(0, 3));
    expect(first.nextCursor).not.toBeNull();
    const second = await list(alice, `?limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((j) => j.jobId)).toEqual(aliceJobs.slice(3));
    expect(second.nextCursor).toBeNull();

    expect((await list(bob)).items.map((j) => j.fileId)).toEqual([bobFile]);
    expect((await list(alice, '?status=completed')).items).toEqual([]);
    expect((await list(alice, '?status=queued')).items).toHaveLength(4);
    expect((await list(auth.authorization.slice('Bearer '.length))).items).toHaveLength(rows.length);
  });

  it('when the query is malformed, then it is a 400 problem naming the reason', async () => {
    const badCursor = await get('/api/media/jobs?cursor=not-a-cursor', alice);
    expect(badCursor.status).toBe(400);
    expect(await badCursor.json()).toMatchObject({ code: 'invalid_cursor' });
    for (const query of ['?limit=0', '?limit=101', '?status=done', '?state=queued']) {
      const res = await get(`/api/media/jobs${query}`, alice);
      expect({ query, status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ query, status: 400, code: 'invalid_request' });
    }
  });

  it('when a key is revoked, then its token is refused with 401 at once', async () => {
    const { apiKey, token } = await keys.create({ owner: 'carol' });
    expect((await get('/api/media/jobs', token)).status).toBe(200);
    await keys.revoke(apiKey.prefix);
    const refused = await get('/api/media/jobs', token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'unauthorized' });
    expect((await get('/api/media/jobs', 'rf_madeUpTokenThatIsNotInTheDatabase0000000000')).status).toBe(401);
  });

  it('when a key is used, then its last use is recorded', async () => {
    const { apiKey, token } = await keys.create({ owner: 'dave' });
    await get('/api/media/jobs', token);
    const used = await waitFor('last_used_at', async () => (await keys.list({ owner: 'dave' })).find((k) => k.id === apiKey.id && k.lastUsedAt !== null));
    expect(used.lastUsedAt!.getTime()).toBeGreaterThan(apiKey.createdAt.getTime() - 1_000);
  });
});
