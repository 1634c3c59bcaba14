import { toFileRecord, type FileRecord, type FileRow } from './file.record.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

/** An open direct-to-bucket upload (see migration 1765200000000): what the bucket's multipart upload is called and how it is split. */
export interface DirectUpload {
  fileId: string;
  uploadId: string;
  declaredBytes: number;
  partSize: number;
  partCount: number;
  expiresAt: Date;
  /** Set while a request completes or aborts it. */
  claimedAt: Date | null;
  createdAt: Date;
}

interface DirectUploadRow {
  file_id: string;
  upload_id: string;
  declared_bytes: string;
  part_size: string;
  part_count: number;
  expires_at: Date;
  claimed_at: Date | null;
  created_at: Date;
}

function toDirectUpload(row: DirectUploadRow): DirectUpload {
  return {
    fileId: row.file_id,
    uploadId: row.upload_id,
    declaredBytes: Number(row.declared_bytes),
    partSize: Number(row.part_size),
    partCount: row.part_count,
    expiresAt: row.expires_at,
    claimedAt: row.claimed_at,
    createdAt: row.created_at,
  };
}

export interface NewDirectUpload {
  file: { id: string; originalName: string; mime: string | null; storageKey: string; owner: string };
  uploadId: string;
  declaredBytes: number;
  partSize: number;
  partCount: number;
  expiresAt: Date;
}

/**
 * A claim older than this is taken to belong to a request that died (a crash between claim and
 * outcome); S3 completes even a 10,000-part upload well within it.
 */
const STALE_CLAIM_S = 15 * 60;

/**
 * Direct uploads and the state of their files, each change one statement so the two tables never
 * disagree: `uploading` while the row exists; closing it moves the file on (`importing` for the sniff,
 * or `failed`) and removes the row.
 */
export class DirectUploadsRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /** The file row (state `uploading`, its size the declared one until the object is measured) with the upload's row. */
  async create(upload: NewDirectUpload): Promise<FileRecord> {
    const { rows } = await this.query<FileRow>(
      `WITH f AS (
         INSERT INTO files (id, original_name, mime, size_bytes, storage_key, owner, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'uploading')
         RETURNING *
       ), u AS (
         INSERT INTO direct_uploads (file_id, upload_id, declared_bytes, part_size, part_count, expires_at)
         SELECT f.id, $7, $4, $8, $9, $10 FROM f
       )
       SELECT * FROM f`,
      [
        upload.file.id,
        upload.file.originalName,
        upload.file.mime,
        upload.declaredBytes,
        upload.file.storageKey,
        upload.file.owner,
        upload.uploadId,
        upload.partSize,
        upload.partCount,
        upload.expiresAt,
      ],
    );
    return toFileRecord(rows[0]!);
  }

  async find(fileId: string): Promise<DirectUpload | null> {
    const { rows } = await this.query<DirectUploadRow>('SELECT * FROM direct_uploads WHERE file_id = $1', [fileId]);
    return rows[0] ? toDirectUpload(rows[0]) : null;
  }

  /**
   * Takes the upload for one request (complete or abort): null when it is closed, expired, or another
   * request holds it. `release` gives it back when the request changed nothing.
   */
  async claim(fileId: string): Promise<DirectUpload | null> {
    const { rows } = await this.query<DirectUploadRow>(
      `UPDATE direct_uploads SET claimed_at = now()
       WHERE file_id = $1 AND expires_at > now() AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))
       RETURNING *`,
      [fileId, STALE_CLAIM_S],
    );
    return rows[0] ? toDirectUpload(rows[0]) : null;
  }

  async release(fileId: string): Promise<void> {
    await this.query('UPDATE direct_uploads SET claimed_at = NULL WHERE file_id = $1', [fileId]);
  }

  /** Completed in the bucket: the row goes and the file, measured at `sizeBytes`, waits for its sniff (`importing`). */
  async closeCompleted(fileId: string, sizeBytes: number): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>(
      `WITH closed AS (DELETE FROM direct_uploads WHERE file_id = $1 RETURNING file_id)
       UPDATE files SET state = 'importing', size_bytes = $2, updated_at = now()
       FROM closed WHERE files.id = closed.file_id AND files.state = 'uploading' AND files.deleted_at IS NULL
       RETURNING files.*`,
      [fileId, sizeBytes],
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /** Closed without a usable file (too large, expired): the row goes and the file is `failed` with the reason. */
  async closeFailed(fileId: string, error: { code: string; message: string }): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>(
      `WITH closed AS (DELETE FROM direct_uploads WHERE file_id = $1 RETURNING file_id)
       UPDATE files SET state = 'failed', error_code = $2, error_message = $3, updated_at = now()
       FROM closed WHERE files.id = closed.file_id AND files.state = 'uploading' AND files.deleted_at IS NULL
       RETURNING files.*`,
      [fileId, error.code, error.message],
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /** Removes the row alone (the upload was aborted and its file deleted). */
  async remove(fileId: string): Promise<void> {
    await this.query('DELETE FROM direct_uploads WHERE file_id = $1', [fileId]);
  }

  /**
   * Uploads past their expiry that no live request holds, oldest first: what the sweep aborts. Their
   * files may be deleted meanwhile (the multipart upload is still there to abort).
   */
  async listExpired(limit: number): Promise<DirectUpload[]> {
    const { rows } = await this.query<DirectUploadRow>(
      `SELECT * FROM direct_uploads
       WHERE expires_at <= now() AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))
       ORDER BY expires_at, file_id
       LIMIT $1`,
      [limit, STALE_CLAIM_S],
    );
    return rows.map(toDirectUpload);
  }

  /** Claims an expired upload for the sweep; null when a request or another sweeper holds it. */
  async claimExpired(fileId: string): Promise<DirectUpload | null> {
    const { rows } = await this.query<DirectUploadRow>(
      `UPDATE direct_uploads SET claimed_at = now()
       WHERE file_id = $1 AND expires_at <= now() AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))
       RETURNING *`,
      [fileId, STALE_CLAIM_S],
    );
    return rows[0] ? toDirectUpload(rows[0]) : null;
  }
}
