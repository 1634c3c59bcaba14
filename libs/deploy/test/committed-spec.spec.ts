import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { createFsRepoView, validateAppSpec } from '../src/index.js';
import { committedSpecText, envIndex, errorLines, mutatedSpec, repoRoot } from './spec-fixtures.js';

// The failures that sank the previous deployment, replayed against the real .do/app.yaml and the
// real Dockerfiles in this repository: each must produce exactly one, exact, line.
const repo = createFsRepoView(repoRoot);
const validate = (text: string): string[] => errorLines(validateAppSpec(text, repo));

describe('the committed .do/app.yaml', () => {
  it('when validated against this repository, then it has no errors', () => {
    expect(validate(committedSpecText())).toEqual([]);
  });

  it('when validated, then only placeholders are left as warnings', () => {
    const warnings = validateAppSpec(committedSpecText(), repo).filter((p) => p.severity === 'warning');
    expect(warnings.every((w) => w.message.startsWith('placeholder'))).toBe(true);
  });

  it('when read, then the worker autoscales on CPU from two instances of a dedicated-CPU size, with no fixed count', () => {
    const worker = parseDocument(committedSpecText()).toJS().workers[0] as Record<string, unknown>;
    expect(worker).not.toHaveProperty('instance_count');
    expect(worker).toMatchObject({
      instance_size_slug: expect.stringMatching(/^apps-d-/),
      autoscaling: { min_instance_count: 2, max_instance_count: expect.any(Number), metrics: { cpu: { percent: expect.any(Number) } } },
    });
  });
});

describe('autoscaling mistakes against the committed spec', () => {
  it('when instance_count comes back next to autoscaling, then exactly that is refused', () => {
    const text = mutatedSpec((doc) => doc.setIn(['workers', 0, 'instance_count'], 2));
    expect(validate(text)).toEqual([
      'worker: instance_count: set together with autoscaling, which App Platform refuses → remove instance_count: autoscaling.min_instance_count and max_instance_count set the range',
    ]);
  });

  it('when the worker moves to a shared-CPU size, then autoscaling asks for a dedicated one', () => {
    const text = mutatedSpec((doc) => doc.setIn(['workers', 0, 'instance_size_slug'], 'apps-s-2vcpu-4gb'));
    expect(validate(text)).toEqual([
      'worker: instance_size_slug: "apps-s-2vcpu-4gb" is not a dedicated-CPU size, and autoscaling needs one → set instance_size_slug to a dedicated-CPU size (apps-d-…, e.g. apps-d-2vcpu-4gb)',
    ]);
  });
});

