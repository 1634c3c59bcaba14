import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

describe('webhook settings', () => {
  it('when nothing is set, then webhooks retry 8 times from 5 s with a 10 s timeout and are off without a secret', () => {
    expect(loadConfig({}, { cwd: '/srv/app' }).webhooks).toEqual({
      secret: undefined,
      defaultUrl: undefined,
      attempts: 8,
      backoffMs: 5_000,
      timeoutMs: 10_000,
      concurrency: 4,
      allowPrivateNetworks: false,
    });
  });

  it('when every webhook variable is set, then they are parsed', () => {
    const config = loadConfig(
      {
        WEBHOOK_SECRET: 'a-secret-of-sixteen+',
        WEBHOOK_DEFAULT_URL: 'https://hooks.example.com/reelforge',
        WEBHOOK_ATTEMPTS: '3',
        WEBHOOK_BACKOFF_MS: '50',
        WEBHOOK_TIMEOUT_MS: '500',
        WEBHOOK_CONCURRENCY: '2',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      },
      { cwd: '/srv/app' },
    );
    expect(config.webhooks).toEqual({
      secret: 'a-secret-of-sixteen+',
      defaultUrl: 'https://hooks.example.com/reelforge',
      attempts: 3,
      backoffMs: 50,
      timeoutMs: 500,
      concurrency: 2,
      allowPrivateNetworks: true,
    });
  });

  it('when the values are out of range, then each one is named', () => {
    let error: unknown;
    try {
      loadConfig(
        { WEBHOOK_SECRET: 'short', WEBHOOK_DEFAULT_URL: 'ftp://x', WEBHOOK_ATTEMPTS: '0', WEBHOOK_TIMEOUT_MS: '5' },
        { cwd: '/srv/app' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'WEBHOOK_ATTEMPTS',
      'WEBHOOK_DEFAULT_URL',
      'WEBHOOK_SECRET',
      'WEBHOOK_TIMEOUT_MS',
    ]);
  });
});
