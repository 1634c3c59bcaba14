import { createId } from '@paralleldrive/cuid2';
import type { DirectUpload, DirectUploadsRepository, FileRecord, FilesRepository, Job, JobsRepository } from '@reelforge/db';
import type { JobQueue } from '@reelforge/queue';
import { DirectUploadRejectedError, originalKey, planUploadParts, type PresignedPart, type S3DirectUploads, type StorageDriver } from '@reelforge/storage';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError, PayloadTooLargeError, ServiceUnavailableError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import type { FileDeletionService } from '../media/file-deletion.service.js';
import type { MediaService } from '../media/media.service.js';
import { cleanMimeType, cleanOriginalName } from '../media/original-name.sanitizer.js';
import { findVisibleFile } from '../media/visible-file.js';
import type { CompleteDirectUpload, DirectUploadRequest } from './direct-upload.request.js';

/** S3 refuses presigned URLs valid for longer than 7 days. */
const MAX_PRESIGN_S = 7 * 24 * 3600;
const SWEEP_BATCH = 100;

export interface DirectUploadsDeps {
  uploads: DirectUploadsRepository;
  files: Pick<FilesRepository, 'findById' | 'delete'>;
  jobs: Pick<JobsRepository, 'findActiveByFileId' | 'markImportFailed'>;
  /** The bucket's multipart calls; null with local storage, where direct uploads do not exist. */
  bucket: Pick<S3DirectUploads, 'start' | 'presignParts' | 'complete' | 'abort'> | null;
  storage: Pick<StorageDriver, 'stat' | 'delete'>;
  media: Pick<MediaService, 'assertTranscodeOptions' | 'admitWaitingJob'>;
  deletion: Pick<FileDeletionService, 'delete'>;
  /** Where a completed upload's sniff goes: the URL imports' queue (see ImportJobPayloadSchema). */
  importQueue: JobQueue<'imports'>;
  queueRedis: Redis;
  /** MAX_UPLOAD_BYTES, checked on the declared size and again on the completed object. */
  maxBytes: number;
  /** Preferred part size (the S3 driver's, 8 MiB by default); parts grow for very large files. */
  partSizeBytes: number;
  /** UPLOAD_EXPIRY_S in ms (at most 7 days apply: the life of a presigned URL). */
  expiryMs: number;
  logger: Logger;
}

export interface CreatedDirectUpload {
  file: FileRecord;
  uploadId: string;
  partSize: number;
  parts: PresignedPart[];
  expiresAt: Date;
  job: Job | null;
}

export class DirectUploadUnavailableError extends AppError<'direct_upload_unavailable'> {
  constructor() {
    super(
      'direct_upload_unavailable',
      'Direct uploads need S3-compatible storage (STORAGE_DRIVER=s3); this installation stores files locally. Upload with tus at /api/uploads or POST /api/media/upload.',
    );
  }
}

export class UploadNotOpenError extends AppError<'upload_not_open'> {
  constructor(fileId: string, why: string) {
    super('upload_not_open', `The direct upload of file ${fileId} is not open: ${why}. GET /api/media/files/${fileId} shows the file's state.`);
  }
}

/**
 * Direct-to-bucket uploads. The client asks for an upload (the file row exists from then on, in state
 * `uploading`), PUTs its parts to presigned URLs, and completes it; the API then measures the object
 * and hands it to the worker's import queue, which reads it back and sniffs it (`importing` → `ready`
 * or `failed`, with the codes of any other upload). The bytes never pass through the API.
 */
export class DirectUploadsService {
  constructor(private readonly deps: DirectUploadsDeps) {}

