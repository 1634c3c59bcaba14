import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ADMIN_OWNER, ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { buildOpenApiDocument } from '../../apps/api/src/openapi/openapi.document.js';
import { auth, bearer } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { OWNER_MATRIX, type FileState, type MatrixClient, type OwnerScope, type Principal } from './owner-matrix.routes.js';

type FileRow = Extract<OwnerScope, { scope: 'file' }>;

/** An answer reduced to what a client can compare: status, and the body with the file id masked. */
interface Answer {
  status: number;
  body: unknown;
}

/** Reads an answer without hanging on a live event stream (which never ends by itself). */
async function answerOf(res: Response, fileId?: string): Promise<Answer> {
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, body: 'event-stream' };
  }
  const text = await res.text();
  const masked = fileId ? text.split(fileId).join('<id>') : text;
  return { status: res.status, body: masked === '' ? null : (JSON.parse(masked) as unknown) };
}

const documentedRoutes = (): string[] =>
  Object.entries(buildOpenApiDocument().paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));

const rowsOf = <S extends OwnerScope['scope']>(scope: S) =>
  Object.entries(OWNER_MATRIX).filter((entry): entry is [string, Extract<OwnerScope, { scope: S }>] => entry[1].scope === scope);

/**
 * Two owners (alice, bob: API keys) and an administrator (a token from API_TOKENS), on every route of
 * the OpenAPI document, in both directions. No worker: jobs stay where the test puts them.
 */
