import { z } from 'zod';
import { decodeKey32 } from './operator-key.js';
import { listItems, secretProblems } from './secret.rules.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: RegExp, example: string) =>
  z.string().refine((v) => {
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL like ${example}`);
const httpUrl = url(/^https?:$/, 'https://example.com');
const commaList = z.string().transform(listItems);
/** libx264 presets, fastest first. */
const X264_PRESET_NAMES = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
/** An encryption key: 32 random bytes. The .env.example placeholder is refused in every environment, whatever its form. */
const key32 = z.string().transform((value, ctx) => {
  const key = /^change-me/i.test(value) ? undefined : decodeKey32(value);
  if (key) return key;
  ctx.addIssue({ code: 'custom', message: 'each key must be 32 random bytes as 64 hex digits or base64: generate one with `openssl rand -hex 32`' });
  return z.NEVER;
});

/**
 * Every environment variable Reelforge reads, in one place. Names are kept from the existing
 * deployment (SPACES_*). Empty strings count as unset, since `.env` files and App Platform
 * often carry `VAR=`.
 */
export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: port.default(3000),
    PUBLIC_BASE_URL: httpUrl.optional(),
    /**
     * Which proxies' X-Forwarded-* headers to believe (Express `trust proxy`): `false`, `true`, a hop
     * count, or addresses/subnets. Request scheme/host (tus `Location`) and client IPs follow from it.
     */
    TRUST_PROXY: z
      .string()
      .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
      .default('loopback, linklocal, uniquelocal'),

    DATABASE_URL: url(/^postgres(ql)?:$/, 'postgres://user:pass@host:5432/db').optional(),
    DATABASE_CA_CERT: z.string().optional(),
    /** Postgres schema for Reelforge's tables (default: the server's search_path, usually public). */
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lowercase schema name').optional(),
    DATABASE_POOL_MAX: positiveInt.max(100).default(10),
    REDIS_URL: url(/^rediss?:$/, 'redis://host:6379 or rediss://host:25061').optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,32}$/, 'letters, digits, - and _ only (max 32)')
      .default('reelforge'),
    EMBEDDED_DIR: z.string().default('.reelforge'),

    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    STORAGE_DIR: z.string().optional(),
    SPACES_ACCESS_KEY: z.string().optional(),
    SPACES_SECRET_KEY: z.string().optional(),
    SPACES_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name of 3-63 lowercase letters, digits, dots or dashes')
      .optional(),
    SPACES_REGION: z.string().optional(),
    SPACES_ENDPOINT: httpUrl.optional(),
    /** The endpoint presigned direct-upload URLs name: what clients reach (default SPACES_ENDPOINT; Compose: the host's port). */
    SPACES_PUBLIC_ENDPOINT: httpUrl.optional(),
    SPACES_CDN_URL: httpUrl.optional(),
    SPACES_FORCE_PATH_STYLE: z.stringbool().default(false),
    SPACES_ACL: z.enum(['public-read', 'private']).optional(),

    API_TOKENS: commaList.optional(),
    BULL_BOARD_USER: z.string().optional(),
    BULL_BOARD_PASSWORD: z.string().optional(),
    /** Bull Board may only look (no retry, clean, promote, remove, add) unless an operator sets this to false. */
    BULL_BOARD_READ_ONLY: z.stringbool().default(true),

    MAX_UPLOAD_BYTES: positiveInt.default(5 * 1024 ** 3),
    /** Where uploads are spooled before the sniff; keep it on disk, not a tmpfs, or uploads cost RAM. */
    UPLOAD_TMP_DIR: z.string().optional(),
    /** Resumable (tus) uploads in progress; every API replica must see the same directory (a shared volume). */
    TUS_UPLOAD_DIR: z.string().optional(),
    /** An unfinished resumable or direct upload is refused (410) and then removed this long after its creation. */
    UPLOAD_EXPIRY_S: positiveInt.max(30 * 24 * 3600).default(24 * 3600),
    /** How often each API process removes expired unfinished uploads. */
    UPLOAD_SWEEP_INTERVAL_S: positiveInt.max(24 * 3600).default(300),
    /** Comment line sent on every open SSE stream this often, so proxies keep idle streams open. */
    SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(300_000).default(15_000),
    /** Open live progress streams per owner: a dashboard follows a handful of jobs, a leak follows thousands. */
    SSE_MAX_STREAMS_PER_OWNER: positiveInt.max(100_000).default(20),
    /** Open live progress streams per API process, all owners together: each holds a socket and a listener. */
    SSE_MAX_STREAMS: positiveInt.max(1_000_000).default(1000),
    /** An upload must finish within this many seconds however steadily it trickles (5 GiB at ~12 Mbit/s fits). */
    UPLOAD_DEADLINE_S: positiveInt.max(7 * 24 * 3600).default(3600),
    /**
     * Queued jobs one owner may have at once; more gets 429. High enough for a batch of a few hundred
     * files, low enough that one script cannot fill Redis and Postgres with millions of rows.
     */
    OWNER_MAX_QUEUED_JOBS: positiveInt.max(1_000_000).default(1000),
    /**
     * Jobs of one owner a worker fleet runs at once; 0 means no cap. Fair scheduling already interleaves
     * owners, so the cap only matters when an operator wants to keep workers free for owners yet to come.
     */
    OWNER_MAX_RUNNING_JOBS: z.coerce.number().int().min(0).max(10_000).default(0),
    /**
     * Bearer token for GET /metrics (API and worker health port). Unset: open in development and
     * test, off in production. Lengths and placeholders of every secret: secret.rules.ts.
     */
    METRICS_TOKEN: z.string().optional(),
    WORKER_CONCURRENCY: positiveInt.max(64).default(1),
    WORKER_HEALTH_PORT: port.default(3001),
    WORKER_SHUTDOWN_GRACE_S: z.coerce.number().int().min(0).max(3600).default(30),
    JOB_LOCK_DURATION_MS: positiveInt.min(5_000).default(30_000),
    JOB_STALLED_INTERVAL_MS: positiveInt.min(1_000).default(15_000),
    JOB_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(10).default(2),
    JOB_ATTEMPTS: positiveInt.max(20).default(3),
    RECONCILE_INTERVAL_S: z.coerce.number().int().min(0).default(60),

    LADDER_HEIGHTS: commaList
      .pipe(z.array(z.coerce.number<string>().int().min(144).max(4320)).min(1))
      .default([1080, 720, 480, 360]),
    HLS_SEGMENT_SECONDS: z.coerce.number().int().min(1).max(20).default(4),
    X264_PRESET: z.enum(X264_PRESET_NAMES).default('veryfast'),
    /**
     * Inputs at least this many seconds long are encoded in parts (time ranges) by any free workers;
     * 0 encodes every input in one pass. Shorter inputs gain little: their one pass is already quick.
     */
    CHUNK_MIN_DURATION_S: z.coerce.number().int().min(0).max(24 * 3600).default(120),
    /**
     * Target length of one part, rounded to a whole number of segments. A part costs about 0.6 s
     * beyond its frames (startup, seek, storage, queue hop: BENCHMARKS.md §8), 2-3 % at 20 s, and many
     * short parts spread evenly over the workers, so the last one does not leave the others idle long.
     */
    CHUNK_SECONDS: z.coerce.number().int().min(1).max(3600).default(20),

    // Largest input accepted at upload (and again by the worker): what one file may cost to decode.
    /** Coded pixels per frame; the default fits 8K UHD (7680x4320). */
    MAX_INPUT_PIXELS: positiveInt.default(7680 * 4320),
    /** Frames per second; 120 covers high-frame-rate cameras, the ladder never encodes above 60. */
    MAX_INPUT_FPS: positiveInt.max(240).default(120),
    /** Seconds; 12 hours, as Mux accepts. */
    MAX_INPUT_DURATION_S: positiveInt.default(12 * 3600),
    /** Streams of any kind; a film with many audio and subtitle tracks stays well under 16. */
    MAX_INPUT_STREAMS: positiveInt.max(1000).default(16),
    // What a job's own ladder may ask for.
    /** Tallest rung a job may request (2160 = 4K UHD). */
    LADDER_MAX_HEIGHT: z.coerce.number().int().min(144).max(4320).default(2160),
    /** Slowest libx264 preset a job may request: slower presets cost several times the CPU. */
    X264_SLOWEST_PRESET: z.enum(X264_PRESET_NAMES).default('medium'),
    // Per-attempt time limit: JOB_TIMEOUT_FLOOR_S + JOB_TIMEOUT_FACTOR × the input's duration.
    /** Seconds of work per second of input; 10 is far above a veryfast 1080p ladder on one core. */
    JOB_TIMEOUT_FACTOR: z.coerce.number().positive().max(1000).default(10),
    /** Seconds every attempt gets whatever the duration (probe, download, uploads). */
    JOB_TIMEOUT_FLOOR_S: positiveInt.default(300),

    WEBHOOK_SECRET: z.string().optional(),
    WEBHOOK_DEFAULT_URL: httpUrl.optional(),
    /**
     * Operator keys sealing owners' webhook secrets at rest (AES-256-GCM): 32 bytes as hex or base64,
     * comma-separated; the first seals, all open (so the key can be changed without losing secrets).
     */
    WEBHOOK_SECRETS_KEY: commaList.pipe(z.array(key32).min(1)).optional(),
    /** Retries go on until this long after the first attempt (24 h, as Mux); 0 sends once. */
    WEBHOOK_RETRY_WINDOW_S: z.coerce.number().int().min(0).max(7 * 86_400).default(86_400),
    /** Optional cap on attempts per event, to end retries before the window does (unset: the window decides). */
    WEBHOOK_ATTEMPTS: positiveInt.max(1_000).optional(),
    /** First retry wait; each further one doubles, up to WEBHOOK_BACKOFF_MAX_MS. */
    WEBHOOK_BACKOFF_MS: positiveInt.min(10).max(3_600_000).default(5_000),
    /** Longest single wait between two attempts, so a receiver back up is not left waiting for hours. */
    WEBHOOK_BACKOFF_MAX_MS: positiveInt.min(10).max(86_400_000).default(3_600_000),
    /** Per-request limit for one delivery attempt. */
    WEBHOOK_TIMEOUT_MS: positiveInt.min(100).max(120_000).default(10_000),
    /** Deliveries in flight per worker process (separate from WORKER_CONCURRENCY: they are cheap). */
    WEBHOOK_CONCURRENCY: positiveInt.max(100).default(4),
    /** Webhooks to loopback, private or link-local addresses are refused unless this is true. */
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),

    /** Imports from loopback, private or link-local addresses are refused unless this is true (SSRF). */
    IMPORT_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
    /** Longest a URL import's fetch may take, first byte to last (30 min: 5 GB at about 3 MB/s). */
    IMPORT_TIMEOUT_S: positiveInt.max(86_400).default(1_800),
    /** Imports fetched at once per worker process (network-bound, separate from WORKER_CONCURRENCY). */
    IMPORT_CONCURRENCY: positiveInt.max(100).default(2),
  });

type RawEnv = Record<string, string | undefined>;

/**
 * Rules that tie variables together. They read the raw strings, so they are reported even when
 * another variable failed to parse: the operator sees every problem in one message.
 */
export type ProcessRole = 'api' | 'worker' | 'tool';

export function crossVariableProblems(raw: RawEnv, role: ProcessRole = 'api'): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  const need = (variable: string, why: string) => {
    if (raw[variable] === undefined) problems.push({ variable, message: `required ${why}` });
  };
  if (raw.STORAGE_DRIVER === 's3') {
    for (const v of ['SPACES_ACCESS_KEY', 'SPACES_SECRET_KEY', 'SPACES_BUCKET', 'SPACES_REGION']) {
      need(v, 'when STORAGE_DRIVER=s3');
    }
  }
  // Each process needs only what it uses: the migrate job has no Redis, the worker serves no API.
  if (raw.NODE_ENV === 'production') {
    need('DATABASE_URL', 'in production (the embedded Postgres is for development only)');
    if (role !== 'tool') need('REDIS_URL', 'in production (the embedded Redis is for development only)');
    if (role === 'api') need('API_TOKENS', 'in production (without tokens every request would be refused)');
  }
  if ((raw.BULL_BOARD_USER === undefined) !== (raw.BULL_BOARD_PASSWORD === undefined)) {
    need(raw.BULL_BOARD_USER === undefined ? 'BULL_BOARD_USER' : 'BULL_BOARD_PASSWORD', 'together with the other BULL_BOARD_* variable');
  }
  // The installation's own default must be a preset a job could ask for; unknown names are reported by the schema.
  const rank = (preset: string) => (X264_PRESET_NAMES as readonly string[]).indexOf(preset);
  const slowest = rank(raw.X264_SLOWEST_PRESET ?? 'medium');
  if (slowest >= 0 && rank(raw.X264_PRESET ?? 'veryfast') > slowest) {
    problems.push({ variable: 'X264_PRESET', message: 'must not be slower than X264_SLOWEST_PRESET (default medium)' });
  }
  if (Number(raw.WEBHOOK_BACKOFF_MAX_MS) < Number(raw.WEBHOOK_BACKOFF_MS ?? 5_000)) {
    problems.push({ variable: 'WEBHOOK_BACKOFF_MAX_MS', message: 'must be at least WEBHOOK_BACKOFF_MS (the first wait)' });
  }
  problems.push(...secretProblems(raw));
  return problems;
}

export type Env = z.infer<typeof EnvSchema>;
