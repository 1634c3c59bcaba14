export type { ByteRange } from './byte-range.guard.js';
export {
  ASSET_CACHE_CONTROL,
  cacheControlFor,
  contentTypeFor,
  DEFAULT_CONTENT_TYPE,
  LIVE_PLAYLIST_CACHE_CONTROL,
  LOCAL_PLAYLIST_CACHE_CONTROL,
  type ObjectHeaders,
  objectHeadersFor,
  PLAYLIST_CACHE_CONTROL,
  PRIVATE_CACHE_CONTROL,
  SEGMENT_CACHE_CONTROL,
} from './content-type.policy.js';
export { LocalDriver, type LocalDriverOptions } from './local.driver.js';
export { localPublicUrl, parseSpacesEndpoint, s3PublicUrl, type S3PublicUrlOptions } from './public-url.builder.js';
export { S3Driver, type S3DriverOptions } from './s3.driver.js';
export { type PresignedPart, S3DirectUploads, type UploadedPart } from './s3-direct-uploads.js';
export { MAX_PARTS, MAX_PART_SIZE_BYTES, planUploadParts, type UploadPartsPlan } from './upload-parts.planner.js';
export {
  DEFAULT_PART_SIZE_BYTES,
  localStorageConfigSchema,
  type LocalStorageConfig,
  s3StorageConfigSchema,
  type S3StorageConfig,
  type StorageConfig,
  storageConfigSchema,
} from './storage.config.js';
export type {
  ListedObject,
  PutFileOptions,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObjectStat,
} from './storage.driver.js';
export {
  DirectUploadRejectedError,
  InvalidStorageKeyError,
  StorageError,
  StorageNotFoundError,
  StorageRangeNotSatisfiableError,
} from './storage.errors.js';
export { createStorageDriver } from './storage.factory.js';
export {
  fileOutputFolder,
  jobOutputPrefix,
  masterKey,
  MASTER_PLAYLIST_NAME,
  originalKey,
  outputPrefix,
  POSTER_IMAGE_NAME,
  posterKey,
  STORYBOARD_IMAGE_NAME,
  STORYBOARD_VTT_NAME,
} from './storage-key.layout.js';
export { assertSafeKey, MAX_KEY_BYTES } from './storage-key.guard.js';
