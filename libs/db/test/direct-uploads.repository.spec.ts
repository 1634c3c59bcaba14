import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DirectUploadsRepository, FilesRepository, type NewDirectUpload } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let uploads: DirectUploadsRepository;
let files: FilesRepository;
let counter = 0;

const HOUR_MS = 3600_000;

function newUpload(expiresInMs = HOUR_MS): NewDirectUpload {
  counter += 1;
  const id = `directfile${String(counter).padStart(6, '0')}`;
  return {
    file: { id, originalName: `clip ${counter}.mp4`, mime: 'video/mp4', storageKey: `uploads/${id}/source`, owner: 'alice' },
    uploadId: `upload-${counter}`,
    declaredBytes: 12_000_000,
    partSize: 8 * 1024 * 1024,
    partCount: 2,
    expiresAt: new Date(Date.now() + expiresInMs),
  };
}

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_direct_uploads' });
  uploads = new DirectUploadsRepository(db.pool);
  files = new FilesRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

describe('DirectUploadsRepository', () => {
  it('when an upload is created, then its file is uploading at the declared size and the upload row records the plan', async () => {
    const input = newUpload();
    const file = await uploads.create(input);
    expect(file).toMatchObject({ id: input.file.id, state: 'uploading', sizeBytes: 12_000_000, mime: 'video/mp4', owner: 'alice', error: null });
    expect(await uploads.find(input.file.id)).toMatchObject({
      fileId: input.file.id,
      uploadId: input.uploadId,
      declaredBytes: 12_000_000,
      partSize: 8 * 1024 * 1024,
      partCount: 2,
      expiresAt: input.expiresAt,
      claimedAt: null,
    });
  });

  it('when two requests claim the same upload, then only the first gets it until it is released', async () => {
    const file = (await uploads.create(newUpload())).id;
    expect(await uploads.claim(file)).toMatchObject({ fileId: file });
    expect(await uploads.claim(file)).toBeNull();
    await uploads.release(file);
    expect(await uploads.claim(file)).toMatchObject({ fileId: file });
  });

  it('when a completed upload is closed, then the row goes and the file waits for its sniff at the measured size', async () => {
    const file = (await uploads.create(newUpload())).id;
    expect(await uploads.closeCompleted(file, 11_999_999)).toMatchObject({ id: file, state: 'importing', sizeBytes: 11_999_999 });
    expect(await uploads.find(file)).toBeNull();
    expect(await uploads.claim(file)).toBeNull();
    expect(await uploads.closeCompleted(file, 1)).toBeNull();
  });

  it('when an upload is closed as failed, then the file records why', async () => {
    const file = (await uploads.create(newUpload())).id;
    expect(await uploads.closeFailed(file, { code: 'upload_expired', message: 'gone' })).toMatchObject({
      state: 'failed',
      error: { code: 'upload_expired', message: 'gone' },
    });
    expect(await uploads.find(file)).toBeNull();
  });

  it('when an upload has expired, then it cannot be claimed by a request but is listed and claimed once by the sweep', async () => {
    const expired = (await uploads.create(newUpload(-1000))).id;
    const open = (await uploads.create(newUpload())).id;
    expect(await uploads.claim(expired)).toBeNull();
    const listed = (await uploads.listExpired(1000)).map((u) => u.fileId);
    expect(listed).toContain(expired);
    expect(listed).not.toContain(open);
    expect(await uploads.claimExpired(expired)).toMatchObject({ fileId: expired });
    expect(await uploads.claimExpired(expired)).toBeNull();
    expect((await uploads.listExpired(1000)).map((u) => u.fileId)).not.toContain(expired);
    expect(await uploads.claimExpired(open)).toBeNull();
  });

  it('when the file of an upload is deleted, then closing it changes no file but still removes the row', async () => {
    const file = (await uploads.create(newUpload())).id;
    await files.markDeleted(file, { by: 'alice' });
    expect(await uploads.closeFailed(file, { code: 'upload_expired', message: 'gone' })).toBeNull();
    expect(await uploads.find(file)).toBeNull();
  });
});

