import { rm } from 'node:fs/promises';
import { createId } from '@paralleldrive/cuid2';
import type { FileRecord, FilesRepository, Job, JobAdmission, JobsRepository } from '@reelforge/db';
import { assertLadderWithinBounds, type LadderBounds } from '@reelforge/media';
import type { MediaSniffer } from '@reelforge/ffmpeg';
import { enqueueAttempt, type JobQueue, type TranscodeQueue } from '@reelforge/queue';
import { originalKey, type StorageDriver } from '@reelforge/storage';
import { privateLiteralHost, WebhookUrlNotAllowedError } from '@reelforge/webhooks';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError, ConflictError, ServiceUnavailableError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import { ownerQueueLimit, ownerQuotaExceeded, type OwnerQuotas } from './owner-quota.policy.js';
import { assertImportableUrl, importedName, type ImportRequest } from './import.request.js';
import type { TranscodeRequest } from './transcode.request.js';
import { assertFileReady, findVisibleFile } from './visible-file.js';
import type { ReceivedUpload } from './upload.receiver.js';

export interface MediaServiceDeps {
  files: FilesRepository;
  jobs: JobsRepository;
  /** Creates jobs within their owner's queued-jobs limit and ranks them for fair scheduling. */
  admission: JobAdmission;
  quotas: OwnerQuotas;
  storage: StorageDriver;
  queue: TranscodeQueue;
  /** The queue's producer connection; its status tells whether Redis is reachable right now. */
  queueRedis: Redis;
  /**
   * Probes a local file for the facts the files row keeps (the only place they are stored); rejects with
   * a `code: 'invalid_media'` error for anything that is not media.
   */
  sniff: MediaSniffer;
  /** Where URL imports are fetched from (by the worker process). */
  importQueue: JobQueue<'imports'>;
  /** IMPORT_ALLOW_PRIVATE_NETWORKS: accept import URLs that name a private or reserved IP address. */
  allowPrivateImports: boolean;
  /** LADDER_MAX_HEIGHT and X264_SLOWEST_PRESET: what a request's own ladder may ask for. */
  ladderBounds: LadderBounds;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: accept webhook URLs that name a private or reserved IP address. */
  allowPrivateWebhooks: boolean;
  logger: Logger;
}

/** A complete upload on local disk, with the client's name and type already cleaned. */
export type IngestSource = Pick<ReceivedUpload, 'path' | 'originalName' | 'mime' | 'bytes'>;

export class InvalidUploadError extends AppError {
  constructor(message: string) {
    super('invalid_media', message);
  }
}

export class MediaService {
  constructor(private readonly deps: MediaServiceDeps) {}

  /** A multipart upload: stored like any other original, then its temporary directory is removed. */
  async upload(received: ReceivedUpload, caller: Caller): Promise<FileRecord> {
    try {
      return await this.ingest(received, caller);
    } finally {
      await rm(received.dir, { recursive: true, force: true });
    }
  }

  /**
   * Turns a complete local file into a stored original and its files row, whichever route received
   * it (multipart or resumable). Sniffs with ffprobe before anything is stored, so a PNG named .mp4 is
   * refused here rather than failing later in a worker. Nothing is stored on any failure; the caller
   * owns and removes `source.path`.
   */
  async ingest(source: IngestSource, caller: Caller): Promise<FileRecord> {
    const { files, storage, sniff } = this.deps;
    if (source.bytes === 0) throw new InvalidUploadError('The uploaded file is empty (0 bytes).');
    const facts = await sniff(source.path);
    const id = createId();
    const storageKey = originalKey(id);
    // The client's content type is only recorded in the row: storage keeps originals opaque and private.
    await storage.putFile(storageKey, source.path);
    try {
      return await files.insert({
        id,
        originalName: source.originalName.slice(0, 1000),
        mime: source.mime,
        sizeBytes: source.bytes,
        storageKey,
        durationS: facts.durationS,
        width: facts.width,
        height: facts.height,
        owner: caller.owner,
      });
    } catch (err) {
      await storage.delete(storageKey).catch((cleanupErr: unknown) =>
        this.deps.logger.error({ err: cleanupErr, storageKey }, 'could not remove an upload after its row failed'),
      );
      throw err;
    }
  }

