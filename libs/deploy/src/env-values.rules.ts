import {
  APP_BINDABLE_VARS,
  BINDING_PATTERN,
  DATABASE_BINDABLE_VARS,
  DEFAULT_ENV_SCOPE,
  ENCRYPTED_VALUE_PATTERN,
  ENV_SCOPES,
  ENV_TYPES,
} from './app-spec.reference.js';
import type { EnvVarSpec } from './app-spec.schema.js';
import { isSecretEnvName } from './component-requirements.table.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import { credentialShapeOf, isPlaceholder } from './secret-value.detector.js';
import type { SpecContext } from './spec-context.js';

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONSOLE = 'the App Platform console / doctl';

/** Every env entry on its own: scope, type, value shape, secrets in plain text, bindings. */
export function checkEnvValues(ctx: SpecContext): Problem[] {
  return [
    ...checkEnvList(ctx, 'app', ctx.spec.envs ?? []),
    ...ctx.components.flatMap((component) => checkEnvList(ctx, component.label, component.spec.envs ?? [])),
  ];
}

function checkEnvList(ctx: SpecContext, component: string, envs: readonly EnvVarSpec[]): Problem[] {
  const seen = new Set<string>();
  return envs.flatMap((env) => {
    const duplicate = seen.has(env.key);
    seen.add(env.key);
    const field = `envs.${env.key}`;
    if (duplicate) {
      return [error({ component, field, message: 'declared twice', fix: 'keep one entry per key' })];
    }
    if (!KEY_PATTERN.test(env.key)) {
      return [error({ component, field, message: `"${env.key}" is not a valid variable name`, fix: 'use letters, digits and _, not starting with a digit' })];
    }
    return [...checkScopeAndType(component, field, env), ...checkValue(ctx, component, field, env)];
  });
}

function checkScopeAndType(component: string, field: string, env: EnvVarSpec): Problem[] {
  const problems: Problem[] = [];
  if (env.scope !== undefined && !(ENV_SCOPES as readonly string[]).includes(env.scope)) {
    const guess = suggest(env.scope, ENV_SCOPES);
    problems.push(
      error({
        component,
        field: `${field}.scope`,
        message: `"${env.scope}" is not a valid scope`,
        fix: `use RUN_TIME, BUILD_TIME or RUN_AND_BUILD_TIME (omitted = ${DEFAULT_ENV_SCOPE})${guess === undefined ? '' : `; did you mean ${guess}?`}`,
      }),
    );
  }
  if (env.type !== undefined && !(ENV_TYPES as readonly string[]).includes(env.type)) {
    const guess = suggest(env.type, ENV_TYPES);
    problems.push(
      error({
        component,
        field: `${field}.type`,
        message: `"${env.type}" is not a valid type`,
        fix: `use GENERAL or SECRET (omitted = GENERAL)${guess === undefined ? '' : `; did you mean ${guess}?`}`,
      }),
    );
  }
  return problems;
}

function checkValue(ctx: SpecContext, component: string, field: string, env: EnvVarSpec): Problem[] {
  const secretName = isSecretEnvName(env.key);
  const isSecretType = env.type === 'SECRET';
  // An unknown type is reported by checkScopeAndType; do not report the same entry twice.
  const typeKnown = env.type === undefined || (ENV_TYPES as readonly string[]).includes(env.type);
  const problems: Problem[] = [];
  if (env.value === undefined) {
    if (secretName && !isSecretType && typeKnown) {
      problems.push(
        error({ component, field, message: 'secret not typed SECRET', fix: `set type: SECRET so the value entered in ${CONSOLE} is stored encrypted` }),
      );
    }
  } else if (typeof env.value !== 'string') {
    problems.push(error({ component, field: `${field}.value`, message: `${typeof env.value} ${String(env.value)} is not a string`, fix: `quote it: value: "${String(env.value)}"` }));
  } else if (!ENCRYPTED_VALUE_PATTERN.test(env.value)) {
    problems.push(...checkPlainValue(ctx, component, field, env, env.value, secretName));
  }
  if (isSecretType && buildsWith(env)) {
    problems.push(
      warning({
        component,
        field: `${field}.scope`,
        message: `${env.scope ?? `omitted (${DEFAULT_ENV_SCOPE})`}, so the secret is also passed to the image build`,
        fix: 'set scope: RUN_TIME',
      }),
    );
  }
  return problems;
}

