import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilesRepository, JobsRepository } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { LocalDriver, StorageError, type StorageDriver } from '@reelforge/storage';
import { pino } from 'pino';
import { ownerCaller } from '../src/http/caller.js';
import { ConflictError } from '../src/http/app.errors.js';
import { FileDeletionService, StoredDataRemovalError, type FileDeletionDeps } from '../src/media/file-deletion.service.js';

/**
 * The storage failure path of a deletion, with real Postgres and a real local driver; only the driver's
 * deletePrefix is made to fail, the way an unreachable bucket would.
 */
describe('FileDeletionService when storage refuses', () => {
  let db: TestDatabase;
  let scratch: string;
  let storage: LocalDriver;
  let files: FilesRepository;
  let failNextPrefixDelete = false;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'test_file_deletion' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-deletion-'));
    storage = new LocalDriver({ rootDir: scratch, publicBaseUrl: 'http://127.0.0.1' });
    files = new FilesRepository(db.pool);
  });
  afterAll(async () => {
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  const flakyStorage: Pick<StorageDriver, 'delete' | 'deletePrefix'> = {
    delete: (key) => storage.delete(key),
    deletePrefix: async (prefix) => {
      if (failNextPrefixDelete) {
        failNextPrefixDelete = false;
        throw new StorageError(`deletePrefix failed for ${prefix}`, { cause: new Error('connection reset') });
      }
      return storage.deletePrefix(prefix);
    },
  };
  const noActiveJob = () => {
    throw new Error('the file has no active job to cancel');
  };
  const service = (cancelJob: FileDeletionDeps['jobControl']['cancelJob'] = noActiveJob) =>
    new FileDeletionService({
      files,
      jobs: new JobsRepository(db.pool),
      jobControl: { cancelJob },
      storage: flakyStorage,
      logger: pino({ level: 'silent' }),
    });
  const keysUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const object of storage.list(prefix)) keys.push(object.key);
    return keys;
  };

  it('when storage fails during a delete, then the answer is a 503 saying to repeat, and the repeat removes the rest and answers 404', async () => {
    const file = await files.insert({ owner: 'alice', originalName: 'clip.mp4', sizeBytes: 4, storageKey: 'uploads/flaky/source' });
    const local = path.join(scratch, 'bytes');
    await writeFile(local, 'data');
    await storage.putFile(file.storageKey, local);
    await storage.putFile(`hls/${file.id}/master.m3u8`, local);

    failNextPrefixDelete = true;
    const first = service().delete(file.id, ownerCaller('alice'));
    await expect(first).rejects.toBeInstanceOf(StoredDataRemovalError);
    await expect(first).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(await files.findById(file.id)).toBeNull();
    expect(await keysUnder(`hls/${file.id}`)).toEqual([`hls/${file.id}/master.m3u8`]);

    // Another owner's repeat finishes nothing and learns nothing.
    await expect(service().delete(file.id, ownerCaller('bob'))).rejects.toMatchObject({ code: 'file_not_found' });
    expect(await keysUnder(`hls/${file.id}`)).toHaveLength(1);

    await expect(service().delete(file.id, ownerCaller('alice'))).rejects.toMatchObject({ code: 'file_not_found' });
    expect(await keysUnder(`hls/${file.id}`)).toEqual([]);
    expect(await keysUnder('uploads/flaky')).toEqual([]);
  });

  it('when the active job finishes on its own before the delete can cancel it, then the delete goes on and removes its output', async () => {
    const file = await files.insert({ owner: 'alice', originalName: 'clip.mp4', sizeBytes: 4, storageKey: 'uploads/finished/source' });
    await new JobsRepository(db.pool).create({ owner: 'alice', fileId: file.id });
    const local = path.join(scratch, 'bytes');
    await writeFile(local, 'data');
    await storage.putFile(`hls/${file.id}/master.m3u8`, local);
    const finishedMeanwhile = () => Promise.reject(new ConflictError('job_not_cancellable', 'The job is completed; only queued or processing jobs can be cancelled.'));

    expect(await service(finishedMeanwhile).delete(file.id, ownerCaller('alice'))).toMatchObject({ file: { id: file.id }, cancelled: null, stopping: false });
    expect(await keysUnder(`hls/${file.id}`)).toEqual([]);
  });
});
