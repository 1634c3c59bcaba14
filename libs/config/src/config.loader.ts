import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config.errors.js';
import { crossVariableProblems, EnvSchema, type Env, type ProcessRole } from './env.schema.js';

export type StorageConfig =
  | { driver: 'local'; rootDir: string }
  | {
      driver: 's3';
      bucket: string;
      region: string;
      endpoint: string | undefined;
      /** SPACES_PUBLIC_ENDPOINT: the endpoint presigned direct-upload URLs name (default `endpoint`). */
      publicEndpoint: string | undefined;
      accessKeyId: string;
      secretAccessKey: string;
      cdnUrl: string | undefined;
      forcePathStyle: boolean;
      acl: 'public-read' | 'private' | undefined;
    };

/**
 * Who may read GET /metrics on the API and the worker health port: bearers of METRICS_TOKEN when
 * it is set; without it anyone in development and test, and nobody in production, where an open
 * endpoint would publish job counts and process details to whoever reaches the port.
 */
export type MetricsAccess = { mode: 'token'; token: string } | { mode: 'open' } | { mode: 'off' };

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  /** `trustProxy` is Express's `trust proxy` value (TRUST_PROXY). */
  http: { port: number; publicBaseUrl: string | undefined; trustProxy: boolean | number | string };
  /** `url` undefined means: start the embedded Postgres (development only). */
  database: { url: string | undefined; caCert: string | undefined; schema: string | undefined; poolMax: number };
  /** `url` undefined means: spawn a private redis-server (development only). */
  redis: { url: string | undefined };
  queue: { prefix: string; attempts: number };
  embeddedDir: string;
  storage: StorageConfig;
  auth: { apiTokens: string[] };
  bullBoard: { user: string; password: string } | undefined;
  /** BULL_BOARD_READ_ONLY: Bull Board shows queues but refuses every change. */
  bullBoardReadOnly: boolean;
  /** `tmpDir` is the parent of each upload's private temporary directory (default: the OS temp dir). */
  /** `deadlineMs`: an upload still arriving after this long is refused, however steadily it trickles. */
  uploads: { maxBytes: number; tmpDir: string; deadlineMs: number };
  /** Resumable (tus) uploads: where unfinished ones live (shared by replicas), expiry and sweep period. */
  resumableUploads: { dir: string; expiryMs: number; sweepIntervalMs: number };
  /** Live progress streams (SSE): heartbeat comment interval, and open streams allowed per owner and in all. */
  events: { heartbeatMs: number; maxStreamsPerOwner: number; maxStreams: number };
  /** Per-owner fair use: queued jobs at once (submit gets 429 beyond), running jobs at once (null: no cap). */
  quotas: { maxQueuedJobs: number; maxRunningJobs: number | null };
  metrics: MetricsAccess;
  worker: {
    concurrency: number;
    healthPort: number;
    shutdownGraceMs: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    maxStalledCount: number;
  };
  reconcile: { intervalMs: number };
  media: {
    ladderHeights: number[];
    segmentSeconds: number;
    x264Preset: Env['X264_PRESET'];
    /** Chunked encoding across workers; null when CHUNK_MIN_DURATION_S is 0 (every input in one pass). */
    chunking: { minDurationS: number; chunkSeconds: number } | null;
  };
  /** Operator limits: the largest input, what a job's ladder may ask for, and each attempt's time limit. */
  limits: {
    input: { maxPixels: number; maxFrameRate: number; maxDurationS: number; maxStreams: number };
    ladder: { maxHeight: number; slowestPreset: Env['X264_SLOWEST_PRESET'] };
    jobTimeout: { factor: number; floorS: number };
  };
  webhooks: {
    secret: string | undefined;
    /** WEBHOOK_SECRETS_KEY: the first seals owners' secrets, every one opens them; empty when unset. */
    secretsKeys: Buffer[];
    defaultUrl: string | undefined;
    /** Upper bound on attempts per event; undefined: as many as the retry window needs. */
    attempts: number | undefined;
    retryWindowS: number;
    backoffMs: number;
    backoffMaxMs: number;
    timeoutMs: number;
    concurrency: number;
    allowPrivateNetworks: boolean;
  };
  /** URL imports: fetched by the worker within MAX_UPLOAD_BYTES and this time limit. */
  imports: { allowPrivateNetworks: boolean; timeoutMs: number; concurrency: number };
}

export interface LoadConfigOptions {
  /** Relative paths (STORAGE_DIR, EMBEDDED_DIR) resolve against this. */
  cwd?: string;
  /** Which process is starting; production requirements differ per role. */
  role?: ProcessRole;
}

