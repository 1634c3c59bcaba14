import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InvalidStorageKeyError,
  StorageError,
  StorageNotFoundError,
  StorageRangeNotSatisfiableError,
  type StorageDriver,
} from '../src/index.js';

export interface ContractSubject {
  driver: StorageDriver;
  dispose(): Promise<void>;
}

async function collect(iterable: AsyncIterable<{ key: string; bytes: number }>): Promise<{ key: string; bytes: number }[]> {
  const out: { key: string; bytes: number }[] = [];
  for await (const item of iterable) out.push(item);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

async function read(driver: StorageDriver, key: string, range?: { start: number; end?: number }): Promise<string> {
  return (await buffer(await driver.getStream(key, range))).toString('utf8');
}

/** A body that yields `head`, then fails the way a dropped client connection does. */
function failingBody(head: string, error: Error): Readable {
  let started = false;
  return new Readable({
    read() {
      if (started) return;
      started = true;
      this.push(head);
      setImmediate(() => this.destroy(error));
    },
  });
}

/** The same behaviour is required of every driver; each driver's spec runs this suite once. */
export function describeStorageDriverContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`${name} (StorageDriver contract)`, () => {
    let subject: ContractSubject;
    let driver: StorageDriver;
    let scratch: string;

    beforeAll(async () => {
      subject = await setup();
      driver = subject.driver;
      scratch = await mkdtemp(join(tmpdir(), 'reelforge-storage-contract-'));
    });

    afterAll(async () => {
      await subject?.dispose();
      await rm(scratch, { recursive: true, force: true });
    });

    it('when a stream is put, then it reads back whole with its size, type and time', async () => {
      const before = Date.now() - 2_000;
      const result = await driver.putStream('uploads/f1/clip.mp4', Readable.from([Buffer.from('hello '), Buffer.from('world')]));

      expect(result).toEqual({ key: 'uploads/f1/clip.mp4', bytes: 11 });
      expect(await read(driver, 'uploads/f1/clip.mp4')).toBe('hello world');
      const info = await driver.stat('uploads/f1/clip.mp4');
      // An original is opaque bytes on every driver, whatever its name says.
      expect(info).toMatchObject({ bytes: 11, contentType: 'application/octet-stream' });
      expect(info?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before);
    });

    it('when an object is put again, then readers get the new content', async () => {
      await driver.putStream('uploads/f2/a.txt', Readable.from(['first version']));
      await driver.putStream('uploads/f2/a.txt', Readable.from(['second']));

      expect(await read(driver, 'uploads/f2/a.txt')).toBe('second');
      expect((await driver.stat('uploads/f2/a.txt'))?.bytes).toBe(6);
    });

    it('when an empty body is put, then a zero-byte object exists', async () => {
      await driver.putStream('uploads/f3/empty.bin', Readable.from([]));

      expect((await driver.stat('uploads/f3/empty.bin'))?.bytes).toBe(0);
      expect(await read(driver, 'uploads/f3/empty.bin')).toBe('');
    });

    it('when a byte range is requested, then only those bytes come back (end inclusive, clamped)', async () => {
      await driver.putStream('uploads/f4/digits.txt', Readable.from(['0123456789']));

      expect(await read(driver, 'uploads/f4/digits.txt', { start: 2, end: 5 })).toBe('2345');
      expect(await read(driver, 'uploads/f4/digits.txt', { start: 7 })).toBe('789');
      expect(await read(driver, 'uploads/f4/digits.txt', { start: 8, end: 100 })).toBe('89');
      await expect(driver.getStream('uploads/f4/digits.txt', { start: 10 })).rejects.toBeInstanceOf(
        StorageRangeNotSatisfiableError,
      );
      await expect(driver.getStream('uploads/f4/digits.txt', { start: 5, end: 4 })).rejects.toBeInstanceOf(RangeError);
    });

    it('when an object is missing, then reads report storage_not_found and stat returns null', async () => {
      await expect(driver.getStream('uploads/missing/x.mp4')).rejects.toMatchObject({
        code: 'storage_not_found',
        key: 'uploads/missing/x.mp4',
      });
      await expect(driver.getStream('uploads/missing/x.mp4')).rejects.toBeInstanceOf(StorageNotFoundError);
      expect(await driver.stat('uploads/missing/x.mp4')).toBeNull();
    });

    it('when listing a folder, then exactly the objects under it are yielded with sizes', async () => {
      await driver.putStream('hls/l1/master.m3u8', Readable.from(['#EXTM3U']));
      await driver.putStream('hls/l1/720p/seg_00001.ts', Readable.from(['abc']));
      await driver.putStream('hls/l10/master.m3u8', Readable.from(['other']));
      await driver.putStream('hls/l1x', Readable.from(['sibling']));

      const expected = [
        { key: 'hls/l1/720p/seg_00001.ts', bytes: 3 },
        { key: 'hls/l1/master.m3u8', bytes: 7 },
      ];
      expect(await collect(driver.list('hls/l1'))).toEqual(expected);
      expect(await collect(driver.list('hls/l1/'))).toEqual(expected);
      expect(await collect(driver.list('hls/nothing-here'))).toEqual([]);
    });

    it('when deleting, then the object is gone and deleting again is fine', async () => {
      await driver.putStream('uploads/f5/x.bin', Readable.from(['x']));

      await driver.delete('uploads/f5/x.bin');
      await driver.delete('uploads/f5/x.bin');

      expect(await driver.stat('uploads/f5/x.bin')).toBeNull();
    });

    it('when deleting a folder prefix, then everything under it goes and neighbours stay', async () => {
      for (const key of ['hls/d1/master.m3u8', 'hls/d1/360p/index.m3u8', 'hls/d1/360p/seg_00001.ts']) {
        await driver.putStream(key, Readable.from(['x']));
      }
      await driver.putStream('hls/d10/master.m3u8', Readable.from(['keep']));

      expect(await driver.deletePrefix('hls/d1')).toBe(3);
      expect(await collect(driver.list('hls/d1'))).toEqual([]);
      expect(await driver.stat('hls/d10/master.m3u8')).not.toBeNull();
      expect(await driver.deletePrefix('hls/d1/')).toBe(0);
    });

    it('when deleting the empty prefix, then it refuses (that would be the whole store)', async () => {
      await expect(driver.deletePrefix('')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });

    it('when a local file is put, then content type comes from the extension', async () => {
      const local = join(scratch, 'index.m3u8');
      await writeFile(local, '#EXTM3U\n#EXT-X-ENDLIST\n');

      const result = await driver.putFile('hls/p1/720p/index.m3u8', local);

      expect(result).toEqual({ key: 'hls/p1/720p/index.m3u8', bytes: 23 });
      expect(await read(driver, 'hls/p1/720p/index.m3u8')).toBe('#EXTM3U\n#EXT-X-ENDLIST\n');
      expect((await driver.stat('hls/p1/720p/index.m3u8'))?.contentType).toBe('application/vnd.apple.mpegurl');
    });

    it('when the local file to put is missing, then the fs error surfaces and nothing is stored', async () => {
      await expect(driver.putFile('hls/p2/poster.jpg', join(scratch, 'nope.jpg'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await driver.stat('hls/p2/poster.jpg')).toBeNull();
    });

    it('when downloading to a file, then parent directories are created and bytes match', async () => {
      const body = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
      await driver.putStream('uploads/f6/source.mov', Readable.from([body]));
      const target = join(scratch, 'deep', 'er', 'source.mov');

      expect(await driver.downloadToFile('uploads/f6/source.mov', target)).toEqual({ bytes: 4096 });
      expect((await readFile(target)).equals(body)).toBe(true);
    });

    it('when downloading a missing object, then storage_not_found and no file is left', async () => {
      const target = join(scratch, 'missing.mov');

      await expect(driver.downloadToFile('uploads/none/source.mov', target)).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('when the source stream fails, then its error is rethrown and no object appears', async () => {
      const clientGone = new Error('client disconnected');

      await expect(driver.putStream('uploads/f7/broken.mp4', failingBody('partial', clientGone))).rejects.toBe(clientGone);
      expect(await driver.stat('uploads/f7/broken.mp4')).toBeNull();
      expect(await collect(driver.list('uploads/f7'))).toEqual([]);
    });

    it('when a failed overwrite happens, then the previous object is intact', async () => {
      await driver.putStream('uploads/f8/keep.txt', Readable.from(['original']));

      await expect(driver.putStream('uploads/f8/keep.txt', failingBody('new', new Error('boom')))).rejects.toThrow('boom');
      expect(await read(driver, 'uploads/f8/keep.txt')).toBe('original');
    });

    it('when the body is shorter than contentLength, then StorageError and nothing is stored', async () => {
      const put = driver.putStream('uploads/f9/short.bin', Readable.from(['12345']), { contentLength: 10 });

      await expect(put).rejects.toBeInstanceOf(StorageError);
      await expect(put).rejects.toThrow(/received 5 bytes but contentLength was 10/);
      expect(await driver.stat('uploads/f9/short.bin')).toBeNull();
    });

    it('when the signal aborts mid-upload, then it rejects with the reason and stores nothing', async () => {
      const body = new PassThrough();
      const controller = new AbortController();
      const put = driver.putStream('uploads/f10/aborted.bin', body, { signal: controller.signal });
      body.write('some bytes');
      const reason = new Error('cancelled by user');

      controller.abort(reason);

      await expect(put).rejects.toBe(reason);
      expect(await driver.stat('uploads/f10/aborted.bin')).toBeNull();
    });

    it('when a key is unsafe, then every method rejects before touching storage', async () => {
      const bad = '../outside.txt';
      const calls: (() => Promise<unknown>)[] = [
        () => driver.putStream(bad, Readable.from(['x'])),
        () => driver.putFile(bad, join(scratch, 'index.m3u8')),
        () => driver.getStream(bad),
        () => driver.downloadToFile(bad, join(scratch, 'x')),
        () => driver.stat(bad),
        () => driver.delete(bad),
        () => driver.deletePrefix('hls/../..'),
        () => collect(driver.list('/etc')),
        async () => driver.publicUrl(bad),
        async () => driver.localPath(bad),
      ];
      for (const call of calls) {
        await expect(call()).rejects.toMatchObject({ code: 'invalid_storage_key' });
      }
    });

    it('when checking health, then it resolves', async () => {
      await expect(driver.checkHealth()).resolves.toBeUndefined();
    });
  });
}