  async submitTranscode(
    request: TranscodeRequest,
    context: { caller: Caller; idempotencyKey: string | undefined },
  ): Promise<{ job: Job; created: boolean }> {
    const { files, jobs, admission, queue, queueRedis } = this.deps;
    this.refusePrivateWebhookLiteral(request.webhookUrl);
    assertLadderWithinBounds(request.ladder, this.deps.ladderBounds);
    // The file first: a replayed request for a file deleted since gets the 404, not the old job.
    const file = await findVisibleFile(files, request.fileId, context.caller);
    if (context.idempotencyKey !== undefined) {
      const previous = await jobs.findByIdempotencyKey(context.caller.owner, context.idempotencyKey);
      if (previous) return { job: this.sameRequestOrThrow(previous, request), created: false };
    }
    assertFileReady(file);
    // Refuse before writing anything while Redis is unreachable: the client gets a 503 it can retry.
    if (queueRedis.status !== 'ready') {
      throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');
    }
    const outcome = await admission.create(
      {
        fileId: file.id,
        ladder: request.ladder ?? null,
        priority: request.priority ?? null,
        webhookUrl: request.webhookUrl ?? null,
        webhookEvents: request.webhookEvents ?? null,
        // The file's owner, also when an administrator starts the job: the file's owner sees its jobs.
        owner: file.owner,
        idempotencyKey: context.idempotencyKey ?? null,
      },
      ownerQueueLimit(this.deps.quotas, context.caller),
    );
    if (!outcome.created) {
      if (outcome.reason === 'owner_quota') throw ownerQuotaExceeded(file.owner, outcome.queued, this.deps.quotas);
      if (outcome.reason === 'idempotency_key') return { job: this.sameRequestOrThrow(outcome.job, request), created: false };
      return { job: outcome.job, created: false };
    }
    const { job, rank } = outcome;
    try {
      await enqueueAttempt(queue, job, file, rank);
    } catch (err) {
      // The row is queued in Postgres; the reconciler re-enqueues it once Redis answers again.
      this.deps.logger.warn({ err, jobId: job.id }, 'enqueue failed; the reconciler will retry it');
    }
    return { job, created: true };
  }

  /**
   * A file fetched from a URL by the worker: its row exists from now on, in state `importing`, owned by
   * the caller. With `transcode: true` its job is created now (stage `importing`, so the job status shows
   * it from the start) and enqueued by the worker once the import is done. URLs that can be judged
   * without the network (scheme, credentials, private IP literals) are refused here with `import_refused`.
   */
  async importFromUrl(request: ImportRequest, caller: Caller): Promise<{ file: FileRecord; job: Job | null }> {
    const { files, importQueue, queueRedis } = this.deps;
    const url = assertImportableUrl(request.url, this.deps.allowPrivateImports);
    if (request.transcode) this.assertTranscodeOptions(request);
    if (queueRedis.status !== 'ready') {
      throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');
    }
    const id = createId();
    const file = await files.insertImporting({ id, originalName: importedName(url), storageKey: originalKey(id), sourceUrl: request.url, owner: caller.owner });
    // Nothing was fetched yet: on refusal the file goes again, so a refused request leaves nothing behind.
    const job = request.transcode ? await this.admitWaitingJob(id, request, caller, () => files.delete(id)) : null;
    try {
      await importQueue.add('import', { fileId: id, url: request.url, ...(job ? { jobId: job.id } : {}) }, { jobId: id });
    } catch (err) {
      await files.delete(id);
      this.deps.logger.warn({ err, fileId: id }, 'could not queue an import');
      throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');
    }
    return { file, job };
  }

  /** What a request may ask of the transcode it starts (webhook address, ladder bounds), judged before anything is written. */
  assertTranscodeOptions(request: Pick<TranscodeRequest, 'webhookUrl' | 'ladder'>): void {
    this.refusePrivateWebhookLiteral(request.webhookUrl);
    assertLadderWithinBounds(request.ladder, this.deps.ladderBounds);
  }

  /**
   * The transcode job of a file still on its way (URL import, direct upload), created now at stage
   * `importing` within the owner's queued-jobs limit, so the job status shows it from the start; the
   * worker enqueues it once the file is ready. On refusal `discard` runs first (the file goes again).
   */
  async admitWaitingJob(
    fileId: string,
    options: Pick<TranscodeRequest, 'ladder' | 'priority' | 'webhookUrl'>,
    caller: Caller,
    discard: () => Promise<unknown>,
  ): Promise<Job> {
    const outcome = await this.deps.admission.create(
      {
        fileId,
        ladder: options.ladder ?? null,
        priority: options.priority ?? null,
        webhookUrl: options.webhookUrl ?? null,
        owner: caller.owner,
        stage: 'importing',
      },
      ownerQueueLimit(this.deps.quotas, caller),
    );
    if (outcome.created) return outcome.job;
    await discard();
    if (outcome.reason === 'owner_quota') throw ownerQuotaExceeded(caller.owner, outcome.queued, this.deps.quotas);
    throw new Error(`a new file ${fileId} already had a job`);
  }

  /**
   * A webhook URL naming a private IP literal is refused while the client is still here to read why;
   * names are judged when the worker connects (DNS can change), where they fail the delivery instead.
   */
  private refusePrivateWebhookLiteral(webhookUrl: string | undefined): void {
    if (webhookUrl === undefined || this.deps.allowPrivateWebhooks) return;
    const host = privateLiteralHost(new URL(webhookUrl));
    if (host !== undefined) {
      throw new WebhookUrlNotAllowedError(webhookUrl, `${host} is a private or reserved address; an operator can allow it with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`);
    }
  }

  private sameRequestOrThrow(job: Job, request: TranscodeRequest): Job {
    if (job.fileId !== request.fileId) {
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was already used for a different file.');
    }
    return job;
  }
}
