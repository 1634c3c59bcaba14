import { describe, expect, it } from '@jest/globals';
import { formatProblem, validateAppSpec } from '../src/index.js';
import { fixtureRepo, minimalSpecWith } from './spec-fixtures.js';

const lines = (text: string): string[] => validateAppSpec(text, fixtureRepo()).map(formatProblem);

/** MINIMAL_SPEC with the worker's `instance_count: 2` replaced by `yaml` (indented as a component field). */
const worker = (...yaml: string[]): string => minimalSpecWith('    instance_count: 2\n', yaml.map((line) => `    ${line}\n`).join(''));

/** An autoscaling block as YAML lines; each option overrides one value, `'omit'` leaves the field out. */
function autoscaling({ min = '2', max = '4', percent = '70' }: { min?: string; max?: string; percent?: string } = {}): string[] {
  return [
    'autoscaling:',
    ...(min === 'omit' ? [] : [`  min_instance_count: ${min}`]),
    ...(max === 'omit' ? [] : [`  max_instance_count: ${max}`]),
    ...(percent === 'omit' ? [] : ['  metrics:', '    cpu:', `      percent: ${percent}`]),
  ];
}

const DEDICATED = 'instance_size_slug: apps-d-2vcpu-4gb';

describe('worker autoscaling', () => {
  it('when a dedicated-CPU worker autoscales from 2 to 4 on 70 % CPU, then there is no problem at all', () => {
    expect(lines(worker(...autoscaling(), DEDICATED))).toEqual([]);
  });

  it('when the CPU target is left out, then App Platform\'s default (80 %) is fine', () => {
    expect(lines(worker(...autoscaling({ percent: 'omit' }), DEDICATED))).toEqual([]);
  });

  it('when instance_count is kept next to autoscaling, then it is refused', () => {
    expect(lines(worker('instance_count: 2', ...autoscaling(), DEDICATED))).toEqual([
      'worker: instance_count: set together with autoscaling, which App Platform refuses → remove instance_count: autoscaling.min_instance_count and max_instance_count set the range',
    ]);
  });

  it.each([
    ['apps-s-1vcpu-1gb', '"apps-s-1vcpu-1gb" is not a dedicated-CPU size, and autoscaling needs one'],
    ['professional-xs', '"professional-xs" is a legacy size name, and autoscaling needs a dedicated-CPU apps-d-… size'],
    ['basic-xxs', '"basic-xxs" is a legacy size name, and autoscaling needs a dedicated-CPU apps-d-… size'],
  ])('when the size is %s, then a dedicated-CPU size is asked for', (slug, message) => {
    expect(lines(worker(...autoscaling(), `instance_size_slug: ${slug}`))).toEqual([
      `worker: instance_size_slug: ${message} → set instance_size_slug to a dedicated-CPU size (apps-d-…, e.g. apps-d-2vcpu-4gb)`,
    ]);
  });

  it('when no size is given, then the shared-CPU default is named', () => {
    expect(lines(worker(...autoscaling()))).toEqual([
      'worker: instance_size_slug: not set, so the shared-CPU apps-s-1vcpu-0.5gb applies, and autoscaling needs a dedicated-CPU size → set instance_size_slug to a dedicated-CPU size (apps-d-…, e.g. apps-d-2vcpu-4gb)',
    ]);
  });

  it('when min or max is missing, then each is asked for', () => {
    expect(lines(worker(...autoscaling({ min: 'omit', max: 'omit' }), DEDICATED))).toEqual([
      'worker: autoscaling.min_instance_count: missing → set min_instance_count: the fewest instances to keep running (1 or more)',
      'worker: autoscaling.max_instance_count: missing → set max_instance_count: the most instances to pay for (at most 250)',
    ]);
  });

  it('when min is 0, then the minimum of 1 is given', () => {
    expect(lines(worker(...autoscaling({ min: '0' }), DEDICATED))).toEqual([
      'worker: autoscaling.min_instance_count: 0 is below the minimum of 1 → set min_instance_count: 1 or more',
    ]);
  });

  it('when max is above 250, then App Platform\'s limit is given; 250 itself is accepted', () => {
    expect(lines(worker(...autoscaling({ max: '251' }), DEDICATED))).toEqual([
      "worker: autoscaling.max_instance_count: 251 is above App Platform's maximum of 250 → set max_instance_count: 250 or fewer (a larger instance_size_slug gives each instance more)",
    ]);
    expect(lines(worker(...autoscaling({ max: '250' }), DEDICATED))).toEqual([]);
  });

  it('when max is below min, then it is refused; when they are equal, autoscaling is pointless', () => {
    expect(lines(worker(...autoscaling({ min: '3', max: '2' }), DEDICATED))).toEqual([
      'worker: autoscaling.max_instance_count: 2 is below min_instance_count 3 → set max_instance_count: 3 or more',
    ]);
    expect(lines(worker(...autoscaling({ min: '3', max: '3' }), DEDICATED))).toEqual([
      'warning: worker: autoscaling.max_instance_count: 3 equals min_instance_count, so autoscaling can never change the count → raise max_instance_count, or replace autoscaling with instance_count: 3',
    ]);
  });

  it.each(['0', '101'])('when the CPU target is %s %%, then the 1–100 range is given', (percent) => {
    expect(lines(worker(...autoscaling({ percent }), DEDICATED))).toEqual([
      `worker: autoscaling.metrics.cpu.percent: ${percent} is not a percentage from 1 to 100 → set percent: the average CPU use to keep instances at, 1–100 (default 80)`,
    ]);
  });

  it.each(['1', '100'])('when the CPU target is %s %%, then it is accepted', (percent) => {
    expect(lines(worker(...autoscaling({ percent }), DEDICATED))).toEqual([]);
  });

  it('when the worker may scale in to one instance, then the restart gap is warned about', () => {
    expect(lines(worker(...autoscaling({ min: '1' }), DEDICATED))).toEqual([
      'warning: worker: autoscaling.min_instance_count: 1: one worker means transcoding stops while it restarts or deploys → set min_instance_count: 2 or more',
    ]);
  });

  it('when a count is not a whole number, then the YAML type is named', () => {
    expect(lines(worker(...autoscaling({ max: '"4"' }), DEDICATED))).toEqual([
      'worker: autoscaling.max_instance_count: expected number, got string "4" → write a number without quotes',
    ]);
  });
});

describe('autoscaling elsewhere and fixed counts', () => {
  it('when the API service autoscales on a dedicated size, then it is accepted too', () => {
    const text = minimalSpecWith('    http_port: 3000\n', `    http_port: 3000\n    ${DEDICATED}\n${autoscaling().map((l) => `    ${l}\n`).join('')}`);
    expect(lines(text)).toEqual([]);
  });

  it('when the migration job autoscales, then it is pointed out that a job has nothing to scale', () => {
    const text = minimalSpecWith('    run_command: node apps/cli/dist/main.js migrate\n', `    run_command: node apps/cli/dist/main.js migrate\n${autoscaling().map((l) => `    ${l}\n`).join('')}`);
    expect(lines(text)).toEqual(['warning: migrate: autoscaling: jobs run once per deploy, so there is nothing to scale → remove autoscaling (autoscaling is for services and workers)']);
  });

  it('when a fixed instance_count is above 250, then App Platform\'s limit is given', () => {
    expect(lines(worker('instance_count: 251'))).toEqual([
      "worker: instance_count: 251 is above App Platform's maximum of 250 → set instance_count: 250 or fewer (a larger instance_size_slug gives each instance more)",
    ]);
  });
});
