import { Upload, type DetailedError } from 'tus-js-client';
import { ApiProblem, problemFrom } from './problem.js';

export const UPLOADS_ENDPOINT = '/api/uploads';
/** Bytes per PATCH: what a lost connection costs at most, and how often progress is confirmed. */
export const CHUNK_BYTES = 1024 * 1024;

export interface UploadHandlers {
  onProgress(sent: number, total: number): void;
  /** The upload became a file (the server's Reelforge-File-Id). */
  onDone(fileId: string): void;
  /** The connection failed; tus-js-client tries again after a pause (retryDelays). */
  onRetry(attempt: number): void;
  /** Given up (or refused by the server): the user may resume by hand. */
  onError(problem: ApiProblem): void;
}

function problemOf(err: Error | DetailedError): ApiProblem {
  const response = 'originalResponse' in err ? err.originalResponse : null;
  if (response) return problemFrom(response.getStatus(), response.getBody());
  return new ApiProblem(0, null, `The upload stopped: ${err.message}`);
}

/**
 * One tus upload (tus-js-client). Its URL is remembered by the file's fingerprint (name, type, size,
 * modification time) in localStorage, so picking the same file after a reload resumes at the offset
 * the server reports instead of starting over. The URL is no credential: every request carries the key.
 */
export class ResumableUpload {
  private readonly upload: Upload;
  /** The offset the server reported when an earlier upload of this file was found (null: a new upload). */
  resumedFrom: number | null = null;
  private fromPrevious = false;

  constructor(file: File, key: string, handlers: UploadHandlers) {
    this.upload = new Upload(file, {
      endpoint: UPLOADS_ENDPOINT,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      headers: { Authorization: `Bearer ${key}` },
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => handlers.onProgress(sent, total),
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'HEAD' && this.fromPrevious && this.resumedFrom === null) this.resumedFrom = Number(res.getHeader('Upload-Offset') ?? 0);
      },
      onSuccess: ({ lastResponse }) => {
        const fileId = lastResponse.getHeader('Reelforge-File-Id');
        if (fileId) handlers.onDone(fileId);
        else handlers.onError(new ApiProblem(lastResponse.getStatus(), null, 'The upload finished but the server named no file.'));
      },
      onShouldRetry: (err, attempt) => {
        // tus-js-client's own rule: a refusal (4xx) is final, except a conflict or a held lock.
        const status = err.originalResponse?.getStatus() ?? 0;
        const retry = !(status >= 400 && status < 500 && status !== 409 && status !== 423);
        if (retry) handlers.onRetry(attempt + 1);
        return retry;
      },
      onError: (err) => handlers.onError(problemOf(err)),
    });
  }

  /** Resumes an earlier upload of the same file if this browser remembers one, else starts a new one. */
  async start(): Promise<void> {
    const previous = await this.upload.findPreviousUploads();
    const latest = previous.sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1))[0];
    if (latest) {
      this.fromPrevious = true;
      this.upload.resumeFromPreviousUpload(latest);
    }
    this.upload.start();
  }

  pause(): void {
    void this.upload.abort();
  }

  resume(): void {
    this.upload.start();
  }
}
