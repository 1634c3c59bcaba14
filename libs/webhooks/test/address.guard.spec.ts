import { describe, expect, it } from '@jest/globals';
import { isPublicAddress, postWebhook } from '../src/index.js';
import { startWebhookReceiver } from '../src/testing/index.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::10.0.0.1',
    '64:ff9b::10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1:a00:0:100::',
    '64:ff9b:1::c0a8:101',
    '2002:a00:1::',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:f5ff:fffe',
    'fec0::1',
    'feff::1',
    '2001:db8::1',
    '100::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('postWebhook to private networks', () => {
  it('when the URL names a loopback address or a name that resolves to one, then nothing is sent unless allowed', async () => {
    let hits = 0;
    const receiver = await startWebhookReceiver((_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    try {
      const request = (url: string) => ({ url, body: '{}', headers: { 'content-type': 'application/json' } });
      const literal = await postWebhook(request(receiver.url('/hook')), { timeoutMs: 2_000 });
      expect(literal).toMatchObject({ ok: false, status: null, refused: true, error: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_NETWORKS') });
      const named = await postWebhook(request(receiver.url('/hook').replace('127.0.0.1', 'localhost')), { timeoutMs: 2_000 });
      expect(named).toMatchObject({ ok: false, status: null, refused: true, error: expect.stringMatching(/private or reserved address/) });
      expect(hits).toBe(0);
      expect(await postWebhook(request(receiver.url('/hook')), { timeoutMs: 2_000, allowPrivateNetworks: true })).toMatchObject({ ok: true, status: 204 });
      expect(hits).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});