  async create(request: DirectUploadRequest, caller: Caller): Promise<CreatedDirectUpload> {
    const { uploads, media, queueRedis } = this.deps;
    const bucket = this.bucketOrThrow();
    if (request.size > this.deps.maxBytes) throw new PayloadTooLargeError('The declared size', this.deps.maxBytes);
    if (request.transcode) {
      media.assertTranscodeOptions(request);
      if (queueRedis.status !== 'ready') throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');
    }
    const { partSize, partCount } = planUploadParts(request.size, this.deps.partSizeBytes);
    const id = createId();
    const storageKey = originalKey(id);
    const uploadId = await bucket.start(storageKey);
    const presignS = Math.min(Math.floor(this.deps.expiryMs / 1000), MAX_PRESIGN_S);
    const expiresAt = new Date(Date.now() + presignS * 1000);
    let file: FileRecord;
    try {
      file = await uploads.create({
        file: { id, originalName: cleanOriginalName(request.filename), mime: cleanMimeType(request.contentType), storageKey, owner: caller.owner },
        uploadId,
        declaredBytes: request.size,
        partSize,
        partCount,
        expiresAt,
      });
    } catch (err) {
      await this.abortQuietly(storageKey, uploadId);
      throw err;
    }
    // Nothing was uploaded yet: a refused job takes the bucket's upload and the rows with it (the upload's by cascade).
    const job = request.transcode
      ? await media.admitWaitingJob(id, request, caller, async () => {
          await this.abortQuietly(storageKey, uploadId);
          await this.deps.files.delete(id);
        })
      : null;
    const parts = await bucket.presignParts(storageKey, uploadId, partCount, presignS);
    this.deps.logger.info({ fileId: id, partCount, partSize, owner: caller.owner }, 'direct upload started');
    return { file, uploadId, partSize, parts, expiresAt, job };
  }

  /**
   * Joins the parts in the bucket, measures the object, and queues its sniff. A part list the bucket
   * refuses answers `invalid_upload_parts` and leaves the upload open for a corrected one; an object
   * larger than declared (or than MAX_UPLOAD_BYTES) is removed and the file fails with `payload_too_large`.
   */
  async complete(fileId: string, request: CompleteDirectUpload, caller: Caller): Promise<{ file: FileRecord; job: Job | null }> {
    const bucket = this.bucketOrThrow();
    const file = await findVisibleFile(this.deps.files, fileId, caller);
    const upload = await this.claimOrThrow(file);
    try {
      await bucket.complete(file.storageKey, upload.uploadId, request.parts);
    } catch (err) {
      // The bucket completed it before, for a request that died before recording it: carry on from there.
      const completedBefore = err instanceof DirectUploadRejectedError && err.reason === 'no_such_upload' && (await this.deps.storage.stat(file.storageKey)) !== null;
      if (!completedBefore) {
        await this.deps.uploads.release(fileId);
        throw err;
      }
    }
    const bytes = (await this.deps.storage.stat(file.storageKey))?.bytes ?? 0;
    const waiting = await this.waitingJob(fileId);
    const limit = Math.min(upload.declaredBytes, this.deps.maxBytes);
    if (bytes > limit) {
      const tooLarge = new PayloadTooLargeError(`The uploaded object (${bytes} bytes, ${upload.declaredBytes} declared)`, limit);
      await this.deps.storage.delete(file.storageKey);
      await this.fail(upload, { code: tooLarge.code, message: tooLarge.message }, waiting);
      throw tooLarge;
    }
    const importing = await this.deps.uploads.closeCompleted(fileId, bytes);
    // Deleted while it was being completed: what was stored belongs to nobody.
    if (!importing) {
      await this.deps.storage.delete(file.storageKey);
      throw new UploadNotOpenError(fileId, 'the file was deleted meanwhile');
    }
    try {
      await this.deps.importQueue.add('import', { fileId, source: 'storage', ...(waiting ? { jobId: waiting.id } : {}) }, { jobId: fileId });
    } catch (err) {
      // The file is `importing` in Postgres: the import reconciler queues its sniff once Redis answers.
      this.deps.logger.warn({ err, fileId }, 'could not queue the sniff of a direct upload; the reconciler will retry it');
    }
    this.deps.logger.info({ fileId, bytes }, 'direct upload completed');
    return { file: importing, job: waiting };
  }

