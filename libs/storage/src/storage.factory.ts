import { LocalDriver } from './local.driver.js';
import { S3Driver } from './s3.driver.js';
import { type StorageConfig, storageConfigSchema } from './storage.config.js';
import type { StorageDriver } from './storage.driver.js';

/** Builds the configured driver; the config is validated again here because this is the lib's boundary. */
export function createStorageDriver(config: StorageConfig): StorageDriver {
  const { driver, ...options } = storageConfigSchema.parse(config);
  switch (driver) {
    case 'local':
      return new LocalDriver(options as Omit<Extract<StorageConfig, { driver: 'local' }>, 'driver'>);
    case 's3':
      return new S3Driver(options as Omit<Extract<StorageConfig, { driver: 's3' }>, 'driver'>);
    default:
      return assertNever(driver);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown storage driver: ${String(value)}`);
}
