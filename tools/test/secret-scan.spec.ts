import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './deploy-files.js';

// Runs the same secretlint setup CI runs (.secretlintrc.json, .secretlintignore) as a child process.
const secretlint = join(repoRoot, 'node_modules/.bin/secretlint');

function scan(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(secretlint, ['--no-color', '--no-terminalLink', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// The fake credentials are assembled at run time, so no key-shaped literal is ever committed.
const fakePrivateKey = [
  ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' '),
  ...Array.from({ length: 4 }, (_, i) => `MIIEow${String(i)}${'QmFzZTY0Tm90QUtleQ'.repeat(3)}`),
  ['-----END', 'RSA', 'PRIVATE', 'KEY-----'].join(' '),
].join('\n');
const fakeAwsSecret = `${['aws', 'secret', 'access', 'key'].join('_')} = ${'Zq8Wx3'.repeat(6)}Zq8W`;
const fakeAwsKeyId = `${['AK', 'IA'].join('')}${'Q3EGRXHZ'.repeat(2)}`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reelforge-secret-scan-'));
  writeFileSync(join(dir, 'deploy-key.pem'), `${fakePrivateKey}\n`);
  writeFileSync(join(dir, 'credentials.ini'), `[default]\n${fakeAwsSecret}\naws_access_key_id = ${fakeAwsKeyId}\n`);
  writeFileSync(join(dir, 'clean.txt'), 'nothing to see here\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secret scan', () => {
  it('when a file holds a planted private key and AWS keys, then secretlint fails and names the rules', () => {
    const { status, output } = scan([join(dir, 'deploy-key.pem'), join(dir, 'credentials.ini')]);
    expect(status).toBe(1);
    expect(output).toContain('@secretlint/secretlint-rule-privatekey');
    expect(output).toContain('[AWSSecretAccessKey]');
    expect(output).toContain('[AWSAccessKeyID]');
  });

  it('when a file holds no secret, then secretlint passes', () => {
    expect(scan([join(dir, 'clean.txt')]).status).toBe(0);
  });

  it('when the whole repository is scanned with its ignore file, then it is clean', () => {
    const { status, output } = scan(['**/*']);
    expect({ status, output }).toEqual({ status: 0, output: '' });
  });
});
