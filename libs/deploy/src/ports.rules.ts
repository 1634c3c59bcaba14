import { DEFAULT_HTTP_PORT } from './app-spec.reference.js';
import type { SpecComponent } from './app-spec.schema.js';
import type { ComponentRequirement } from './component-requirements.table.js';
import { HEALTH_ROUTES, requirementOf } from './component-requirements.table.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import type { SpecContext } from './spec-context.js';

type HealthField = 'health_check' | 'liveness_health_check';

/** http_port, health checks and the ports the images EXPOSE. */
export function checkPorts(ctx: SpecContext): Problem[] {
  return ctx.components.flatMap((component) =>
    component.kind === 'service' ? checkService(ctx, component) : checkNonService(ctx, component),
  );
}

function checkService(ctx: SpecContext, component: SpecComponent): Problem[] {
  const { label, spec } = component;
  const requirement = requirementOf(ctx.role(component).role);
  const httpPort = spec.http_port ?? DEFAULT_HTTP_PORT;
  const portShown = spec.http_port === undefined ? `not set (App Platform then routes to ${DEFAULT_HTTP_PORT})` : `${httpPort}`;
  const problems: Problem[] = [];

  // App Platform sets PORT to http_port unless the spec sets PORT itself; then the two must agree.
  const explicitPort = numericEnv(ctx, component, requirement.listen?.env ?? 'PORT');
  if (explicitPort !== undefined && explicitPort !== httpPort) {
    problems.push(
      error({
        component: label,
        field: 'http_port',
        message: `${portShown} but PORT is ${explicitPort}, so the API listens on ${explicitPort}`,
        fix: `set http_port: ${explicitPort} (or remove PORT: App Platform then sets PORT to http_port)`,
      }),
    );
  }
  const exposed = ctx.build(component)?.dockerfile?.expose ?? [];
  const dockerfile = ctx.build(component)?.dockerfilePath;
  if (dockerfile !== undefined && exposed.length > 0 && !exposed.includes(httpPort)) {
    problems.push(
      error({ component: label, field: 'http_port', message: `${portShown} but ${dockerfile} EXPOSEs ${exposed.join(', ')}`, fix: `set http_port: ${exposed[0]}` }),
    );
  }
  if (spec.health_check?.http_path === undefined) {
    problems.push(
      warning({
        component: label,
        field: 'health_check.http_path',
        message: 'not set, so App Platform only checks that the port accepts TCP connections',
        fix: `set health_check: { http_path: ${HEALTH_ROUTES.liveness} }`,
      }),
    );
  }
  problems.push(...checkHealth(component, 'health_check', requirement, httpPort));
  problems.push(...checkHealth(component, 'liveness_health_check', requirement, httpPort));
  return problems;
}

/** Workers and jobs get no HTTP traffic; a worker may still have a liveness check on its health port. */
function checkNonService(ctx: SpecContext, component: SpecComponent): Problem[] {
  const { label, spec, kind } = component;
  const problems: Problem[] = (['http_port', 'routes', 'health_check', 'internal_ports'] as const)
    .filter((field) => spec[field] !== undefined)
    .map((field) =>
      error({
        component: label,
        field,
        message: `${kind}s receive no HTTP traffic`,
        fix: kind === 'worker' ? `remove ${field} (check the worker's health port with liveness_health_check)` : `remove ${field}`,
      }),
    );
  const requirement = requirementOf(ctx.role(component).role);
  if (spec.liveness_health_check === undefined || requirement.listen === null) return problems;
  const listenPort = numericEnv(ctx, component, requirement.listen.env) ?? requirement.listen.defaultPort;
  const checkPort = spec.liveness_health_check.port;
  if (checkPort === undefined) {
    problems.push(error({ component: label, field: 'liveness_health_check.port', message: 'missing', fix: `set port: ${listenPort}` }));
  } else {
    problems.push(...checkHealth(component, 'liveness_health_check', requirement, listenPort));
    const exposed = ctx.build(component)?.dockerfile?.expose ?? [];
    const dockerfile = ctx.build(component)?.dockerfilePath;
    if (dockerfile !== undefined && exposed.length > 0 && !exposed.includes(checkPort)) {
      problems.push(
        error({ component: label, field: 'liveness_health_check.port', message: `${checkPort} but ${dockerfile} EXPOSEs ${exposed.join(', ')}`, fix: `set port: ${exposed[0]}` }),
      );
    }
  }
  return problems;
}

function checkHealth(component: SpecComponent, field: HealthField, requirement: ComponentRequirement, listenPort: number): Problem[] {
  const check = component.spec[field];
  if (check === undefined) return [];
  const problems: Problem[] = [];
  const label = component.label;
  const routes = requirement.healthRoutes;
  if (check.path !== undefined && check.http_path === undefined) {
    problems.push(warning({ component: label, field: `${field}.path`, message: 'deprecated', fix: `use http_path: ${check.path}` }));
  }
  const path = check.http_path ?? check.path;
  if (path !== undefined && !routes.includes(path)) {
    problems.push(
      error({
        component: label,
        field: `${field}.http_path`,
        message: `"${path}" is not a route the ${roleName(requirement)} serves`,
        fix: `use ${routes.join(' (liveness) or ')}${routes.length > 1 ? ' (readiness)' : ''}`,
      }),
    );
  }
  if (check.port !== undefined && check.port !== listenPort) {
    problems.push(
      error({
        component: label,
        field: `${field}.port`,
        message: `${check.port} but the ${roleName(requirement)} listens on ${listenPort}`,
        fix: `set port: ${listenPort} (or remove it to use the component's port)`,
      }),
    );
  }
  return problems;
}

function roleName(requirement: ComponentRequirement): string {
  return requirement.specKind === 'service' ? 'API' : 'worker';
}

/** A plain numeric env value set for the component (bindings and absent values give undefined). */
function numericEnv(ctx: SpecContext, component: SpecComponent, key: string): number | undefined {
  const value = ctx.envs(component).get(key)?.value;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(parsed) ? parsed : undefined;
}

