import { rm } from 'node:fs/promises';
import { createId } from '@paralleldrive/cuid2';
import type { FileRecord, FilesRepository, Job, JobsRepository } from '@reelforge/db';
import { enqueueAttempt, type TranscodeQueue } from '@reelforge/queue';
import { originalKey, type StorageDriver } from '@reelforge/storage';
import { privateLiteralHost, WebhookUrlNotAllowedError } from '@reelforge/webhooks';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../http/app.errors.js';
import type { TranscodeRequest } from './transcode.request.js';
import type { ReceivedUpload } from './upload.receiver.js';

export interface MediaServiceDeps {
  files: FilesRepository;
  jobs: JobsRepository;
  storage: StorageDriver;
  queue: TranscodeQueue;
  /** The queue's producer connection; its status tells whether Redis is reachable right now. */
  queueRedis: Redis;
  /**
   * Probes a local file for the facts the files row keeps (the only place they are stored); rejects with
   * a `code: 'invalid_media'` error for anything that is not media.
   */
  sniff: (path: string) => Promise<Pick<FileRecord, 'durationS' | 'width' | 'height'>>;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: accept webhook URLs that name a private or reserved IP address. */
  allowPrivateWebhooks: boolean;
  logger: Logger;
}

export class InvalidUploadError extends AppError {
  constructor(message: string) {
    super('invalid_media', message);
  }
}

export class MediaService {
  constructor(private readonly deps: MediaServiceDeps) {}

  /**
   * Sniffs the received file with ffprobe before anything is stored, so a PNG named .mp4 is refused
   * here rather than failing later in a worker. Nothing is left behind on any failure.
   */
  async upload(received: ReceivedUpload, owner: string | null): Promise<FileRecord> {
    const { files, storage, sniff } = this.deps;
    try {
      if (received.bytes === 0) throw new InvalidUploadError('The uploaded file is empty (0 bytes).');
      const facts = await sniff(received.path);
      const id = createId();
      const storageKey = originalKey(id);
      // The client's content type is only recorded in the row: storage keeps originals opaque and private.
      await storage.putFile(storageKey, received.path);
      try {
        return await files.insert({
          id,
          originalName: received.originalName.slice(0, 1000),
          mime: received.mime,
          sizeBytes: received.bytes,
          storageKey,
          durationS: facts.durationS,
          width: facts.width,
          height: facts.height,
          owner,
        });
      } catch (err) {
        await storage.delete(storageKey).catch((cleanupErr: unknown) =>
          this.deps.logger.error({ err: cleanupErr, storageKey }, 'could not remove an upload after its row failed'),
        );
        throw err;
      }
    } finally {
      await rm(received.dir, { recursive: true, force: true });
    }
  }

  async submitTranscode(
    request: TranscodeRequest,
    context: { owner: string | null; idempotencyKey: string | undefined },
  ): Promise<{ job: Job; created: boolean }> {
    const { files, jobs, queue, queueRedis } = this.deps;
    this.refusePrivateWebhookLiteral(request.webhookUrl);
    if (context.idempotencyKey !== undefined) {
      const previous = await jobs.findByIdempotencyKey(context.owner, context.idempotencyKey);
      if (previous) return { job: this.sameRequestOrThrow(previous, request), created: false };
    }
    const file = await files.findById(request.fileId);
    if (!file || (context.owner !== null && file.owner !== null && file.owner !== context.owner)) {
      throw new NotFoundError('file_not_found', `No uploaded file with id ${request.fileId}.`);
    }
    // Refuse before writing anything while Redis is unreachable: the client gets a 503 it can retry.
    if (queueRedis.status !== 'ready') {
      throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');
    }
    const outcome = await jobs.create({
      fileId: file.id,
      ladder: request.ladder ?? null,
      priority: request.priority ?? null,
      webhookUrl: request.webhookUrl ?? null,
      webhookEvents: request.webhookEvents ?? null,
      owner: context.owner,
      idempotencyKey: context.idempotencyKey ?? null,
    });
    if (!outcome.created) {
      if (outcome.reason === 'idempotency_key') return { job: this.sameRequestOrThrow(outcome.job, request), created: false };
      return { job: outcome.job, created: false };
    }
    const { job } = outcome;
    try {
      await enqueueAttempt(queue, job, file);
    } catch (err) {
      // The row is queued in Postgres; the reconciler re-enqueues it once Redis answers again.
      this.deps.logger.warn({ err, jobId: job.id }, 'enqueue failed; the reconciler will retry it');
    }
    return { job, created: true };
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
