import type { Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { pino } from 'pino';
import { Upload } from 'tus-js-client';
import { createApiRuntime, type ApiRuntime } from '../../apps/api/src/api.runtime.js';
import { OWNER_METADATA_KEY } from '../../apps/api/src/uploads/tus-metadata.js';
import { auth, bearer, submitTranscode, waitForSettled } from '../support/http.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../support/test-stack.js';
import { curl, TUS_HEADERS, type CurlAnswer } from '../support/tus.curl.js';
import { waitFor } from '../support/wait.js';

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const CHUNK = ['-H', 'Content-Type: application/offset+octet-stream'];

/** The stack once its API answers /readyz: uploads need Redis (locks), which connects just after start. */
async function startReadyStack(options: Parameters<typeof startTestStack>[0]): Promise<TestStack> {
  const stack = await startTestStack(options);
  await waitFor('the API to be ready', async () => ((await fetch(`${stack.baseUrl}/readyz`)).ok ? true : undefined));
  return stack;
}

/** A second API process on the same config: same Postgres, Redis and shared upload directory. */
async function startReplica(stack: TestStack, overrides: Partial<TestStack['config']['http']> = {}): Promise<{ url: string; api: ApiRuntime; stop(): Promise<void> }> {
  const api = createApiRuntime({ ...stack.config, http: { ...stack.config.http, ...overrides } }, pino({ level: 'silent' }));
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await waitFor('the replica to be ready', async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined));
  return {
    url,
    api,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await api.close();
    },
  };
}