describe('the failures from the story', () => {
  it('when an env scope is misspelled RUNTIME, then the line names the valid scopes', () => {
    const text = mutatedSpec((doc) => doc.setIn(['workers', 0, 'envs', envIndex(doc, 'workers', 0, 'LOG_LEVEL'), 'scope'], 'RUNTIME'));
    expect(validate(text)).toEqual([
      'worker: envs.LOG_LEVEL.scope: "RUNTIME" is not a valid scope → use RUN_TIME, BUILD_TIME or RUN_AND_BUILD_TIME (omitted = RUN_AND_BUILD_TIME); did you mean RUN_TIME?',
    ]);
  });

  it('when a scope is RUN_AND_BUILD_TIME or omitted (the default), then nothing is flagged', () => {
    const text = mutatedSpec((doc) => {
      doc.setIn(['workers', 0, 'envs', envIndex(doc, 'workers', 0, 'LOG_LEVEL'), 'scope'], 'RUN_AND_BUILD_TIME');
      doc.deleteIn(['services', 0, 'envs', envIndex(doc, 'services', 0, 'LOG_LEVEL'), 'scope']);
    });
    const problems = validateAppSpec(text, repo);
    expect(problems.filter((p) => p.field.startsWith('envs.LOG_LEVEL'))).toEqual([]);
    expect(errorLines(problems)).toEqual([]);
  });

  it('when source_dir does not exist, then the line says so and points at the root', () => {
    const text = mutatedSpec((doc) => doc.setIn(['services', 0, 'source_dir'], '/api'));
    expect(validate(text)).toEqual([
      'api: source_dir: "/api" does not exist in the repository → set source_dir: / (the Dockerfiles build from the monorepo root)',
    ]);
  });

  it('when source_dir is an app folder, then the Dockerfile COPY outside that build context is named', () => {
    const text = mutatedSpec((doc) => doc.setIn(['services', 0, 'source_dir'], 'apps/api'));
    const lines = validate(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^api: source_dir: Dockerfile\.api copies "apps" \(line \d+\), which is not in the build context "apps\/api" → set source_dir: \/ \(the Dockerfiles build from the monorepo root\)$/,
    );
  });

  it('when dockerfile_path does not exist, then the line gives the Dockerfile for that component', () => {
    const text = mutatedSpec((doc) => doc.setIn(['workers', 0, 'dockerfile_path'], 'apps/worker/Dockerfile'));
    expect(validate(text)).toEqual([
      'worker: dockerfile_path: "apps/worker/Dockerfile" does not exist in the repository (dockerfile_path is relative to the repository root) → set dockerfile_path: Dockerfile.worker',
    ]);
  });

  it('when a storage key is pasted in plain text, then the line says to make it a SECRET', () => {
    const text = mutatedSpec((doc) => {
      const index = envIndex(doc, 'workers', 0, 'SPACES_SECRET_KEY');
      doc.deleteIn(['workers', 0, 'envs', index, 'type']);
      doc.setIn(['workers', 0, 'envs', index, 'value'], 'pasted-secret-value');
    });
    expect(validate(text)).toEqual([
      'worker: envs.SPACES_SECRET_KEY: secret in plain text → set type: SECRET and put the value in the App Platform console / doctl, not in this file',
    ]);
  });

  it('when the worker lacks SPACES_BUCKET, then the line says the worker needs it', () => {
    const text = mutatedSpec((doc) => doc.deleteIn(['workers', 0, 'envs', envIndex(doc, 'workers', 0, 'SPACES_BUCKET')]));
    expect(validate(text)).toEqual([
      'worker: envs.SPACES_BUCKET: missing (the worker needs it) → add { key: SPACES_BUCKET, scope: RUN_TIME, value: "<your Space name>" }',
    ]);
  });
});

describe('other mistakes against the real repository', () => {
  it('when REDIS_URL is bound to an undeclared database, then the declared names are listed', () => {
    const text = mutatedSpec((doc) => doc.setIn(['services', 0, 'envs', envIndex(doc, 'services', 0, 'REDIS_URL'), 'value'], '${redis.DATABASE_URL}'));
    expect(validate(text)).toEqual([
      'api: envs.REDIS_URL: "${redis.DATABASE_URL}" refers to "redis", which is not a declared database or component → declare it under databases: (name: redis) or use one of: db, cache, api, worker, migrate',
    ]);
  });

  it('when http_port differs from the port Dockerfile.api EXPOSEs, then the port to use is given', () => {
    const text = mutatedSpec((doc) => doc.setIn(['services', 0, 'http_port'], 8080));
    expect(validate(text)).toEqual(['api: http_port: 8080 but Dockerfile.api EXPOSEs 3000 → set http_port: 3000']);
  });

  it('when the health check path is not an API route, then the real routes are listed', () => {
    const text = mutatedSpec((doc) => doc.setIn(['services', 0, 'health_check', 'http_path'], '/health'));
    expect(validate(text)).toEqual([
      'api: health_check.http_path: "/health" is not a route the API serves → use /healthz (liveness) or /readyz (readiness)',
    ]);
  });

  it('when the YAML is broken, then the problem carries its line number', () => {
    const text = committedSpecText().replace('    http_port: 3000\n', '    http_port: [3000\n');
    const lines = validate(text);
    const line = text.split('\n').findIndex((l) => l.includes('http_port: [3000')) + 1;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^app: yaml: line (${line}|${line + 1}), column \\d+: .+ → fix the YAML at line \\d+`));
  });
});
