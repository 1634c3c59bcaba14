import pg from 'pg';
import { assertSchemaName } from './schema-name.js';

export interface ConnectionOptions {
  connectionString: string;
  /** Every connection gets `search_path` = this schema (tests and tenants isolate themselves this way). */
  schema?: string;
  /** `true` = TLS verified against the system CAs; `false` = no TLS. Overrides `sslmode` in the URL. */
  ssl?: boolean;
  /** PEM CA certificate (e.g. a managed database's CA); enables verified TLS and overrides `sslmode` in the URL. */
  caCert?: string;
}

export interface CreatePoolOptions extends ConnectionOptions {
  /** Maximum connections held by the pool (default 10). */
  max?: number;
  /** How long to wait for a new connection before the query fails (default 5000 ms). */
  connectionTimeoutMs?: number;
  /**
   * Receives errors of idle connections (server restart, network drop). pg emits them on the pool,
   * and an unhandled 'error' event would crash the process; the pool discards the broken client.
   */
  onError: (error: Error) => void;
}

const SSL_URL_PARAMS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey'];

/** pg client settings shared by the pool and the migration runner. */
export function buildClientConfig(options: ConnectionOptions): pg.ClientConfig {
  const config: pg.ClientConfig = { connectionString: options.connectionString };
  // pg lets URL parameters win over explicit settings, so an explicit TLS choice removes them from the URL.
  if (options.caCert !== undefined || options.ssl !== undefined) {
    config.connectionString = withoutUrlParams(options.connectionString, SSL_URL_PARAMS);
    config.ssl =
      options.caCert !== undefined ? { ca: options.caCert, rejectUnauthorized: true } : options.ssl ? { rejectUnauthorized: true } : false;
  }
  if (options.schema !== undefined) {
    config.options = `-c search_path=${assertSchemaName(options.schema)}`;
  }
  return config;
}

export function createPool(options: CreatePoolOptions): pg.Pool {
  const pool = new pg.Pool({
    ...buildClientConfig(options),
    max: options.max ?? 10,
    // A database that drops packets instead of refusing must not hang requests: they fail and answer 503.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
  });
  pool.on('error', (error) => options.onError(error));
  return pool;
}

function withoutUrlParams(connectionString: string, names: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  for (const name of names) url.searchParams.delete(name);
  return url.toString();
}
