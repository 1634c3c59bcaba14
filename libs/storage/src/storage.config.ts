import { z } from 'zod';

const MiB = 1024 * 1024;
/** S3's minimum size for every multipart part but the last. */
export const MIN_PART_SIZE_BYTES = 5 * MiB;
export const DEFAULT_PART_SIZE_BYTES = 8 * MiB;
export const DEFAULT_QUEUE_SIZE = 4;
export const DEFAULT_LIST_PAGE_SIZE = 1000;

// httpUrl demands a dotted host name; localhost and IP endpoints (MinIO, s3rver) must pass.
const httpUrl = z.string().refine((value) => {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

export const localStorageConfigSchema = z.object({
  driver: z.literal('local'),
  /** Directory holding every object; created on first write. */
  rootDir: z.string().min(1),
  /** Origin of the API that serves `rootDir` under `/media/`. */
  publicBaseUrl: httpUrl,
});

export const s3StorageConfigSchema = z.object({
  driver: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name of 3-63 lowercase letters, digits, dots or dashes'),
  /** SDK signing region; for Spaces the public URL takes the region from `endpoint` instead. */
  region: z.string().min(1),
  /** Omit for AWS S3; `https://nyc3.digitaloceanspaces.com` for Spaces; the server URL for MinIO. */
  endpoint: httpUrl.optional(),
  /** Endpoint that presigned direct-upload URLs name, as clients reach it (Compose: the host's port); default `endpoint`. */
  publicEndpoint: httpUrl.optional(),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** Required by MinIO and s3rver; Spaces and AWS work either way. Default false. */
  forcePathStyle: z.boolean().optional(),
  cdnUrl: httpUrl.optional(),
  /** Bucket-root URL override (custom domain); wins over `cdnUrl` and the Spaces CDN form. */
  publicBaseUrl: httpUrl.optional(),
  /** Canned ACL for HLS output; `public-read` lets Spaces' CDN serve a private bucket's output. Never applied to originals. */
  acl: z.enum(['public-read', 'private']).optional(),
  /** `MaxKeys` per ListObjectsV2 page (1-1000, default 1000). */
  listPageSize: z.number().int().min(1).max(1000).optional(),
  /** Multipart part size (default 8 MiB, minimum 5 MiB). Memory per upload is about partSize × queueSize. */
  partSizeBytes: z.number().int().min(MIN_PART_SIZE_BYTES).optional(),
  /** Parts uploaded in parallel per upload (default 4). */
  queueSize: z.number().int().min(1).max(16).optional(),
});

export const storageConfigSchema = z.discriminatedUnion('driver', [localStorageConfigSchema, s3StorageConfigSchema]);

export type LocalStorageConfig = z.infer<typeof localStorageConfigSchema>;
export type S3StorageConfig = z.infer<typeof s3StorageConfigSchema>;
export type StorageConfig = z.infer<typeof storageConfigSchema>;
