import { createId } from '@paralleldrive/cuid2';
import { toFileRecord, type FileRecord, type FileRow } from './file.record.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

export interface NewFile {
  /** Defaults to a fresh cuid2; pass one when the storage key was derived from it beforehand. */
  id?: string;
  originalName: string;
  mime?: string | null;
  sizeBytes: number;
  storageKey: string;
  durationS?: number | null;
  width?: number | null;
  height?: number | null;
  sha256?: string | null;
  /** Who may see the file: an API key's owner, or ADMIN_OWNER for installation tokens and operator tools. */
  owner: string;
}

export class FilesRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  async insert(file: NewFile): Promise<FileRecord> {
    const { rows } = await this.query<FileRow>(
      `INSERT INTO files (id, original_name, mime, size_bytes, storage_key, duration_s, width, height, sha256, owner)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING *`,
      [
        file.id ?? createId(),
        file.originalName,
        file.mime ?? null,
        file.sizeBytes,
        file.storageKey,
        file.durationS ?? null,
        file.width ?? null,
        file.height ?? null,
        file.sha256 ?? null,
        file.owner,
      ],
    );
    return toFileRecord(rows[0]!);
  }

  /**
   * The row of a file being imported from `sourceUrl`: it exists (and belongs to its owner) from the
   * request on, in state `importing`, with no facts until the import has fetched and sniffed it.
   */
  async insertImporting(file: { id: string; originalName: string; storageKey: string; sourceUrl: string; owner: string }): Promise<FileRecord> {
    const { rows } = await this.query<FileRow>(
      `INSERT INTO files (id, original_name, size_bytes, storage_key, owner, state, source_url)
       VALUES ($1, $2, 0, $3, $4, 'importing', $5)
       RETURNING *`,
      [file.id, file.originalName, file.storageKey, file.owner, file.sourceUrl],
    );
    return toFileRecord(rows[0]!);
  }

  /** importing → ready with the sniffed facts (`mime: null` keeps the recorded type); null when the file is no longer importing (deleted meanwhile). */
  async markImported(
    id: string,
    facts: { mime: string | null; sizeBytes: number; durationS: number | null; width: number | null; height: number | null },
  ): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>(
      `UPDATE files SET state = 'ready', mime = COALESCE($2, mime), size_bytes = $3, duration_s = $4, width = $5, height = $6, updated_at = now()
       WHERE id = $1 AND state = 'importing' AND deleted_at IS NULL
       RETURNING *`,
      [id, facts.mime, facts.sizeBytes, facts.durationS, facts.width, facts.height],
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /** importing → failed with the reason; null when the file is no longer importing. */
  async markImportFailed(id: string, error: { code: string; message: string }): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>(
      `UPDATE files SET state = 'failed', error_code = $2, error_message = $3, updated_at = now()
       WHERE id = $1 AND state = 'importing' AND deleted_at IS NULL
       RETURNING *`,
      [id, error.code, error.message],
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /**
   * Live files still `importing` whose row is older than `olderThanMs`, oldest first, a page at a time
   * (keyed like JobsRepository.listActive): what the import reconciler checks against the queue.
   */
  async listImporting(options: { limit: number; olderThanMs: number; after?: Pick<FileRecord, 'createdAt' | 'id'> }): Promise<FileRecord[]> {
    const { rows } = await this.query<FileRow>(
      `SELECT * FROM files
       WHERE state = 'importing' AND deleted_at IS NULL AND created_at < now() - make_interval(secs => $2::double precision / 1000)
         AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($3::timestamptz, $4::text))
       ORDER BY date_trunc('milliseconds', created_at), id
       LIMIT $1`,
      [options.limit, options.olderThanMs, options.after?.createdAt ?? null, options.after?.id ?? null],
    );
    return rows.map(toFileRecord);
  }

  /** A deleted file (a tombstone, see `markDeleted`) is not found: every read path treats it as gone. */
  async findById(id: string): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>('SELECT * FROM files WHERE id = $1 AND deleted_at IS NULL', [id]);
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /** A deleted file's tombstone, for finishing a deletion whose storage clean-up failed; null for a live or unknown id. */
  async findDeletedById(id: string): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>('SELECT * FROM files WHERE id = $1 AND deleted_at IS NOT NULL', [id]);
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /**
   * Turns the file into a tombstone: the row stays, so its jobs and their job_events (the audit
   * trail) keep their foreign keys, and each of its jobs records a `file_deleted` event naming who
   * deleted it, in the same statement. Returns the file as it was, or null when it was already
   * deleted or never existed (so of two concurrent deletes exactly one wins).
   *
   * The row lock this UPDATE takes is what keeps a job from being created or requeued for the file
   * meanwhile: those statements share-lock the live file row (see JobsRepository).
   */
  async markDeleted(id: string, audit: { by: string }): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>(
      `WITH del AS (
         UPDATE files SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING *
       ), ev AS (
         INSERT INTO job_events (job_id, kind, data)
         SELECT j.id, 'file_deleted', jsonb_build_object('by', $2::text) FROM transcoding_jobs j JOIN del ON j.file_id = del.id
       )
       SELECT * FROM del`,
      [id, audit.by],
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /**
   * Removes the file row and, by cascade, its jobs and their events: for operators and tests. The API's
   * delete is `markDeleted`, which keeps the audit trail.
   */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM files WHERE id = $1', [id]);
    return rowCount === 1;
  }
}
