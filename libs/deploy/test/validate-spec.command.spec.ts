import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsRepoView, formatProblems, runValidateSpec } from '../src/index.js';
import { API_DOCKERFILE, MINIMAL_SPEC, WORKER_DOCKERFILE, minimalSpecWith } from './spec-fixtures.js';

// A throwaway repository on disk: runValidateSpec and the fs RepoView read real files.
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'reelforge-validate-spec-'));
  mkdirSync(join(root, 'apps/api'), { recursive: true });
  mkdirSync(join(root, '.do'));
  writeFileSync(join(root, 'package.json'), '{}');
  writeFileSync(join(root, 'package-lock.json'), '{}');
  writeFileSync(join(root, 'Dockerfile.api'), API_DOCKERFILE);
  writeFileSync(join(root, 'Dockerfile.worker'), WORKER_DOCKERFILE);
  writeFileSync(join(root, '.do/app.yaml'), MINIMAL_SPEC);
  writeFileSync(join(root, '.do/broken.yaml'), minimalSpecWith('scope: RUN_TIME, value: admin', 'scope: RUNTIME, value: admin'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runValidateSpec', () => {
  it('when the spec is clean, then it exits 0 and says so', () => {
    expect(runValidateSpec('.do/app.yaml', root)).toEqual({ exitCode: 0, output: '.do/app.yaml\n✓ no problems' });
  });

  it('when no path is given, then .do/app.yaml is read', () => {
    expect(runValidateSpec(undefined, root).exitCode).toBe(0);
  });

  it('when the spec has an error, then it exits 1 with one line per problem and a summary', () => {
    expect(runValidateSpec(join(root, '.do/broken.yaml'), root)).toEqual({
      exitCode: 1,
      output: [
        '.do/broken.yaml',
        'api: envs.BULL_BOARD_USER.scope: "RUNTIME" is not a valid scope → use RUN_TIME, BUILD_TIME or RUN_AND_BUILD_TIME (omitted = RUN_AND_BUILD_TIME); did you mean RUN_TIME?',
        '✗ 1 error, 0 warnings',
      ].join('\n'),
    });
  });

  it('when the spec file does not exist, then it exits 2 and says how to pass a path', () => {
    const result = runValidateSpec('.do/missing.yaml', root);
    expect(result.exitCode).toBe(2);
    expect(result.output).toMatch(/^\.do\/missing\.yaml: cannot read the app spec \(.+\) → pass its path: reelforge validate-spec <path>$/);
  });
});

describe('formatProblems', () => {
  it('when there are errors and warnings, then errors come first and warnings are marked', () => {
    const text = formatProblems([
      { severity: 'warning', component: 'worker', field: 'instance_count', message: '1', fix: 'set 2' },
      { severity: 'error', component: 'api', field: 'http_port', message: 'wrong', fix: 'set 3000' },
    ]);
    expect(text).toBe(['api: http_port: wrong → set 3000', 'warning: worker: instance_count: 1 → set 2', '✗ 1 error, 1 warning'].join('\n'));
  });
});

describe('createFsRepoView', () => {
  it('when a path leaves the root, then it is reported missing', () => {
    const repo = createFsRepoView(join(root, 'apps'));
    expect(repo.fileExists('api')).toBe(true);
    expect(repo.fileExists('../package.json')).toBe(false);
    expect(repo.readFile('../package.json')).toBeUndefined();
    expect(repo.readFile('api')).toBeUndefined();
  });
});
