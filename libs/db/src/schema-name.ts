import { InvalidSchemaNameError } from './db.errors.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns the name unchanged when it is safe to use unquoted in `search_path` and DDL. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) throw new InvalidSchemaNameError(schema);
  return schema;
}
