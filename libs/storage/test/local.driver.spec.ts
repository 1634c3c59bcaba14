import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createStorageDriver, LocalDriver, StorageError, StorageNotFoundError } from '../src/index.js';
import { describeStorageDriverContract } from './storage-driver.contract.js';

describeStorageDriverContract('LocalDriver', async () => {
  const rootDir = await mkdtemp(join(tmpdir(), 'reelforge-local-contract-'));
  return {
    driver: new LocalDriver({ rootDir, publicBaseUrl: 'http://localhost:3000' }),
    dispose: () => rm(rootDir, { recursive: true, force: true }),
  };
});

/** Resolves once a `*.partial-*` temp file exists in `dir` (the write is in flight); the limit is generous. */
async function waitForPartial(dir: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const partial = names.find((n) => n.includes('.partial-'));
    if (partial) return partial;
    if (Date.now() > deadline) throw new Error('no partial file appeared');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('LocalDriver', () => {
  let rootDir: string;
  let driver: LocalDriver;

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'reelforge-local-'));
    driver = new LocalDriver({ rootDir, publicBaseUrl: 'http://localhost:3000/' });
  });

  afterAll(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('when a write is in flight, then readers, stat and list see nothing until it completes', async () => {
    const body = new PassThrough();
    const put = driver.putStream('uploads/a1/big.mp4', body);
    body.write(Buffer.alloc(1024, 1));
    const partial = await waitForPartial(join(rootDir, 'uploads', 'a1'));

    expect(partial).toMatch(/^big\.mp4\.partial-[0-9a-f]{16}$/);
    expect(await driver.stat('uploads/a1/big.mp4')).toBeNull();
    await expect(driver.getStream('uploads/a1/big.mp4')).rejects.toBeInstanceOf(StorageNotFoundError);
    const listed = [];
    for await (const item of driver.list('uploads/a1')) listed.push(item);
    expect(listed).toEqual([]);

    body.end(Buffer.alloc(1024, 2));
    await expect(put).resolves.toEqual({ key: 'uploads/a1/big.mp4', bytes: 2048 });
    expect(await readdir(join(rootDir, 'uploads', 'a1'))).toEqual(['big.mp4']);
  });

  it('when a write fails, then its temp file is removed', async () => {
    const body = new PassThrough();
    const put = driver.putStream('uploads/a2/x.mp4', body);
    body.write('some');
    await waitForPartial(join(rootDir, 'uploads', 'a2'));

    body.destroy(new Error('gone'));

    await expect(put).rejects.toThrow('gone');
    expect(await readdir(join(rootDir, 'uploads', 'a2'))).toEqual([]);
  });

  it('when deleting a prefix, then its directories go too', async () => {
    await driver.putStream('hls/a3/720p/seg_00001.ts', Readable.from(['x']));

    await driver.deletePrefix('hls/a3');

    expect(await readdir(join(rootDir, 'hls'))).not.toContain('a3');
  });

  it('when a writer is still adding files while a prefix is deleted, then the delete succeeds (a worker stopping as its file is deleted)', async () => {
    await driver.putStream('hls/a9/job/1/720p/seg_00000.ts', Readable.from(['x']));
    let writing = true;
    const writer = (async () => {
      for (let n = 1; writing; n += 1) {
        await driver.putStream(`hls/a9/job/1/720p/seg_${String(n).padStart(5, '0')}.ts`, Readable.from(['x'])).catch(() => undefined);
      }
    })();
    try {
      // Many rounds: each is a chance for a file to land between the tree walk and a directory's removal.
      for (let round = 0; round < 20; round += 1) await driver.deletePrefix('hls/a9');
    } finally {
      writing = false;
      await writer;
    }
    await driver.deletePrefix('hls/a9');
    expect(await readdir(join(rootDir, 'hls'))).not.toContain('a9');
  });

  it('when a key is a path through an existing file, then the write is a StorageError', async () => {
    await driver.putStream('uploads/a4', Readable.from(['file']));

    await expect(driver.putStream('uploads/a4/child.txt', Readable.from(['x']))).rejects.toBeInstanceOf(StorageError);
  });

  it('when the disk refuses the write mid-pipe, then it is a StorageError, not the source error', async () => {
    // 250 characters plus the ".partial-<hex>" suffix exceed NAME_MAX, so opening the temp file fails.
    const key = `uploads/a6/${'x'.repeat(250)}`;

    const put = driver.putStream(key, Readable.from(['data']));

    await expect(put).rejects.toBeInstanceOf(StorageError);
    await expect(put).rejects.toThrow(/local putStream failed .*ENAMETOOLONG/);
  });

  it('maps keys to files under the root and URLs under /media', () => {
    expect(driver.localPath('hls/a5/master.m3u8')).toBe(join(rootDir, 'hls', 'a5', 'master.m3u8'));
    expect(driver.publicUrl('hls/a5/master.m3u8')).toBe('http://localhost:3000/media/hls/a5/master.m3u8');
    expect(driver.kind).toBe('local');
  });

  it('when the root cannot be created, then checkHealth rejects with StorageError', async () => {
    await driver.putStream('blocker', Readable.from(['x']));
    const broken = createStorageDriver({
      driver: 'local',
      rootDir: join(rootDir, 'blocker', 'store'),
      publicBaseUrl: 'http://localhost:3000',
    });

    await expect(broken.checkHealth()).rejects.toMatchObject({ code: 'storage_unavailable' });
  });
});
