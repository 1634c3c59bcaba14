import { createId } from '@paralleldrive/cuid2';
import type { ErrorCode } from '@reelforge/errors';
import { FileStore } from '@tus/file-store';
import { ERRORS, Server, type Locker, type Upload } from '@tus/server';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { NodeRequest } from 'srvx/node';
import { AppError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import { STATUS_BY_CODE } from '../http/problem.middleware.js';
import type { MediaService } from '../media/media.service.js';
import { describedFile, ingestedFileId, uploadMetadataFor, uploadOwner, withIngestedFileId } from './tus-metadata.js';
import { tusErrorCode } from './tus-error.mapper.js';

/** The route tus serves; upload URLs are `<origin>/api/uploads/<uploadId>`. */
export const UPLOADS_PATH = '/api/uploads';
/** Response header of the request that completed an upload: the id of the file it became. */
export const FILE_ID_HEADER = 'Reelforge-File-Id';

export interface ResumableUploadsDeps {
  /** Unfinished uploads (bytes + a JSON state file each); every API replica must share it. */
  dir: string;
  expiryMs: number;
  maxBytes: number;
  /** Shared by every replica (RedisLocker), so two never write one upload at once. */
  locker: Locker;
  media: Pick<MediaService, 'ingest'>;
  logger: Logger;
}

/** What a request through tus ended with: a response to send as it is, or an error for the problem middleware. */
export type TusOutcome = { kind: 'response'; response: globalThis.Response } | { kind: 'error'; error: Error; headers: Headers };

/** Per-request facts the tus hooks need, keyed by the request object tus hands them. */
interface RequestContext {
  caller: Caller | undefined;
  origin: string;
  failure?: Error;
  /** An upload to remove once tus has answered (it still reads the upload after onUploadFinish). */
  finishedUploadId?: string;
}

/**
 * Resumable uploads (tus 1.0: core, creation, creation-with-upload, termination, expiration) on
 * @tus/server with a file store. When the last byte arrives the file goes through the same sniff,
 * store and insert as a multipart upload (`MediaService.ingest`), and the tus copy is removed.
 */
export class ResumableUploads {
  private readonly store: FileStore;
  private readonly server: Server;
  private readonly contexts = new WeakMap<object, RequestContext>();

  constructor(private readonly deps: ResumableUploadsDeps) {
    this.store = new FileStore({ directory: deps.dir, expirationPeriodInMilliseconds: deps.expiryMs });
    this.server = new Server({
      path: UPLOADS_PATH,
      datastore: this.store,
      locker: deps.locker,
      maxSize: deps.maxBytes,
      exposedHeaders: [FILE_ID_HEADER],
      namingFunction: () => createId(),
      // Scheme and host as Express sees them: forwarded ones only from proxies TRUST_PROXY trusts.
      generateUrl: (req, { path, id }) => `${this.contextOf(req).origin}${path}/${id}`,
      onUploadCreate: async (req, upload) => {
        const { caller } = this.contextOf(req);
        if (!caller) throw ERRORS.FILE_NOT_FOUND;
        return { metadata: uploadMetadataFor(upload.metadata, caller.owner) };
      },
      onUploadFinish: async (req, upload) => this.finish(this.contextOf(req), upload),
    });
  }

  /** Runs one request through tus. `caller` is undefined only for OPTIONS (CORS preflight, no credentials). */
  async handle(req: Request, res: Response, caller: Caller | undefined): Promise<TusOutcome> {
    const request = new NodeRequest({ req, res });
    const context: RequestContext = { caller, origin: `${req.protocol}://${req.host}` };
    this.contexts.set(request, context);
    const response = await this.server.handleWeb(request);
    if (context.finishedUploadId !== undefined) await this.remove(context.finishedUploadId);
    if (context.failure) return { kind: 'error', error: context.failure, headers: response.headers };
    const code = response.status >= 400 ? tusErrorCode(response.status) : undefined;
    if (code === undefined) return { kind: 'response', response };
    const detail = (await response.text()).trim() || `tus answered ${response.status}.`;
    return { kind: 'error', error: new AppError(code, detail), headers: response.headers };
  }

  /** Who created an upload; undefined when there is no such upload (tus then answers 404 or 410 itself). */
  async ownerOf(uploadId: string): Promise<string | undefined> {
    const upload = await this.store.getUpload(uploadId).catch(() => undefined);
    return upload ? uploadOwner(upload.metadata) : undefined;
  }

  /** Removes unfinished uploads past their expiry; returns how many. */
  sweepExpired(): Promise<number> {
    return this.server.cleanUpExpiredUploads();
  }

  private contextOf(req: object): RequestContext {
    const context = this.contexts.get(req);
    if (!context) throw new Error('a tus hook ran for a request that did not come through ResumableUploads.handle');
    return context;
  }

  /**
   * Ingests a complete upload exactly once: under the upload's lock, and recording the file id in
   * the upload's state, so a repeated final request (a client that lost the answer, or two at once)
   * gets the same file id instead of a second file. The tus copy is removed once tus has answered,
   * also when the file is refused (nothing left behind), but kept when the failure is ours (5xx), so
   * the client can repeat the final PATCH instead of sending every byte again.
   */
  private async finish(context: RequestContext, finished: Upload): Promise<{ headers: Record<string, string> }> {
    const lock = this.deps.locker.newLock(finished.id);
    await lock.lock(new AbortController().signal, () => undefined);
    try {
      const upload = await this.store.getUpload(finished.id);
      const owner = uploadOwner(upload.metadata);
      const path = upload.storage?.path;
      if (owner === undefined || path === undefined || upload.offset !== upload.size) throw ERRORS.FILE_NOT_FOUND;
      const ingested = ingestedFileId(upload.metadata);
      if (ingested !== undefined) return { headers: { [FILE_ID_HEADER]: ingested } };
      try {
        const file = await this.deps.media.ingest({ path, bytes: upload.offset, ...describedFile(upload.metadata) }, { owner, admin: false });
        const state = await this.store.configstore.get(upload.id);
        if (state) {
          state.metadata = withIngestedFileId(state.metadata, file.id);
          await this.store.configstore.set(upload.id, state);
        }
        context.finishedUploadId = upload.id;
        return { headers: { [FILE_ID_HEADER]: file.id } };
      } catch (err: unknown) {
        const code: ErrorCode | undefined = err instanceof AppError ? err.code : undefined;
        if (code !== undefined && STATUS_BY_CODE[code] < 500) context.finishedUploadId = upload.id;
        context.failure = err as Error;
        throw err;
      }
    } finally {
      await lock.unlock();
    }
  }

  private async remove(uploadId: string): Promise<void> {
    await this.store.remove(uploadId).catch((err: unknown) => {
      // Already removed by a concurrent request for the same upload: nothing left to do.
      if (err !== ERRORS.FILE_NOT_FOUND) this.deps.logger.error({ err, uploadId }, 'could not remove a finished tus upload');
    });
  }
}
