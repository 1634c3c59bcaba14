/**
 * Facts from the App Platform app spec reference that the validator checks against. Kept in one place
 * so a change on the platform side is a one-line edit.
 */

export const ENV_SCOPES = ['RUN_TIME', 'BUILD_TIME', 'RUN_AND_BUILD_TIME'] as const;
/** The scope App Platform applies when `scope` is omitted. */
export const DEFAULT_ENV_SCOPE = 'RUN_AND_BUILD_TIME';

export const ENV_TYPES = ['GENERAL', 'SECRET'] as const;

export const JOB_KINDS = ['PRE_DEPLOY', 'POST_DEPLOY', 'FAILED_DEPLOY'] as const;

export const DATABASE_ENGINES = ['PG', 'MYSQL', 'REDIS', 'VALKEY', 'MONGODB', 'KAFKA', 'OPENSEARCH'] as const;

/** Variables a database component exposes to `${<db>.<VAR>}` bindings (resolved at run time only). */
export const DATABASE_BINDABLE_VARS = ['DATABASE_URL', 'CA_CERT', 'HOSTNAME', 'PORT', 'USERNAME', 'PASSWORD', 'DATABASE', 'JDBC_DATABASE_URL'] as const;

/** App-wide bindable variables written without a component prefix, e.g. `${APP_URL}`. */
export const APP_BINDABLE_VARS = ['APP_DOMAIN', 'APP_URL', 'APP_ID'] as const;

/** Exactly one of these is the component's source. */
export const SOURCE_FIELDS = ['github', 'gitlab', 'bitbucket', 'git', 'image'] as const;

/** App and component names: 2–32 chars, lowercase letters, digits and dashes, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/** `owner/repo` for github, gitlab and bitbucket sources. */
export const REPO_PATTERN = /^[^/]+\/[^/]+$/;

/** When http_port is omitted the platform routes to this port. */
export const DEFAULT_HTTP_PORT = 8080;

export const REGIONS = ['ams', 'atl', 'blr', 'fra', 'lon', 'nyc', 'sfo', 'sgp', 'syd', 'tor'] as const;

/** `${name.VAR}` or `${name.pool.VAR}`; plain `${VAR}` for app-wide variables. */
export const BINDING_PATTERN = /\$\{([^}]*)\}/g;

/** An App Platform encrypted value, as returned by `doctl apps spec get`. */
export const ENCRYPTED_VALUE_PATTERN = /^EV\[[^\]]+\]$/;

/**
 * Scaling, from the App Platform docs ("How to Scale Apps") and DigitalOcean's OpenAPI spec
 * (app_component_instance_base / app_autoscaling_spec): `instance_count` and the autoscaling range
 * go from 1 to 250 instances, `instance_count` must not be set together with `autoscaling`, and the
 * CPU target is a percentage from 1 to 100 (default 80). Autoscaling runs on dedicated-CPU sizes
 * only; an omitted `instance_size_slug` means the shared-CPU `apps-s-1vcpu-0.5gb`.
 */
export const INSTANCE_COUNT_RANGE = { min: 1, max: 250 } as const;
export const CPU_PERCENT_RANGE = { min: 1, max: 100, default: 80 } as const;
export const DEDICATED_CPU_SIZE_PREFIX = 'apps-d-';
export const DEFAULT_INSTANCE_SIZE = 'apps-s-1vcpu-0.5gb';
/** Pre-2024 size names (basic-xxs, professional-xl, ...), replaced by apps-s-… and apps-d-… slugs. */
export const LEGACY_SIZE_PATTERN = /^(basic|professional)-/;
