import { describe, expect, it } from '@jest/globals';
import { createStorageDriver, LocalDriver, S3Driver, type StorageConfig } from '../src/index.js';

const s3Config: StorageConfig = {
  driver: 's3',
  bucket: 'media',
  region: 'us-east-1',
  endpoint: 'https://nyc3.digitaloceanspaces.com',
  accessKeyId: 'id',
  secretAccessKey: 'TOP-SECRET-VALUE',
};

describe('createStorageDriver', () => {
  it('builds a LocalDriver', async () => {
    const driver = createStorageDriver({ driver: 'local', rootDir: 'relative/store', publicBaseUrl: 'http://localhost:3000' });

    expect(driver).toBeInstanceOf(LocalDriver);
    expect((driver as LocalDriver).rootDir).toMatch(/relative\/store$/);
    await driver.close();
  });

  it('builds an S3Driver whose public URLs use the Spaces CDN', async () => {
    const driver = createStorageDriver(s3Config);

    expect(driver).toBeInstanceOf(S3Driver);
    expect(driver.publicUrl('hls/f/master.m3u8')).toBe('https://media.nyc3.cdn.digitaloceanspaces.com/hls/f/master.m3u8');
    await driver.close();
  });

  it.each([
    [{ ...s3Config, bucket: 'X' }, 'bucket'],
    [{ ...s3Config, endpoint: 'ftp://host' }, 'endpoint'],
    [{ ...s3Config, partSizeBytes: 1024 }, 'partSizeBytes'],
    [{ ...s3Config, listPageSize: 5000 }, 'listPageSize'],
    [{ driver: 'local', rootDir: '', publicBaseUrl: 'http://localhost' }, 'rootDir'],
  ] as [StorageConfig, string][])('rejects an invalid config (%#: %s) without echoing the secret', (config, field) => {
    let message = '';
    try {
      createStorageDriver(config);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(field);
    expect(message).not.toContain('TOP-SECRET-VALUE');
  });
});
