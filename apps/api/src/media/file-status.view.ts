import { JobStatusSchema, type FileRecord, type Job } from '@reelforge/db';
import { z } from 'zod';

/**
 * Where a file is on its way to being usable. Today only `ready` occurs: a files row is written only
 * after the upload has been stored and sniffed. The other states are planned for resumable uploads and
 * URL imports (issue 14), which will record them on the row; clients should already expect them.
 */
export const FILE_STATES = ['importing', 'uploading', 'ready', 'failed'] as const;
export type FileState = (typeof FILE_STATES)[number];

const timestamp = z.iso.datetime({ offset: true });

/** GET /api/media/files/:fileId. Built only by `toFileStatus`. */
export const FileStatusSchema = z.object({
  fileId: z.string(),
  originalName: z.string(),
  mime: z.string().nullable(),
  sizeBytes: z.int().nonnegative(),
  durationS: z.number().nonnegative().nullable(),
  width: z.int().positive().nullable(),
  height: z.int().positive().nullable(),
  createdAt: timestamp,
  state: z
    .enum(FILE_STATES)
    .describe(
      'ready: stored and probed, transcodes may start. Planned, not yet produced: importing (a URL import is fetching it), uploading (a resumable or direct upload is unfinished), failed (it never became usable; see error).',
    ),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why the file failed; null unless state is failed'),
  latestJob: z
    .object({ jobId: z.string(), status: JobStatusSchema })
    .nullable()
    .describe('The newest transcode job of the file (details at GET /api/media/transcode/{fileId}); null before the first'),
});
export type FileStatus = z.infer<typeof FileStatusSchema>;

/** The state a stored row is in; see FILE_STATES for why it is `ready` today. */
export function fileStateOf(_file: FileRecord): FileState {
  return 'ready';
}

export function toFileStatus(file: FileRecord, latestJob: Job | null): FileStatus {
  return {
    fileId: file.id,
    originalName: file.originalName,
    mime: file.mime,
    sizeBytes: file.sizeBytes,
    durationS: file.durationS,
    width: file.width,
    height: file.height,
    createdAt: file.createdAt.toISOString(),
    state: fileStateOf(file),
    error: null,
    latestJob: latestJob ? { jobId: latestJob.id, status: latestJob.status } : null,
  };
}
