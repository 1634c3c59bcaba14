import { z } from 'zod';

export const ApiKeySchema = z.object({
  id: z.string(),
  /** Files and jobs created with this key belong to this owner, and the key sees only those. */
  owner: z.string(),
  name: z.string().nullable(),
  /** The first characters of the token, for display and revocation; never enough to use it. */
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export interface ApiKeyRow {
  id: string;
  owner: string;
  name: string | null;
  token_hash: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** The hash stays in the database layer: nothing above it needs it. */
export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    owner: row.owner,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