const authArgs = (token = TEST_TOKEN) => ['-H', `Authorization: Bearer ${token}`];
const metadata = (pairs: Record<string, string>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

describe('resumable uploads (tus 1.0) at /api/uploads', () => {
  let stack: TestStack;
  let replica: Awaited<ReturnType<typeof startReplica>>;
  let scratch: string;
  let clip: string;
  let alice: string;
  let bob: string;

  const tusDir = () => stack.config.resumableUploads.dir;
  const create = (length: number, extra: string[] = [], base = stack.baseUrl): Promise<CurlAnswer> =>
    curl(['-X', 'POST', ...TUS_HEADERS, ...authArgs(), '-H', `Upload-Length: ${length}`, ...extra, `${base}/api/uploads`]);
  const patch = (url: string, offset: number, file: string): Promise<CurlAnswer> =>
    curl(['-X', 'PATCH', ...TUS_HEADERS, ...authArgs(), ...CHUNK, '-H', `Upload-Offset: ${offset}`, '--data-binary', `@${file}`, url]);
  const head = (url: string, token = TEST_TOKEN): Promise<CurlAnswer> => curl(['-I', ...TUS_HEADERS, ...authArgs(token), url]);
  const split = async (file: string): Promise<{ first: string; rest: string; size: number; half: number }> => {
    const bytes = await readFile(file);
    const half = Math.floor(bytes.length / 2);
    const first = path.join(scratch, `${path.basename(file)}.1`);
    const rest = path.join(scratch, `${path.basename(file)}.2`);
    await writeFile(first, bytes.subarray(0, half));
    await writeFile(rest, bytes.subarray(half));
    return { first, rest, size: bytes.length, half };
  };
  const fileRow = async (fileId: string) =>
    (await stack.db.pool.query<{ original_name: string; mime: string; storage_key: string; owner: string; size_bytes: string }>('SELECT * FROM files WHERE id = $1', [fileId])).rows[0];
  const transcodes = async (fileId: string, headers = auth) => {
    expect((await submitTranscode(stack.baseUrl, { fileId }, headers)).status).toBe(202);
    expect((await waitForSettled(stack.baseUrl, fileId, { headers, timeoutMs: 120_000 })).status).toBe('completed');
  };

  beforeAll(async () => {
    stack = await startReadyStack({ env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
    replica = await startReplica(stack);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-tus-'));
    clip = await makeFixture('tiny-240p', { durationS: 1 });
    const keys = new ApiKeysRepository(stack.db.pool);
    alice = (await keys.create({ owner: 'alice' })).token;
    bob = (await keys.create({ owner: 'bob' })).token;
  });
  afterAll(async () => {
    await replica?.stop();
    await stack?.stop();
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  it('when curl creates on one replica, sends half, and another replica takes HEAD and the rest, then the file is stored, named and transcodes', async () => {
    const { first, rest, size, half } = await split(clip);
    const created = await create(size, ['-H', `Upload-Metadata: ${metadata({ filename: 'holiday\u202e4pm.mp4', filetype: 'video/mp4' })}`]);
    expect(created.status).toBe(201);
    expect(created.headers['upload-expires']).toBeDefined();
    const location = created.headers.location!;
    expect(location).toMatch(new RegExp(`^${stack.baseUrl}/api/uploads/[a-z0-9]+$`));
    const uploadId = location.split('/').pop()!;

    const firstHalf = await patch(location, 0, first);
    expect(firstHalf.status).toBe(204);
    expect(firstHalf.headers['upload-offset']).toBe(String(half));

    const onB = location.replace(stack.baseUrl, replica.url);
    const probed = await head(onB);
    expect(probed.status).toBe(200);
    expect(probed.headers['upload-offset']).toBe(String(half));
    expect(probed.headers['upload-length']).toBe(String(size));
    const last = await patch(onB, half, rest);
    expect(last.status).toBe(204);
    expect(last.headers['upload-offset']).toBe(String(size));
    const fileId = last.headers['reelforge-file-id']!;
    expect(fileId).toMatch(/^[a-z0-9]+$/);
    expect(last.headers['access-control-expose-headers']).toContain('Reelforge-File-Id');

    expect(await fileRow(fileId)).toMatchObject({ original_name: 'holiday4pm.mp4', mime: 'video/mp4', storage_key: `uploads/${fileId}/source`, owner: '@admin', size_bytes: String(size) });
    expect(await stack.storage.stat(`uploads/${fileId}/source`)).toMatchObject({ bytes: size });
    expect(await readdir(tusDir())).not.toContain(uploadId);
    // A repeated final PATCH finds the upload gone: it is ingested exactly once.
    const empty = path.join(scratch, 'empty');
    await writeFile(empty, '');
    expect((await patch(location, size, empty)).status).toBe(404);
    await transcodes(fileId);
  });

  it('when tus-js-client uploads half, stops, and resumes from the upload URL, then it gets the file id and the file transcodes', async () => {
    const bytes = await readFile(clip);
    const half = Math.ceil(bytes.length / 2);
    const options = { headers: bearer(alice), chunkSize: half, retryDelays: null, metadata: { filename: 'phone.mp4', filetype: 'video/mp4' } };
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      const upload: Upload = new Upload(bytes, {
        ...options,
        endpoint: `${stack.baseUrl}/api/uploads`,
        onError: reject,
        onChunkComplete: (_chunk, accepted) => {
          if (accepted < bytes.length) void upload.abort().then(() => resolve(upload.url!));
        },
      });
      upload.start();
    });
    expect((await head(uploadUrl, alice)).headers['upload-offset']).toBe(String(half));

    let sentFromOffset = -1;
    const fileId = await new Promise<string>((resolve, reject) => {
      const upload = new Upload(bytes, {
        ...options,
        uploadUrl: uploadUrl.replace(stack.baseUrl, replica.url),
        onError: reject,
        onBeforeRequest: (req) => {
          if (req.getMethod() === 'PATCH' && sentFromOffset < 0) sentFromOffset = Number(req.getHeader('Upload-Offset'));
        },
        onSuccess: ({ lastResponse }) => resolve(lastResponse.getHeader('Reelforge-File-Id')!),
      });
      upload.start();
    });
    expect(sentFromOffset).toBe(half);
    expect(await fileRow(fileId)).toMatchObject({ original_name: 'phone.mp4', owner: 'alice' });
    await transcodes(fileId, bearer(alice));
  });

  it('when two replicas get a PATCH for one upload at once, then the bytes stay whole: resuming from HEAD yields the exact file', async () => {
    const { first, size } = await split(clip);
    const location = (await create(size, ['-H', `Upload-Metadata: ${metadata({ filename: 'raced.mp4' })}`])).headers.location!;
    const onB = location.replace(stack.baseUrl, replica.url);
    const raced = await Promise.all([patch(location, 0, first), patch(onB, 0, first)]);
    // One wins (204); the other finds the offset moved (409) or was ended for it (400): never both written.
    expect(raced.map((a) => a.status).filter((status) => status === 204).length).toBeLessThanOrEqual(1);
    const offset = Number((await head(onB)).headers['upload-offset']);
    const bytes = await readFile(clip);
    const remainder = path.join(scratch, 'remainder');
    await writeFile(remainder, bytes.subarray(offset));
    const last = await patch(location, offset, remainder);
    expect(last.status).toBe(204);
    const fileId = last.headers['reelforge-file-id']!;
    const stored = stack.storage.localPath(`uploads/${fileId}/source`)!;
    expect((await readFile(stored)).equals(bytes)).toBe(true);
  });

  it('when the whole file comes with the creating POST (creation-with-upload), then that 201 carries the file id', async () => {
    const size = (await readFile(clip)).length;
    const created = await create(size, [...CHUNK, '-H', `Upload-Metadata: ${metadata({ filename: 'one-shot.mp4', [OWNER_METADATA_KEY]: 'bob' })}`, '--data-binary', `@${clip}`]);
    expect(created.status).toBe(201);
    expect(created.headers['upload-offset']).toBe(String(size));
    const fileId = created.headers['reelforge-file-id']!;
    // An owner claimed in the metadata is ignored: the upload and its file are the caller's.
    expect(await fileRow(fileId)).toMatchObject({ original_name: 'one-shot.mp4', mime: 'application/octet-stream', owner: '@admin' });
  });

  it('when the bytes are not media, then the final PATCH answers 422 invalid_media and nothing is left behind', async () => {
    const junk = path.join(scratch, 'notes.mp4');
    await writeFile(junk, 'these are not video frames '.repeat(100));
    const filesBefore = (await stack.db.pool.query('SELECT count(*)::int AS n FROM files')).rows[0].n as number;
    const created = await create(2700);
    const answer = await patch(created.headers.location!, 0, junk);
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'invalid_media', status: 422 });
    expect(answer.headers['tus-resumable']).toBe('1.0.0');
    expect(await readdir(tusDir())).not.toContain(created.headers.location!.split('/').pop());
    expect((await stack.db.pool.query('SELECT count(*)::int AS n FROM files')).rows[0].n).toBe(filesBefore);
  });

  it('when a PATCH is wrong (offset, content type, beyond the length) or the upload is too large, then tus statuses come back as problems', async () => {
    const { first } = await split(clip);
    const location = (await create(1000)).headers.location!;
    const wrongOffset = await patch(location, 10, first);
    expect([wrongOffset.status, JSON.parse(wrongOffset.body).code]).toEqual([409, 'upload_offset_mismatch']);
    const wrongType = await curl(['-X', 'PATCH', ...TUS_HEADERS, ...authArgs(), '-H', 'Content-Type: application/octet-stream', '-H', 'Upload-Offset: 0', '--data-binary', `@${first}`, location]);
    expect([wrongType.status, JSON.parse(wrongType.body).code]).toEqual([415, 'unsupported_media_type']);
    const beyond = await patch(location, 0, first);
    expect([beyond.status, JSON.parse(beyond.body).code]).toEqual([413, 'payload_too_large']);
    expect((await head(location)).headers['upload-offset']).toBe('0');

    const tooLarge = await create(MAX_UPLOAD_BYTES + 1);
    expect([tooLarge.status, JSON.parse(tooLarge.body).code]).toEqual([413, 'payload_too_large']);
    const noVersion = await curl(['-X', 'POST', ...authArgs(), '-H', 'Upload-Length: 10', `${stack.baseUrl}/api/uploads`]);
    expect([noVersion.status, JSON.parse(noVersion.body).code]).toEqual([412, 'tus_version_required']);
    const unknown = await head(`${stack.baseUrl}/api/uploads/nosuchupload`);
    expect(unknown.status).toBe(404);
  });

  it('when another owner or nobody asks, then the upload does not exist for them; its owner and the admin reach it', async () => {
    const created = await curl(['-X', 'POST', ...TUS_HEADERS, ...authArgs(alice), '-H', 'Upload-Length: 100', `${stack.baseUrl}/api/uploads`]);
    const location = created.headers.location!;
    expect((await head(location, alice)).status).toBe(200);
    expect((await head(location, TEST_TOKEN)).status).toBe(200);
    const byBob = [
      await curl(['-I', ...TUS_HEADERS, ...authArgs(bob), location]),
      await curl(['-X', 'PATCH', ...TUS_HEADERS, ...authArgs(bob), ...CHUNK, '-H', 'Upload-Offset: 0', '--data-binary', 'x', location]),
      await curl(['-X', 'DELETE', ...TUS_HEADERS, ...authArgs(bob), location]),
    ];
    expect(byBob.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(JSON.parse(byBob[1]!.body)).toMatchObject({ code: 'upload_not_found' });
    expect((await head(location, alice)).status).toBe(200);

    const anonymous = await curl(['-X', 'POST', ...TUS_HEADERS, '-H', 'Upload-Length: 10', `${stack.baseUrl}/api/uploads`]);
    expect(anonymous.status).toBe(401);
    expect((await curl(['-I', ...TUS_HEADERS, location])).status).toBe(401);
    // Discovery and CORS preflight need no credentials (browsers send none with a preflight).
    const options = await curl(['-X', 'OPTIONS', '-H', 'Origin: https://app.example', `${stack.baseUrl}/api/uploads`]);
    expect(options.status).toBe(204);
    expect(options.headers['tus-version']).toBe('1.0.0');
    expect(options.headers['tus-extension']).toContain('termination');
    expect(options.headers['tus-max-size']).toBe(String(MAX_UPLOAD_BYTES));
  });

  it('when the owner terminates an upload (DELETE), then its bytes are removed and it is gone', async () => {
    const { first, size } = await split(clip);
    const location = (await create(size)).headers.location!;
    expect((await patch(location, 0, first)).status).toBe(204);
    const uploadId = location.split('/').pop()!;
    expect(await readdir(tusDir())).toContain(uploadId);
    expect((await curl(['-X', 'DELETE', ...TUS_HEADERS, ...authArgs(), location])).status).toBe(204);
    expect((await readdir(tusDir())).filter((name) => name.startsWith(uploadId))).toEqual([]);
    expect((await head(location)).status).toBe(404);
  });

  it('when a proxy the operator trusts forwards https and a host, then Location uses them; an untrusted one is ignored', async () => {
    const forwarded = ['-H', 'X-Forwarded-Proto: https', '-H', 'X-Forwarded-Host: media.example.com'];
    const trusted = await create(10, forwarded);
    expect(trusted.headers.location).toMatch(/^https:\/\/media\.example\.com\/api\/uploads\/[a-z0-9]+$/);
    const strict = await startReplica(stack, { trustProxy: false });
    try {
      const untrusted = await create(10, forwarded, strict.url);
      expect(untrusted.headers.location).toMatch(new RegExp(`^${strict.url}/api/uploads/[a-z0-9]+$`));
    } finally {
      await strict.stop();
    }
  });
});

describe('resumable uploads with S3 storage', () => {
  let stack: TestStack;

  afterAll(async () => {
    await stack?.stop();
  });

  it('when an upload completes, then the original lands in the bucket as a private byte stream and the tus copy is gone', async () => {
    stack = await startReadyStack({ storage: 's3', worker: false });
    const clip = await makeFixture('tiny-240p', { durationS: 1 });
    const size = (await readFile(clip)).length;
    const created = await curl(['-X', 'POST', ...TUS_HEADERS, ...authArgs(), '-H', `Upload-Length: ${size}`, ...CHUNK, '--data-binary', `@${clip}`, `${stack.baseUrl}/api/uploads`]);
    expect(created.status).toBe(201);
    const fileId = created.headers['reelforge-file-id']!;
    expect(await stack.storage.stat(`uploads/${fileId}/source`)).toMatchObject({ bytes: size, contentType: 'application/octet-stream' });
    expect(await readdir(stack.config.resumableUploads.dir)).toEqual([]);
  });
});

describe('resumable uploads: expiry and the sweep', () => {
  let stack: TestStack;

  afterAll(async () => {
    await stack?.stop();
  });

  it('when an unfinished upload expires, then HEAD and PATCH answer 410, and the periodic sweep removes it (404)', async () => {
    stack = await startReadyStack({ worker: false, env: { UPLOAD_EXPIRY_S: '1', UPLOAD_SWEEP_INTERVAL_S: '1' } });
    const created = await curl(['-X', 'POST', ...TUS_HEADERS, ...authArgs(), '-H', 'Upload-Length: 100', `${stack.baseUrl}/api/uploads`]);
    expect([created.status, created.body]).toEqual([201, '']);
    const location = created.headers.location!;
    const uploadId = location.split('/').pop()!;
    expect(new Date(created.headers['upload-expires']!).getTime()).toBeGreaterThan(0);

    const expired = await waitFor('the upload to expire', async () => {
      const answer = await curl(['-I', ...TUS_HEADERS, ...authArgs(), location]);
      return answer.status === 200 ? undefined : answer;
    });
    expect([404, 410]).toContain(expired.status);
    await waitFor('the sweep to remove the expired upload', async () =>
      (await readdir(stack.config.resumableUploads.dir)).some((name) => name.startsWith(uploadId)) ? undefined : true,
    );
    const afterSweep = await curl(['-X', 'PATCH', ...TUS_HEADERS, ...authArgs(), ...CHUNK, '-H', 'Upload-Offset: 0', '--data-binary', 'x', location]);
    expect([afterSweep.status, JSON.parse(afterSweep.body).code]).toEqual([404, 'upload_not_found']);
  });

  it('when an upload has expired but is not swept yet, then PATCH answers 410 upload_expired and a sweep removes it', async () => {
    const slow = await startReadyStack({ worker: false, env: { UPLOAD_EXPIRY_S: '1', UPLOAD_SWEEP_INTERVAL_S: '3600' } });
    try {
      const location = (await curl(['-X', 'POST', ...TUS_HEADERS, ...authArgs(), '-H', 'Upload-Length: 100', `${slow.baseUrl}/api/uploads`])).headers.location!;
      const expired = await waitFor('the upload to expire', async () => {
        const answer = await curl(['-I', ...TUS_HEADERS, ...authArgs(), location]);
        return answer.status === 200 ? undefined : answer;
      });
      expect(expired.status).toBe(410);
      const gone = await curl(['-X', 'PATCH', ...TUS_HEADERS, ...authArgs(), ...CHUNK, '-H', 'Upload-Offset: 0', '--data-binary', 'x', location]);
      expect([gone.status, JSON.parse(gone.body).code]).toEqual([410, 'upload_expired']);
      expect(await slow.api.resumable.sweepExpired()).toBe(1);
      expect((await curl(['-I', ...TUS_HEADERS, ...authArgs(), location])).status).toBe(404);
    } finally {
      await slow.stop();
    }
  });
});
