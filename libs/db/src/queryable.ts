import type { QueryResult, QueryResultRow } from 'pg';

/** A bare query function, e.g. one that records or wraps queries. */
export type QueryFn = <R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) => Promise<QueryResult<R>>;

/** What repositories accept: a `pg.Pool`, a checked-out `PoolClient` (to join a transaction) or a query function. */
export type Queryable = { query: QueryFn } | QueryFn;

export function toQueryFn(db: Queryable): QueryFn {
  if (typeof db === 'function') return db;
  return (text, values) => db.query(text, values);
}

/** Collects positional parameters so SQL fragments can say `${p.add(value)}` instead of counting `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