/** Validates the whole environment at once; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, { cwd = process.cwd(), role = 'api' }: LoadConfigOptions = {}): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message: issue.message,
    })),
    ...crossVariableProblems(present, role),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const embeddedDir = path.resolve(cwd, e.EMBEDDED_DIR);
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    http: { port: e.PORT, publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''), trustProxy: e.TRUST_PROXY },
    database: { url: e.DATABASE_URL, caCert: e.DATABASE_CA_CERT, schema: e.DATABASE_SCHEMA, poolMax: e.DATABASE_POOL_MAX },
    redis: { url: e.REDIS_URL },
    queue: { prefix: e.QUEUE_PREFIX, attempts: e.JOB_ATTEMPTS },
    embeddedDir,
    storage:
      e.STORAGE_DRIVER === 's3'
        ? {
            driver: 's3',
            // superRefine guarantees these are present when STORAGE_DRIVER=s3.
            bucket: e.SPACES_BUCKET!,
            region: e.SPACES_REGION!,
            accessKeyId: e.SPACES_ACCESS_KEY!,
            secretAccessKey: e.SPACES_SECRET_KEY!,
            endpoint: e.SPACES_ENDPOINT,
            publicEndpoint: e.SPACES_PUBLIC_ENDPOINT,
            cdnUrl: e.SPACES_CDN_URL,
            forcePathStyle: e.SPACES_FORCE_PATH_STYLE,
            acl: e.SPACES_ACL,
          }
        : { driver: 'local', rootDir: path.resolve(cwd, e.STORAGE_DIR ?? path.join(e.EMBEDDED_DIR, 'storage')) },
    auth: { apiTokens: e.API_TOKENS ?? [] },
    bullBoard:
      e.BULL_BOARD_USER !== undefined && e.BULL_BOARD_PASSWORD !== undefined
        ? { user: e.BULL_BOARD_USER, password: e.BULL_BOARD_PASSWORD }
        : undefined,
    bullBoardReadOnly: e.BULL_BOARD_READ_ONLY,
    uploads: { maxBytes: e.MAX_UPLOAD_BYTES, tmpDir: path.resolve(cwd, e.UPLOAD_TMP_DIR ?? os.tmpdir()), deadlineMs: e.UPLOAD_DEADLINE_S * 1000 },
    resumableUploads: {
      dir: path.resolve(cwd, e.TUS_UPLOAD_DIR ?? path.join(e.EMBEDDED_DIR, 'tus-uploads')),
      expiryMs: e.UPLOAD_EXPIRY_S * 1000,
      sweepIntervalMs: e.UPLOAD_SWEEP_INTERVAL_S * 1000,
    },
    events: { heartbeatMs: e.SSE_HEARTBEAT_MS, maxStreamsPerOwner: e.SSE_MAX_STREAMS_PER_OWNER, maxStreams: e.SSE_MAX_STREAMS },
    quotas: { maxQueuedJobs: e.OWNER_MAX_QUEUED_JOBS, maxRunningJobs: e.OWNER_MAX_RUNNING_JOBS === 0 ? null : e.OWNER_MAX_RUNNING_JOBS },
    metrics: e.METRICS_TOKEN !== undefined ? { mode: 'token', token: e.METRICS_TOKEN } : { mode: e.NODE_ENV === 'production' ? 'off' : 'open' },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      healthPort: e.WORKER_HEALTH_PORT,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_S * 1000,
      lockDurationMs: e.JOB_LOCK_DURATION_MS,
      stalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
      maxStalledCount: e.JOB_MAX_STALLED_COUNT,
    },
    reconcile: { intervalMs: e.RECONCILE_INTERVAL_S * 1000 },
    media: {
      ladderHeights: e.LADDER_HEIGHTS,
      segmentSeconds: e.HLS_SEGMENT_SECONDS,
      x264Preset: e.X264_PRESET,
      chunking: e.CHUNK_MIN_DURATION_S === 0 ? null : { minDurationS: e.CHUNK_MIN_DURATION_S, chunkSeconds: e.CHUNK_SECONDS },
    },
    limits: {
      input: { maxPixels: e.MAX_INPUT_PIXELS, maxFrameRate: e.MAX_INPUT_FPS, maxDurationS: e.MAX_INPUT_DURATION_S, maxStreams: e.MAX_INPUT_STREAMS },
      ladder: { maxHeight: e.LADDER_MAX_HEIGHT, slowestPreset: e.X264_SLOWEST_PRESET },
      jobTimeout: { factor: e.JOB_TIMEOUT_FACTOR, floorS: e.JOB_TIMEOUT_FLOOR_S },
    },
    webhooks: {
      secret: e.WEBHOOK_SECRET,
      secretsKeys: e.WEBHOOK_SECRETS_KEY ?? [],
      defaultUrl: e.WEBHOOK_DEFAULT_URL,
      attempts: e.WEBHOOK_ATTEMPTS,
      retryWindowS: e.WEBHOOK_RETRY_WINDOW_S,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      backoffMaxMs: e.WEBHOOK_BACKOFF_MAX_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    },
    imports: { allowPrivateNetworks: e.IMPORT_ALLOW_PRIVATE_NETWORKS, timeoutMs: e.IMPORT_TIMEOUT_S * 1000, concurrency: e.IMPORT_CONCURRENCY },
  };
}

/** For process entry points: prints every configuration problem and exits with EX_CONFIG (78). */
export function loadConfigOrExit(role: ProcessRole, source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source, { role });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

/**
 * Settings for the storage driver (libs/storage) from the configuration. Local files are served by
 * the API, so their public URLs default to it; S3 URLs default to the CDN or bucket form.
 */
export function storageDriverConfig(config: Config) {
  return config.storage.driver === 'local'
    ? { ...config.storage, publicBaseUrl: config.http.publicBaseUrl ?? `http://localhost:${config.http.port}` }
    : { ...config.storage, publicBaseUrl: config.http.publicBaseUrl };
}
