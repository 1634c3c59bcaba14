import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from '../src/openapi/openapi.document.js';

const run = promisify(execFile);
const REDOCLY = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/**
 * The document as GET /openapi.json serves it, checked by a real OpenAPI linter: Redocly CLI with
 * its `recommended` rules (servers present, a 4XX answer on every operation, no unused component,
 * ...). Run by hand: `npx redocly lint --extends recommended <file>`.
 */
describe('the OpenAPI document under Redocly’s recommended rules', () => {
  let dir: string;

  beforeAll(async () => {
    // A directory of its own: no redocly.yaml there can loosen or tighten the rules.
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-openapi-lint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the generated document is linted, then there is no error and no warning', async () => {
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(buildOpenApiDocument(), null, 2));

    // Redocly exits 1 when it finds errors; the JSON report on stdout says which either way.
    const { stdout } = await run(process.execPath, [REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', file], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string }) => {
      if (!err.stdout) throw new Error(`redocly lint did not report: ${err.stderr ?? String(err)}`);
      return { stdout: err.stdout };
    });
    const report = JSON.parse(stdout) as LintReport;

    expect(report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });
});