describe('the owner matrix: every route, two owners and an administrator', () => {
  let stack: TestStack;
  let client: MatrixClient;
  const tokens = {} as Record<Principal, Record<string, string>>;

  const upload = async (as: Principal): Promise<string> => {
    const create = OWNER_MATRIX['POST /api/media/upload'];
    if (create?.scope !== 'creates') throw new Error('the upload row must be a creates row');
    return create.create(client, as);
  };
  const post = (path: string, as: Principal, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...tokens[as], 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** A fresh file of `owner`, brought to `state` by its owner. */
  const fileIn = async (owner: Principal, state: FileState): Promise<string> => {
    const fileId = await upload(owner);
    if (state === 'uploaded') return fileId;
    expect((await post('/api/media/transcode', owner, { fileId })).status).toBe(202);
    if (state === 'queued') return fileId;
    expect((await post(`/api/media/transcode/${fileId}/cancel`, owner)).status).toBe(202);
    return fileId;
  };
  /** What the owner sees of a file: the reference that a refused request must leave unchanged. */
  const seenByOwner = async (fileId: string, owner: Principal) => {
    const res = await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: tokens[owner] });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    // S3 storage (s3rver): direct uploads exist only there; every other route works the same on it.
    stack = await startTestStack({ worker: false, storage: 's3' });
    const keys = new ApiKeysRepository(stack.db.pool);
    tokens.alice = bearer((await keys.create({ owner: 'alice' })).token);
    tokens.bob = bearer((await keys.create({ owner: 'bob' })).token);
    tokens.admin = auth;
    client = { baseUrl: stack.baseUrl, headers: (principal) => tokens[principal], source: await makeFixture('tiny-240p', { durationS: 1 }), pool: stack.db.pool };
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  it('when the OpenAPI document and the matrix are compared, then every route has exactly one row', () => {
    const documented = documentedRoutes();
    const missing = documented.filter((route) => !(route in OWNER_MATRIX));
    const stale = Object.keys(OWNER_MATRIX).filter((route) => !documented.includes(route));
    if (missing.length > 0) {
      throw new Error(
        `Routes in the OpenAPI document without a row in OWNER_MATRIX (test/e2e/owner-matrix.routes.ts): ${missing.join(', ')}. ` +
          'Add one saying how each is scoped to owners (file, list, creates, owned, ownedList, admin) or why it is public/operator-only.',
      );
    }
    expect(stale).toEqual([]);
  });

  it('when a row says a route is owner-scoped, then the document guards it with the bearer token, and a public route with none', () => {
    const document = buildOpenApiDocument();
    for (const [route, row] of Object.entries(OWNER_MATRIX)) {
      const [method, path] = route.split(' ') as [string, string];
      const security = (document.paths[path]?.[method.toLowerCase()] as { security: object[] } | undefined)?.security;
      const expected = row.scope === 'public' ? [] : row.scope === 'operator' ? expect.any(Array) : [{ bearerAuth: [] }];
      expect({ route, security }).toEqual({ route, security: expected });
      if (row.scope === 'public' || row.scope === 'operator') expect(row.why.length).toBeGreaterThan(20);
    }
  });

  describe.each(rowsOf('file'))('%s (owner-scoped by the file it names)', (route, row: FileRow) => {
    it("when a key names another owner's file or an API_TOKENS file, then the answer is the 404 of an unknown id and nothing changes", async () => {
      const missingId = createId();
      const missing = await answerOf(await row.call(client, missingId, 'alice'), missingId);
      expect(missing).toMatchObject({ status: 404, body: { code: 'file_not_found' } });

      const files: Record<Principal, string> = { alice: await fileIn('alice', row.state), bob: await fileIn('bob', row.state), admin: await fileIn('admin', row.state) };
      const before = await Promise.all((['alice', 'bob', 'admin'] as const).map((owner) => seenByOwner(files[owner], owner)));
      const refused: [Principal, Principal][] = [
        ['bob', 'alice'],
        ['alice', 'bob'],
        ['alice', 'admin'],
        ['bob', 'admin'],
      ];
      for (const [caller, owner] of refused) {
        const answer = await answerOf(await row.call(client, files[owner], caller), files[owner]);
        expect({ route, caller, owner, answer }).toEqual({ route, caller, owner, answer: missing });
      }
      expect(await Promise.all((['alice', 'bob', 'admin'] as const).map((owner) => seenByOwner(files[owner], owner)))).toEqual(before);
    });

    it('when the owner or an administrator calls it, then it is allowed', async () => {
      const allowed: [Principal, Principal][] = [
        ['alice', 'alice'],
        ['bob', 'bob'],
        ['admin', 'alice'],
        ['admin', 'admin'],
      ];
      for (const [caller, owner] of allowed) {
        const fileId = await fileIn(owner, row.state);
        const { status } = await answerOf(await row.call(client, fileId, caller), fileId);
        expect({ route, caller, owner, status }).toEqual({ route, caller, owner, status: row.allowed });
      }
    });
  });

  describe.each(rowsOf('list'))('%s (lists rows)', (route, row) => {
    it("when each caller lists, then a key sees its owner's rows only and an administrator sees everyone's", async () => {
      const files = { alice: await fileIn('alice', 'queued'), bob: await fileIn('bob', 'queued'), admin: await fileIn('admin', 'queued') };
      const seen = { alice: await row.list(client, 'alice'), bob: await row.list(client, 'bob'), admin: await row.list(client, 'admin') };
      expect({ route, alice: seen.alice.includes(files.alice), bob: seen.bob.includes(files.bob) }).toEqual({ route, alice: true, bob: true });
      const { rows } = await stack.db.pool.query<{ id: string; owner: string }>('SELECT id, owner FROM files');
      const ownerOf = new Map(rows.map((r) => [r.id, r.owner]));
      expect(new Set(seen.alice.map((id) => ownerOf.get(id)))).toEqual(new Set(['alice']));
      expect(new Set(seen.bob.map((id) => ownerOf.get(id)))).toEqual(new Set(['bob']));
      expect(Object.values(files).every((id) => seen.admin.includes(id))).toBe(true);
    });
  });

  describe.each(rowsOf('creates'))('%s (creates a row)', (route, row) => {
    it("when each caller creates one, then it belongs to the caller: a key's to its owner, an administrator's to @admin", async () => {
      for (const creator of ['alice', 'bob', 'admin'] as const) {
        const fileId = await row.create(client, creator);
        const { rows } = await stack.db.pool.query<{ owner: string }>('SELECT owner FROM files WHERE id = $1', [fileId]);
        expect({ route, creator, owner: rows[0]?.owner }).toEqual({ route, creator, owner: creator === 'admin' ? ADMIN_OWNER : creator });
        const visible = async (as: Principal) => (await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: tokens[as] })).status;
        expect({ creator, alice: await visible('alice'), bob: await visible('bob'), admin: await visible('admin') }).toEqual({
          creator,
          alice: creator === 'alice' ? 200 : 404,
          bob: creator === 'bob' ? 200 : 404,
          admin: 200,
        });
      }
    });
  });

  describe.each(rowsOf('owned'))('%s (owner-scoped by the row it names)', (route, row) => {
    it("when a key names another owner's row, then it is a 404; the owner and an administrator get through", async () => {
      const status = async (owner: Principal, as: Principal) => {
        const res = await row.call(client, await row.make(client, owner), as);
        if (res.status !== 404) return res.status;
        // A HEAD answer carries no body: its status is all there is to compare.
        const text = await res.text();
        return text === '' ? refused : `404 ${(JSON.parse(text) as { code?: string }).code ?? ''}`;
      };
      const refused = `404 ${row.notFoundCode}`;
      expect({
        route,
        bobOnAlice: await status('alice', 'bob'),
        aliceOnAdmin: await status('admin', 'alice'),
        aliceOnAlice: await status('alice', 'alice'),
        adminOnBob: await status('bob', 'admin'),
      }).toEqual({ route, bobOnAlice: refused, aliceOnAdmin: refused, aliceOnAlice: row.allowed, adminOnBob: row.allowed });
    });
  });

  describe.each(rowsOf('ownedList'))('%s (lists rows other than files)', (route, row) => {
    it("when each caller lists, then a key sees its owner's rows only and an administrator sees everyone's", async () => {
      const made = { alice: await row.make(client, 'alice'), bob: await row.make(client, 'bob'), admin: await row.make(client, 'admin') };
      const seen = { alice: await row.list(client, 'alice'), bob: await row.list(client, 'bob'), admin: await row.list(client, 'admin') };
      const sees = (as: Principal) => ({ alice: seen[as].includes(made.alice), bob: seen[as].includes(made.bob), admin: seen[as].includes(made.admin) });
      expect({ route, alice: sees('alice'), bob: sees('bob'), admin: sees('admin') }).toEqual({
        route,
        alice: { alice: true, bob: false, admin: false },
        bob: { alice: false, bob: true, admin: false },
        admin: { alice: true, bob: true, admin: true },
      });
    });
  });

  // A loop, not describe.each: there may be no such route yet.
  for (const [route, row] of rowsOf('admin')) {
    describe(`${route} (administrators only)`, () => {
      it('when a key calls it, then it is refused; when an administrator does, then it is allowed', async () => {
        const statuses = { alice: 0, bob: 0, admin: 0 };
        for (const as of ['alice', 'bob', 'admin'] as const) statuses[as] = (await answerOf(await row.call(client, as))).status;
        expect({ route, ...statuses }).toEqual({ route, alice: row.refused, bob: row.refused, admin: row.allowed });
      });
    });
  }

  it('when a file was uploaded with an API_TOKENS token, then no key can read, transcode, stream, cancel, retry, delete or list it', async () => {
    const fileId = await fileIn('admin', 'queued');
    for (const as of ['alice', 'bob'] as const) {
      const answers = {
        status: (await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers: tokens[as] })).status,
        file: (await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: tokens[as] })).status,
        events: (await answerOf(await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/events`, { headers: tokens[as] }), fileId)).status,
        transcode: (await post('/api/media/transcode', as, { fileId, webhookUrl: 'https://hooks.example.com/steal' })).status,
        cancel: (await post(`/api/media/transcode/${fileId}/cancel`, as)).status,
        retry: (await post(`/api/media/transcode/${fileId}/retry`, as)).status,
        delete: (await fetch(`${stack.baseUrl}/api/media/${fileId}`, { method: 'DELETE', headers: tokens[as] })).status,
        listed: (await (await fetch(`${stack.baseUrl}/api/media/jobs?limit=100`, { headers: tokens[as] })).json() as { items: { fileId: string }[] }).items.some(
          (job) => job.fileId === fileId,
        ),
      };
      expect({ as, ...answers }).toEqual({ as, status: 404, file: 404, events: 404, transcode: 404, cancel: 404, retry: 404, delete: 404, listed: false });
    }
    const jobs = await stack.db.pool.query<{ status: string; owner: string; webhook_url: string | null }>('SELECT status, owner, webhook_url FROM transcoding_jobs WHERE file_id = $1', [fileId]);
    expect(jobs.rows).toEqual([{ status: 'queued', owner: ADMIN_OWNER, webhook_url: null }]);
  });

  it("when an administrator starts a transcode of an owner's file, then the job is the owner's: listed for them, not for others", async () => {
    const fileId = await fileIn('alice', 'uploaded');
    const res = await post('/api/media/transcode', 'admin', { fileId });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(await stack.jobs.findById(jobId)).toMatchObject({ owner: 'alice', fileId });
    const listed = async (as: Principal) =>
      ((await (await fetch(`${stack.baseUrl}/api/media/jobs?limit=100`, { headers: tokens[as] })).json()) as { items: { jobId: string }[] }).items.some((job) => job.jobId === jobId);
    expect({ alice: await listed('alice'), bob: await listed('bob'), admin: await listed('admin') }).toEqual({ alice: true, bob: false, admin: true });
    expect((await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers: tokens.alice })).status).toBe(200);
  });
});
