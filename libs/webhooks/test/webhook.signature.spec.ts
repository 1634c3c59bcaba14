import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signWebhook, verifyWebhookSignature } from '../src/index.js';

const secret = 'whsec-test-0123456789';
const body = '{"id":"evt_1","type":"transcode.completed"}';
const now = 1_764_000_000;

describe('webhook signatures', () => {
  it('when a body is signed, then the header is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, body, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('when the signature is fresh and the body untouched, then it verifies', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature({ secret, rawBody: body, header, nowS: now + 299 })).toBe(true);
  });

  it.each([
    ['the body was changed', { rawBody: body.replace('completed', 'failed') }],
    ['the secret differs', { secret: 'another-secret-0123456789' }],
    ['it is older than the tolerance', { nowS: now + 301 }],
    ['it is from the future beyond the tolerance', { nowS: now - 301 }],
  ])('when %s, then it does not verify', (_case, change) => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature({ secret, rawBody: body, header, nowS: now, ...change })).toBe(false);
  });

  it.each([undefined, '', 'garbage', `t=${now}`, `t=${now},v1=zz`, `t=abc,v1=${'0'.repeat(64)}`])(
    'when the header is %p, then it does not verify (and does not throw)',
    (header) => {
      expect(verifyWebhookSignature({ secret, rawBody: body, header, nowS: now })).toBe(false);
    },
  );

  describe('with two secrets during a rotation', () => {
    const older = 'whsec-older-0123456789';

    it('when signed with two secrets, then the header carries one v1 per secret, newest first, and each verifies', () => {
      const hmac = (k: string) => createHmac('sha256', k).update(`${now}.${body}`).digest('hex');
      const header = signWebhook([secret, older], body, now);
      expect(header).toBe(`t=${now},v1=${hmac(secret)},v1=${hmac(older)}`);
      expect(verifyWebhookSignature({ secret, rawBody: body, header, nowS: now })).toBe(true);
      expect(verifyWebhookSignature({ secret: older, rawBody: body, header, nowS: now })).toBe(true);
      expect(verifyWebhookSignature({ secret: 'a-third-secret-0123456', rawBody: body, header, nowS: now })).toBe(false);
    });

    it('when no secret is given, then signing refuses instead of sending an unsigned header', () => {
      expect(() => signWebhook([], body, now)).toThrow(RangeError);
    });
  });
});
