import { DATABASE_ENGINES, JOB_KINDS } from './app-spec.reference.js';
import type { DatabaseSpec } from './app-spec.schema.js';
import { requirementOf } from './component-requirements.table.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import type { SpecContext } from './spec-context.js';

/** The migration job, which processes run at all, and the managed databases. */
export function checkTopology(ctx: SpecContext): Problem[] {
  return [...checkJobs(ctx), ...checkPresence(ctx), ...checkDatabases(ctx)];
}

function checkJobs(ctx: SpecContext): Problem[] {
  return ctx.components
    .filter((c) => c.kind === 'job')
    .flatMap(({ label, spec }) => {
      if (spec.kind === undefined) {
        return [warning({ component: label, field: 'kind', message: 'not set', fix: 'set kind: PRE_DEPLOY so it runs before each deploy' })];
      }
      if ((JOB_KINDS as readonly string[]).includes(spec.kind)) return [];
      return [error({ component: label, field: 'kind', message: `"${spec.kind}" is not a valid job kind`, fix: `use one of ${JOB_KINDS.join(', ')}` })];
    });
}

function checkPresence(ctx: SpecContext): Problem[] {
  const problems: Problem[] = [];
  const runs = (role: 'api' | 'worker' | 'migrate'): boolean =>
    ctx.components.some(
      (c) => ctx.role(c).role === role && c.kind === requirementOf(role).specKind && (role !== 'migrate' || c.spec.kind === 'PRE_DEPLOY'),
    );
  if (!runs('api')) {
    problems.push(warning({ component: 'app', field: 'services', message: 'no service runs the API', fix: 'add a service with dockerfile_path: Dockerfile.api and http_port: 3000' }));
  }
  if (!runs('worker')) {
    problems.push(warning({ component: 'app', field: 'workers', message: 'no worker runs transcodes, so jobs would wait forever', fix: 'add a worker with dockerfile_path: Dockerfile.worker' }));
  }
  if (!runs('migrate')) {
    problems.push(
      warning({
        component: 'app',
        field: 'jobs',
        message: 'no PRE_DEPLOY job runs the migrations',
        fix: `add a job with kind: PRE_DEPLOY and run_command: ${requirementOf('migrate').command.join(' ')}`,
      }),
    );
  }
  return problems;
}

function checkDatabases(ctx: SpecContext): Problem[] {
  return (ctx.spec.databases ?? []).flatMap((db, index) => checkDatabase(db, db.name ?? `databases[${index}]`));
}

function checkDatabase(db: DatabaseSpec, label: string): Problem[] {
  if (db.engine === undefined) {
    return [error({ component: label, field: 'engine', message: 'missing', fix: 'set engine: PG for Postgres or engine: VALKEY for the queue' })];
  }
  if (!(DATABASE_ENGINES as readonly string[]).includes(db.engine)) {
    return [error({ component: label, field: 'engine', message: `"${db.engine}" is not a valid engine`, fix: `use one of ${DATABASE_ENGINES.join(', ')}` })];
  }
  const problems: Problem[] = [];
  if (db.engine === 'REDIS') {
    problems.push(warning({ component: label, field: 'engine', message: 'DigitalOcean replaced managed Redis with Valkey', fix: 'use engine: VALKEY (same protocol, REDIS_URL stays a rediss:// URL)' }));
  }
  if (db.production === true && db.cluster_name === undefined) {
    problems.push(
      error({
        component: label,
        field: 'cluster_name',
        message: 'missing: a production database attaches to an existing cluster',
        fix: `create one (doctl databases create ... --engine ${db.engine.toLowerCase()}) and set cluster_name to its name`,
      }),
    );
  }
  if (db.production !== true) {
    problems.push(
      warning({
        component: label,
        field: 'production',
        message: 'not true, so this is a dev database, meant for development only',
        fix: 'create a managed cluster and set production: true with cluster_name',
      }),
    );
  }
  return problems;
}
