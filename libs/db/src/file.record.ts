import { z } from 'zod';

export const FileRecordSchema = z.object({
  id: z.string(),
  originalName: z.string(),
  mime: z.string().nullable(),
  sizeBytes: z.number().int().nonnegative(),
  storageKey: z.string(),
  durationS: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  sha256: z.string().nullable(),
  owner: z.string(),
  /** `importing` until a URL import has fetched and sniffed it; `failed` with `error` when it could not. */
  state: z.enum(['importing', 'uploading', 'ready', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The URL an imported file came from; null for uploads. */
  sourceUrl: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

export interface FileRow {
  id: string;
  original_name: string;
  mime: string | null;
  size_bytes: string;
  storage_key: string;
  duration_s: number | null;
  width: number | null;
  height: number | null;
  sha256: string | null;
  owner: string;
  state: FileRecord['state'];
  error_code: string | null;
  error_message: string | null;
  source_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toFileRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    originalName: row.original_name,
    mime: row.mime,
    // pg returns int8 as a string; upload limits keep sizes far below 2^53.
    sizeBytes: Number(row.size_bytes),
    storageKey: row.storage_key,
    durationS: row.duration_s,
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    owner: row.owner,
    state: row.state,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    sourceUrl: row.source_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
