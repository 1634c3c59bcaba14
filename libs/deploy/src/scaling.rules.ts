import {
  CPU_PERCENT_RANGE,
  DEDICATED_CPU_SIZE_PREFIX,
  DEFAULT_INSTANCE_SIZE,
  INSTANCE_COUNT_RANGE,
  LEGACY_SIZE_PATTERN,
} from './app-spec.reference.js';
import type { ComponentSpec, SpecComponent } from './app-spec.schema.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import type { SpecContext } from './spec-context.js';

type Autoscaling = NonNullable<ComponentSpec['autoscaling']>;

const DEDICATED_FIX = `set instance_size_slug to a dedicated-CPU size (${DEDICATED_CPU_SIZE_PREFIX}…, e.g. apps-d-2vcpu-4gb)`;

/** A fixed instance_count, or an autoscaling range, for every service, worker and job. */
export function checkScaling(ctx: SpecContext): Problem[] {
  return ctx.components.flatMap((component) =>
    component.spec.autoscaling === undefined ? checkFixedCount(component) : checkAutoscaling(component, component.spec.autoscaling),
  );
}

function checkFixedCount({ label, spec, kind }: SpecComponent): Problem[] {
  const count = spec.instance_count;
  const range = countProblem(label, 'instance_count', count);
  if (range !== undefined) return [range];
  return kind === 'worker' ? tooFewWorkers(label, 'instance_count', count) : [];
}

function checkAutoscaling(component: SpecComponent, autoscaling: Autoscaling): Problem[] {
  const { label, spec, kind } = component;
  if (kind === 'job') {
    // The API schema shares the field, but a job runs to completion once per deploy.
    return [warning({ component: label, field: 'autoscaling', message: 'jobs run once per deploy, so there is nothing to scale', fix: 'remove autoscaling (autoscaling is for services and workers)' })];
  }
  const problems: Problem[] = [];
  if (spec.instance_count !== undefined) {
    problems.push(
      error({
        component: label,
        field: 'instance_count',
        message: 'set together with autoscaling, which App Platform refuses',
        fix: 'remove instance_count: autoscaling.min_instance_count and max_instance_count set the range',
      }),
    );
  }
  problems.push(...checkSize(label, spec.instance_size_slug), ...checkRange(component, autoscaling), ...checkCpuTarget(label, autoscaling));
  return problems;
}

function checkSize(label: string, slug: string | undefined): Problem[] {
  if (slug?.startsWith(DEDICATED_CPU_SIZE_PREFIX)) return [];
  const message =
    slug === undefined
      ? `not set, so the shared-CPU ${DEFAULT_INSTANCE_SIZE} applies, and autoscaling needs a dedicated-CPU size`
      : LEGACY_SIZE_PATTERN.test(slug)
        ? `"${slug}" is a legacy size name, and autoscaling needs a dedicated-CPU ${DEDICATED_CPU_SIZE_PREFIX}… size`
        : `"${slug}" is not a dedicated-CPU size, and autoscaling needs one`;
  return [error({ component: label, field: 'instance_size_slug', message, fix: DEDICATED_FIX })];
}

function checkRange({ label, kind }: SpecComponent, { min_instance_count: min, max_instance_count: max }: Autoscaling): Problem[] {
  const minField = 'autoscaling.min_instance_count';
  const maxField = 'autoscaling.max_instance_count';
  const problems: Problem[] = [];
  if (min === undefined) {
    problems.push(error({ component: label, field: minField, message: 'missing', fix: 'set min_instance_count: the fewest instances to keep running (1 or more)' }));
  }
  if (max === undefined) {
    problems.push(error({ component: label, field: maxField, message: 'missing', fix: `set max_instance_count: the most instances to pay for (at most ${INSTANCE_COUNT_RANGE.max})` }));
  }
  const minProblem = countProblem(label, minField, min);
  const maxProblem = countProblem(label, maxField, max);
  problems.push(...[minProblem, maxProblem].filter((p): p is Problem => p !== undefined));
  if (min === undefined || max === undefined || minProblem !== undefined || maxProblem !== undefined) return problems;
  if (max < min) {
    problems.push(error({ component: label, field: maxField, message: `${max} is below min_instance_count ${min}`, fix: `set max_instance_count: ${min} or more` }));
  } else if (max === min) {
    problems.push(
      warning({
        component: label,
        field: maxField,
        message: `${max} equals min_instance_count, so autoscaling can never change the count`,
        fix: `raise max_instance_count, or replace autoscaling with instance_count: ${min}`,
      }),
    );
  }
  return kind === 'worker' ? [...problems, ...tooFewWorkers(label, minField, min)] : problems;
}

function checkCpuTarget(label: string, autoscaling: Autoscaling): Problem[] {
  const percent = autoscaling.metrics?.cpu?.percent;
  if (percent === undefined || (percent >= CPU_PERCENT_RANGE.min && percent <= CPU_PERCENT_RANGE.max)) return [];
  return [
    error({
      component: label,
      field: 'autoscaling.metrics.cpu.percent',
      message: `${percent} is not a percentage from ${CPU_PERCENT_RANGE.min} to ${CPU_PERCENT_RANGE.max}`,
      fix: `set percent: the average CPU use to keep instances at, ${CPU_PERCENT_RANGE.min}–${CPU_PERCENT_RANGE.max} (default ${CPU_PERCENT_RANGE.default})`,
    }),
  ];
}

/** An instance count outside App Platform's 1–250. */
function countProblem(label: string, field: string, count: number | undefined): Problem | undefined {
  if (count === undefined) return undefined;
  const setting = field.split('.').at(-1);
  if (count < INSTANCE_COUNT_RANGE.min) {
    return error({ component: label, field, message: `${count} is below the minimum of ${INSTANCE_COUNT_RANGE.min}`, fix: `set ${setting}: 1 or more` });
  }
  if (count > INSTANCE_COUNT_RANGE.max) {
    return error({
      component: label,
      field,
      message: `${count} is above App Platform's maximum of ${INSTANCE_COUNT_RANGE.max}`,
      fix: `set ${setting}: ${INSTANCE_COUNT_RANGE.max} or fewer (a larger instance_size_slug gives each instance more)`,
    });
  }
  return undefined;
}

function tooFewWorkers(label: string, field: string, count: number | undefined): Problem[] {
  if ((count ?? 1) >= 2) return [];
  const setting = field.split('.').at(-1);
  return [
    warning({
      component: label,
      field,
      message: `${count ?? 'not set (1)'}: one worker means transcoding stops while it restarts or deploys`,
      fix: `set ${setting}: 2 or more`,
    }),
  ];
}
