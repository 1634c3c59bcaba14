import { BINDING_PATTERN, DATABASE_ENGINES } from './app-spec.reference.js';
import type { SpecComponent } from './app-spec.schema.js';
import type { ComponentRole } from './component-requirements.table.js';
import { COMPONENT_REQUIREMENTS, isSecretEnvName, requirementOf } from './component-requirements.table.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import type { SpecContext } from './spec-context.js';

const CLOUD_VALUES: Readonly<Record<string, string>> = COMPONENT_REQUIREMENTS.cloudValues;
const DATABASE_BINDINGS: Readonly<Record<string, readonly string[]>> = COMPONENT_REQUIREMENTS.databaseBindings;

/** Example values for the fix of a missing, non-secret variable. */
const EXAMPLES: Readonly<Record<string, string>> = {
  SPACES_BUCKET: '<your Space name>',
  SPACES_REGION: '<Space region, e.g. nyc3>',
  SPACES_ENDPOINT: 'https://<region>.digitaloceanspaces.com',
  BULL_BOARD_USER: 'admin',
};

/** What each component must have (from COMPONENT_REQUIREMENTS), bound to the right kind of database. */
export function checkEnvRequirements(ctx: SpecContext): Problem[] {
  return ctx.components.flatMap((component) => {
    const role = ctx.role(component).role;
    return [
      ...checkRequired(ctx, component, role),
      ...checkDatabaseKinds(ctx, component),
      ...checkUnneededSecrets(ctx, component, role),
      ...checkUploadAcl(ctx, component, role),
    ];
  });
}

function checkRequired(ctx: SpecContext, component: SpecComponent, role: ComponentRole): Problem[] {
  const envs = ctx.envs(component);
  return requirementOf(role).required.flatMap((key) => {
    const env = envs.get(key);
    const field = `envs.${key}`;
    if (env === undefined) {
      return [error({ component: component.label, field, message: `missing (the ${role} needs it)`, fix: addFix(ctx, key) })];
    }
    const wanted = CLOUD_VALUES[key];
    if (wanted !== undefined && typeof env.value === 'string' && env.value !== wanted) {
      return [
        error({
          component: component.label,
          field,
          message: `"${env.value}" keeps media on the instance's disk, which App Platform wipes on every deploy and does not share between instances`,
          fix: `set value: ${wanted} (with the SPACES_* variables)`,
        }),
      ];
    }
    return [];
  });
}

function addFix(ctx: SpecContext, key: string): string {
  const engines = DATABASE_BINDINGS[key];
  if (engines !== undefined) {
    const database = [...ctx.databases.entries()].find(([, db]) => db.engine !== undefined && engines.includes(db.engine))?.[0];
    const variable = key === 'DATABASE_CA_CERT' ? 'CA_CERT' : 'DATABASE_URL';
    const binding = `\${${database ?? '<db>'}.${variable}}`;
    const declare = database === undefined ? ` and declare a ${engines.join(' or ')} database under databases:` : '';
    return `add { key: ${key}, scope: RUN_TIME, value: ${binding} }${declare}`;
  }
  const fixed = CLOUD_VALUES[key];
  if (fixed !== undefined) return `add { key: ${key}, scope: RUN_TIME, value: ${fixed} }`;
  if (isSecretEnvName(key)) return `add { key: ${key}, type: SECRET, scope: RUN_TIME } and set its value in the App Platform console / doctl`;
  return `add { key: ${key}, scope: RUN_TIME, value: "${EXAMPLES[key] ?? '...'}" }`;
}

/** DATABASE_URL must point at Postgres and REDIS_URL at Valkey/Redis, not the other way round. */
function checkDatabaseKinds(ctx: SpecContext, component: SpecComponent): Problem[] {
  return [...ctx.envs(component).values()].flatMap((env) => {
    const engines = DATABASE_BINDINGS[env.key];
    if (engines === undefined || typeof env.value !== 'string') return [];
    return [...env.value.matchAll(BINDING_PATTERN)].flatMap((match) => {
      const target = (match[1] ?? '').split('.')[0] ?? '';
      const engine = ctx.databases.get(target)?.engine;
      // An unknown engine is reported on the database itself.
      if (engine === undefined || !(DATABASE_ENGINES as readonly string[]).includes(engine) || engines.includes(engine)) return [];
      return [
        error({
          component: component.label,
          field: `envs.${env.key}`,
          message: `bound to "${target}", a ${engine} database`,
          fix: `bind it to a ${engines.join(' or ')} database`,
        }),
      ];
    });
  });
}

/** Least privilege: a secret the component's process never reads should not be handed to it. */
function checkUnneededSecrets(ctx: SpecContext, component: SpecComponent, role: ComponentRole): Problem[] {
  const requirement = requirementOf(role);
  const used = new Set<string>([...requirement.required, ...requirement.optional]);
  return (component.spec.envs ?? [])
    .filter((env) => (COMPONENT_REQUIREMENTS.secrets as readonly string[]).includes(env.key) && !used.has(env.key))
    .map((env) =>
      warning({ component: component.label, field: `envs.${env.key}`, message: `the ${role} does not use it`, fix: 'remove it (give each component only the secrets it needs)' }),
    );
}

/**
 * SPACES_ACL makes HLS output public; the API writes only uploaded originals, which stay private
 * whatever it says. Set on the API it does nothing but suggest the uploads are public.
 */
function checkUploadAcl(ctx: SpecContext, component: SpecComponent, role: ComponentRole): Problem[] {
  if (role !== 'api' || !ctx.envs(component).has('SPACES_ACL')) return [];
  const appWide = !(component.spec.envs ?? []).some((env) => env.key === 'SPACES_ACL');
  return [
    warning({
      component: component.label,
      field: 'envs.SPACES_ACL',
      message: `set for the API${appWide ? ' by the app-wide envs' : ''}, which stores only uploaded originals: they stay private whatever SPACES_ACL says`,
      fix: `set SPACES_ACL on the worker only${appWide ? ', not app-wide' : ''}: it applies to the HLS output the workers write`,
    }),
  ];
}
