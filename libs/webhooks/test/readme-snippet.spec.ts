import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signWebhook } from '../src/index.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const MARKER = '<!-- webhook-signature-snippet';

type Verify = (rawBody: string, header: string | undefined, secret: string, toleranceSeconds?: number) => boolean;

/** The README's verification code, exactly as a reader would copy it. */
function snippet(): string {
  const text = readFileSync(README, 'utf8');
  const from = text.indexOf(MARKER);
  if (from === -1) throw new Error('README.md lost the webhook-signature-snippet marker');
  const block = /```js\n([\s\S]*?)```/.exec(text.slice(from));
  if (!block) throw new Error('no ```js block after the webhook-signature-snippet marker');
  return block[1]!;
}

describe('the README webhook verification snippet', () => {
  let dir: string;
  let verify: Verify;
  const secret = 'whsec-readme-0123456789';
  const body = JSON.stringify({ id: 'evt_1', type: 'transcode.completed', data: { status: 'completed' } });
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-readme-'));
    const file = path.join(dir, 'verify.mjs');
    await writeFile(file, snippet());
    ({ verifyReelforgeSignature: verify } = (await import(pathToFileURL(file).href)) as { verifyReelforgeSignature: Verify });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when Reelforge signed the body just now, then the snippet accepts it', () => {
    expect(verify(body, signWebhook(secret, body, now()), secret)).toBe(true);
  });

  it('when the body, secret or age is wrong, or the header is missing, then the snippet refuses it', () => {
    expect(verify(`${body} `, signWebhook(secret, body, now()), secret)).toBe(false);
    expect(verify(body, signWebhook(secret, body, now()), 'another-secret-0123')).toBe(false);
    expect(verify(body, signWebhook(secret, body, now() - 301), secret)).toBe(false);
    expect(verify(body, undefined, secret)).toBe(false);
    expect(verify(body, 't=abc,v1=00', secret)).toBe(false);
  });
});
