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

  async findById(id: string): Promise<FileRecord | null> {
    const { rows } = await this.query<FileRow>('SELECT * FROM files WHERE id = $1', [id]);
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  /** Deletes the file row and, by cascade, its jobs and their events. Returns whether a row existed. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM files WHERE id = $1', [id]);
    return rowCount === 1;
  }
}
