import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signWebhook } from '../src/index.js';
import { loadReadmeVerify, type ReadmeVerify } from './readme-snippet.js';

describe('the README webhook verification snippet', () => {
  let verify: ReadmeVerify;
  let cleanup: () => Promise<void>;
  const secret = 'whsec-readme-0123456789';
  const older = 'whsec-readme-older-0123';
  const body = JSON.stringify({ id: 'evt_1', type: 'transcode.completed', data: { status: 'completed' } });
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    ({ verify, cleanup } = await loadReadmeVerify());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('when Reelforge signed the body just now, then the snippet accepts it', () => {
    expect(verify(body, signWebhook(secret, body, now()), secret)).toBe(true);
  });

  it('when the header carries two v1 (a rotation), then the snippet accepts either secret and no other', () => {
    const header = signWebhook([secret, older], body, now());
    expect(verify(body, header, secret)).toBe(true);
    expect(verify(body, header, older)).toBe(true);
    expect(verify(body, header, 'another-secret-0123')).toBe(false);
  });

  it('when the body, secret or age is wrong, or the header is missing, then the snippet refuses it', () => {
    expect(verify(`${body} `, signWebhook(secret, body, now()), secret)).toBe(false);
    expect(verify(body, signWebhook(secret, body, now()), 'another-secret-0123')).toBe(false);
    expect(verify(body, signWebhook(secret, body, now() - 301), secret)).toBe(false);
    expect(verify(body, undefined, secret)).toBe(false);
    expect(verify(body, 't=abc,v1=00', secret)).toBe(false);
    expect(verify(body, `t=${now()}`, secret)).toBe(false);
  });
});
