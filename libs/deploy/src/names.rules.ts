import { NAME_PATTERN, REGIONS } from './app-spec.reference.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import type { SpecContext } from './spec-context.js';

const EXAMPLE_NAMES = { services: 'api', workers: 'worker', jobs: 'migrate', static_sites: 'site', functions: 'functions', databases: 'db' } as const;
const NAME_FIX = 'use 2–32 lowercase letters, digits or dashes, starting with a letter and not ending with a dash';

/** App name, region, and component names (valid, unique across the app, referenced correctly). */
export function checkNames(ctx: SpecContext): Problem[] {
  return [...checkAppName(ctx), ...checkRegion(ctx), ...checkComponentNames(ctx), ...checkIngress(ctx)];
}

function checkAppName({ spec }: SpecContext): Problem[] {
  if (spec.name === undefined) {
    return [error({ component: 'app', field: 'name', message: 'missing', fix: 'add name: reelforge (unique among the apps in your account)' })];
  }
  if (!NAME_PATTERN.test(spec.name)) {
    return [error({ component: 'app', field: 'name', message: `"${spec.name}" is not a valid app name`, fix: NAME_FIX })];
  }
  return [];
}

function checkRegion({ spec }: SpecContext): Problem[] {
  if (spec.region === undefined || (REGIONS as readonly string[]).includes(spec.region)) return [];
  return [
    warning({
      component: 'app',
      field: 'region',
      message: `"${spec.region}" is not a region this validator knows`,
      fix: `use one of ${REGIONS.join(', ')} (doctl apps list-regions shows the current list)`,
    }),
  ];
}

function checkComponentNames({ spec }: SpecContext): Problem[] {
  const sections = ['services', 'workers', 'jobs', 'static_sites', 'functions', 'databases'] as const;
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const section of sections) {
    (spec[section] ?? []).forEach((component, index) => {
      const label = `${section}[${index}]`;
      if (component.name === undefined) {
        problems.push(error({ component: label, field: 'name', message: 'missing', fix: `give every component a name, e.g. name: ${EXAMPLE_NAMES[section]}` }));
        return;
      }
      if (!NAME_PATTERN.test(component.name)) {
        problems.push(error({ component: component.name, field: 'name', message: `"${component.name}" is not a valid component name`, fix: NAME_FIX }));
      }
      const first = seen.get(component.name);
      if (first !== undefined) {
        problems.push(
          error({
            component: component.name,
            field: 'name',
            message: `"${component.name}" is used twice (${first} and ${label})`,
            fix: 'names must be unique across services, workers, jobs and databases: rename one',
          }),
        );
      } else {
        seen.set(component.name, label);
      }
    });
  }
  return problems;
}

function checkIngress({ spec }: SpecContext): Problem[] {
  const services = new Set((spec.services ?? []).map((s) => s.name));
  return (spec.ingress?.rules ?? []).flatMap((rule, index) => {
    const target = rule.component?.name;
    if (target === undefined || services.has(target)) return [];
    return [
      error({
        component: 'app',
        field: `ingress.rules[${index}].component.name`,
        message: `routes to "${target}", which is not a service in this spec`,
        fix: `use the name of a service: ${[...services].join(', ') || '(none declared)'}`,
      }),
    ];
  });
}