function checkPlainValue(ctx: SpecContext, component: string, field: string, env: EnvVarSpec, value: string, secretName: boolean): Problem[] {
  const bindings = [...value.matchAll(BINDING_PATTERN)].map((m) => (m[1] ?? '').trim());
  const literal = value.replace(BINDING_PATTERN, '');
  const shape = credentialShapeOf(literal);
  if (shape !== undefined) {
    return [
      error({
        component,
        field,
        message: `value looks like ${shape}`,
        fix: `remove it from this file, revoke and rotate it (git history keeps it), and set the new one as type: SECRET in ${CONSOLE}`,
      }),
    ];
  }
  if (secretName && bindings.length === 0) {
    const fix = env.type === 'SECRET' ? `remove the value and put it in ${CONSOLE}, not in this file` : `set type: SECRET and put the value in ${CONSOLE}, not in this file`;
    return [error({ component, field, message: 'secret in plain text', fix })];
  }
  const problems = bindings.flatMap((binding) => checkBinding(ctx, component, field, env, binding));
  if (isPlaceholder(literal)) {
    problems.push(warning({ component, field, message: `placeholder "${value}" not replaced`, fix: 'put your real value here before deploying' }));
  }
  return problems;
}

function checkBinding(ctx: SpecContext, component: string, field: string, env: EnvVarSpec, binding: string): Problem[] {
  const parts = binding.split('.');
  const [target = '', ...rest] = parts;
  if (parts.length === 1) {
    if ((APP_BINDABLE_VARS as readonly string[]).includes(binding)) return [];
    return [
      warning({
        component,
        field,
        message: `"\${${binding}}" is not an app-wide variable App Platform provides`,
        fix: `bind to a database or component: \${<name>.${binding}} (app-wide: ${APP_BINDABLE_VARS.join(', ')})`,
      }),
    ];
  }
  if (target === '_self' || (ctx.componentNames.has(target) && !ctx.databases.has(target))) return [];
  if (!ctx.databases.has(target)) {
    const known = [...ctx.databases.keys(), ...ctx.componentNames];
    return [
      error({
        component,
        field,
        message: `"\${${binding}}" refers to "${target}", which is not a declared database or component`,
        fix: `declare it under databases: (name: ${target}) or use one of: ${known.join(', ') || '(none declared)'}`,
      }),
    ];
  }
  const variable = rest.at(-1) ?? '';
  const problems: Problem[] = [];
  if (rest.length > 2 || !(DATABASE_BINDABLE_VARS as readonly string[]).includes(variable)) {
    const redisLike = /REDIS|VALKEY/.test(variable);
    problems.push(
      error({
        component,
        field,
        message: `"\${${binding}}" is not a variable database "${target}" provides`,
        fix: redisLike
          ? `use \${${target}.DATABASE_URL} (for Valkey/Redis it is the rediss:// URL)`
          : `use one of ${DATABASE_BINDABLE_VARS.map((v) => `\${${target}.${v}}`).join(', ')}`,
      }),
    );
  }
  if (buildsWith(env)) {
    problems.push(
      warning({
        component,
        field: `${field}.scope`,
        message: `${env.scope ?? `omitted (${DEFAULT_ENV_SCOPE})`}, but database bindings are resolved at run time only`,
        fix: 'set scope: RUN_TIME',
      }),
    );
  }
  return problems;
}

function buildsWith(env: EnvVarSpec): boolean {
  return env.scope === undefined || env.scope === 'BUILD_TIME' || env.scope === 'RUN_AND_BUILD_TIME';
}

/** `RUNTIME` → RUN_TIME, `run_and_build` → RUN_AND_BUILD_TIME. */
function suggest(value: string, candidates: readonly string[]): string | undefined {
  const squash = (s: string): string => s.toUpperCase().replace(/[^A-Z]/g, '');
  const wanted = squash(value);
  if (wanted.length < 3) return undefined;
  const longestFirst = [...candidates].sort((a, b) => b.length - a.length);
  return (
    candidates.find((c) => squash(c) === wanted) ??
    longestFirst.find((c) => squash(c).startsWith(wanted)) ??
    longestFirst.find((c) => wanted.startsWith(squash(c)))
  );
}