  /** Aborts an open upload in the bucket and deletes its file (and cancels its waiting job), as DELETE /api/media/files/{id} would. */
  async abort(fileId: string, caller: Caller): Promise<void> {
    const bucket = this.bucketOrThrow();
    const file = await findVisibleFile(this.deps.files, fileId, caller);
    const upload = await this.claimOrThrow(file);
    try {
      await bucket.abort(file.storageKey, upload.uploadId);
    } catch (err) {
      await this.deps.uploads.release(fileId);
      throw err;
    }
    await this.deps.uploads.remove(fileId);
    await this.deps.deletion.delete(fileId, caller);
    this.deps.logger.info({ fileId, by: caller.owner }, 'direct upload aborted');
  }

  /**
   * Aborts uploads past their expiry in the bucket; their files fail with `upload_expired`, and so do
   * their waiting jobs. Every API replica runs it; the claim makes each upload one replica's.
   */
  async sweepExpired(): Promise<number> {
    if (!this.deps.bucket) return 0;
    let swept = 0;
    for (const listed of await this.deps.uploads.listExpired(SWEEP_BATCH)) {
      const upload = await this.deps.uploads.claimExpired(listed.fileId);
      if (!upload) continue;
      const key = originalKey(upload.fileId);
      try {
        await this.deps.bucket.abort(key, upload.uploadId);
        // Completed in the bucket by a request that died before recording it: that object is nobody's either.
        await this.deps.storage.delete(key);
      } catch (err) {
        await this.deps.uploads.release(upload.fileId);
        this.deps.logger.warn({ err, fileId: upload.fileId }, 'could not abort an expired direct upload; will try again');
        continue;
      }
      const failure = { code: 'upload_expired', message: `The direct upload was not completed before ${upload.expiresAt.toISOString()}.` };
      await this.fail(upload, failure, await this.waitingJob(upload.fileId));
      swept += 1;
    }
    return swept;
  }

  private bucketOrThrow(): NonNullable<DirectUploadsDeps['bucket']> {
    if (!this.deps.bucket) throw new DirectUploadUnavailableError();
    return this.deps.bucket;
  }

  /** The upload for this request alone, or why not: closed (completed, aborted, failed), expired, or another request has it. */
  private async claimOrThrow(file: FileRecord): Promise<DirectUpload> {
    const claimed = await this.deps.uploads.claim(file.id);
    if (claimed) return claimed;
    const upload = await this.deps.uploads.find(file.id);
    if (!upload) throw new UploadNotOpenError(file.id, file.state === 'uploading' ? 'it was closed meanwhile' : `the file is ${file.state}`);
    if (upload.expiresAt.getTime() <= Date.now()) {
      throw new AppError('upload_expired', `The direct upload of file ${file.id} expired at ${upload.expiresAt.toISOString()}; start a new one.`);
    }
    throw new UploadNotOpenError(file.id, 'another request is completing or aborting it');
  }

  private async waitingJob(fileId: string): Promise<Job | null> {
    const job = await this.deps.jobs.findActiveByFileId(fileId);
    return job?.stage === 'importing' ? job : null;
  }

  private async fail(upload: DirectUpload, failure: { code: string; message: string }, waiting: Job | null): Promise<void> {
    await this.deps.uploads.closeFailed(upload.fileId, failure);
    if (waiting) await this.deps.jobs.markImportFailed(waiting.id, failure);
  }

  private async abortQuietly(key: string, uploadId: string): Promise<void> {
    await this.deps.bucket?.abort(key, uploadId).catch((err: unknown) => this.deps.logger.warn({ err, key }, 'could not abort a direct upload; the bucket keeps its parts until a lifecycle rule removes them'));
  }
}
