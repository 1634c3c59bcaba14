/**
 * What each deployable Reelforge process needs. One table, read by the App Platform validator, the
 * deploy tests and (later) libs/config, so the Dockerfiles, the compose file and the app spec cannot
 * drift apart silently.
 */

/** HTTP health routes. The API serves both; the worker's health server serves only liveness. */
export const HEALTH_ROUTES = {
  /** No dependencies: the process is up and its event loop turns. */
  liveness: '/healthz',
  /** Postgres and Redis reachable. */
  readiness: '/readyz',
} as const;

export type ComponentRole = 'api' | 'worker' | 'migrate';

/** The App Platform section a role belongs in. */
export type SpecKind = 'service' | 'worker' | 'job';

/** Programs a process spawns, which its image must carry. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

/** Debian package that installs each tool: Debian ships ffprobe only inside its ffmpeg package. */
export const MEDIA_TOOL_PACKAGES: Readonly<Record<MediaTool, string>> = { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg' };

export interface ComponentRequirement {
  readonly specKind: SpecKind;
  /** Dockerfile at the repository root that builds the image for this role. */
  readonly dockerfile: string;
  /** Command the container runs (the image's CMD, or run_command for the migrate job). */
  readonly command: readonly string[];
  /** Where the process listens for HTTP (API traffic or the worker's health port); null: no HTTP. */
  readonly listen: { readonly env: string; readonly defaultPort: number } | null;
  readonly healthRoutes: readonly string[];
  /** Env vars that must be set for this role in the cloud. */
  readonly required: readonly string[];
  /** Env vars the role reads when present. */
  readonly optional: readonly string[];
  /** Programs the process spawns and why; its image must install them (`MEDIA_TOOL_PACKAGES`). */
  readonly mediaTools: { readonly tools: readonly MediaTool[]; readonly why: string } | null;
}

const SPACES_REQUIRED = ['SPACES_ACCESS_KEY', 'SPACES_SECRET_KEY', 'SPACES_BUCKET', 'SPACES_REGION', 'SPACES_ENDPOINT'] as const;

export const COMPONENT_REQUIREMENTS = {
  /** Values that must never be committed: typed SECRET on App Platform, `${VAR:?}` in compose. */
  secrets: ['SPACES_ACCESS_KEY', 'SPACES_SECRET_KEY', 'API_TOKENS', 'BULL_BOARD_PASSWORD', 'WEBHOOK_SECRET', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL'],
  /** Values forced in the cloud: App Platform's disk is ephemeral and not shared between instances. */
  cloudValues: { STORAGE_DRIVER: 's3' },
  /** Env vars that must be bound to a managed database of one of these engines. */
  databaseBindings: { DATABASE_URL: ['PG'], DATABASE_CA_CERT: ['PG'], REDIS_URL: ['VALKEY', 'REDIS'] },
  components: {
    api: {
      specKind: 'service',
      dockerfile: 'Dockerfile.api',
      command: ['node', 'apps/api/dist/main.js'],
      listen: { env: 'PORT', defaultPort: 3000 },
      healthRoutes: [HEALTH_ROUTES.liveness, HEALTH_ROUTES.readiness],
      required: ['DATABASE_URL', 'REDIS_URL', 'STORAGE_DRIVER', ...SPACES_REQUIRED, 'API_TOKENS', 'BULL_BOARD_USER', 'BULL_BOARD_PASSWORD'],
      // No SPACES_ACL: the API writes only uploaded originals, which stay private whatever it says.
      optional: [
        'NODE_ENV', 'PORT', 'LOG_LEVEL', 'DATABASE_CA_CERT', 'DATABASE_POOL_MAX', 'QUEUE_PREFIX', 'JOB_ATTEMPTS',
        'SPACES_CDN_URL', 'SPACES_FORCE_PATH_STYLE', 'SPACES_PUBLIC_ENDPOINT', 'PUBLIC_BASE_URL', 'MAX_UPLOAD_BYTES',
        'WEBHOOK_SECRET', 'WEBHOOK_DEFAULT_URL', 'RECONCILE_INTERVAL_S', 'METRICS_TOKEN',
      ],
      mediaTools: { tools: ['ffprobe'], why: 'sniffs every upload with ffprobe before a job is accepted' },
    },
    worker: {
      specKind: 'worker',
      dockerfile: 'Dockerfile.worker',
      command: ['node', 'apps/worker/dist/main.js'],
      listen: { env: 'WORKER_HEALTH_PORT', defaultPort: 3001 },
      healthRoutes: [HEALTH_ROUTES.liveness],
      required: ['DATABASE_URL', 'REDIS_URL', 'STORAGE_DRIVER', ...SPACES_REQUIRED],
      optional: [
        'NODE_ENV', 'LOG_LEVEL', 'DATABASE_CA_CERT', 'DATABASE_POOL_MAX', 'QUEUE_PREFIX', 'SPACES_CDN_URL',
        'SPACES_FORCE_PATH_STYLE', 'SPACES_ACL', 'PUBLIC_BASE_URL', 'WORKER_CONCURRENCY', 'WORKER_HEALTH_PORT',
        'WORKER_SHUTDOWN_GRACE_S', 'JOB_LOCK_DURATION_MS', 'JOB_STALLED_INTERVAL_MS', 'JOB_MAX_STALLED_COUNT',
        'JOB_ATTEMPTS', 'LADDER_HEIGHTS', 'HLS_SEGMENT_SECONDS', 'X264_PRESET', 'WEBHOOK_SECRET',
        'WEBHOOK_DEFAULT_URL', 'RECONCILE_INTERVAL_S', 'METRICS_TOKEN',
      ],
      mediaTools: { tools: ['ffprobe', 'ffmpeg'], why: 'probes and transcodes every job with ffprobe and ffmpeg' },
    },
    migrate: {
      specKind: 'job',
      dockerfile: 'Dockerfile.api',
      command: ['node', 'apps/cli/dist/main.js', 'migrate'],
      listen: null,
      healthRoutes: [],
      required: ['DATABASE_URL'],
      optional: ['NODE_ENV', 'LOG_LEVEL', 'DATABASE_CA_CERT', 'DATABASE_POOL_MAX'],
      mediaTools: null,
    },
  } satisfies Record<ComponentRole, ComponentRequirement>,
} as const;

/** A name that holds a credential even when it is not in the table (e.g. a future OTHER_API_KEY). */
const SECRET_NAME_PATTERN = /KEY|SECRET|TOKEN|PASSWORD/;

export function isSecretEnvName(name: string): boolean {
  return (COMPONENT_REQUIREMENTS.secrets as readonly string[]).includes(name) || SECRET_NAME_PATTERN.test(name);
}

export function requirementOf(role: ComponentRole): ComponentRequirement {
  return COMPONENT_REQUIREMENTS.components[role];
}

export const COMPONENT_ROLES = Object.keys(COMPONENT_REQUIREMENTS.components) as ComponentRole[];
