import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

const KEY_HEX = 'ab'.repeat(32);
const KEY_BASE64 = Buffer.alloc(32, 7).toString('base64');

describe('webhook settings', () => {
  it('when nothing is set, then webhooks retry for 24 h from 5 s, each wait at most 1 h, with a 10 s timeout, and are off without a secret', () => {
    expect(loadConfig({}, { cwd: '/srv/app' }).webhooks).toEqual({
      secret: undefined,
      secretsKeys: [],
      defaultUrl: undefined,
      attempts: undefined,
      retryWindowS: 86_400,
      backoffMs: 5_000,
      backoffMaxMs: 3_600_000,
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
        WEBHOOK_SECRETS_KEY: `${KEY_HEX},${KEY_BASE64}`,
        WEBHOOK_RETRY_WINDOW_S: '600',
        WEBHOOK_BACKOFF_MS: '50',
        WEBHOOK_BACKOFF_MAX_MS: '1000',
        WEBHOOK_TIMEOUT_MS: '500',
        WEBHOOK_CONCURRENCY: '2',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      },
      { cwd: '/srv/app' },
    );
    expect(config.webhooks).toEqual({
      secret: 'a-secret-of-sixteen+',
      secretsKeys: [Buffer.from(KEY_HEX, 'hex'), Buffer.from(KEY_BASE64, 'base64')],
      defaultUrl: 'https://hooks.example.com/reelforge',
      attempts: 3,
      retryWindowS: 600,
      backoffMs: 50,
      backoffMaxMs: 1000,
      timeoutMs: 500,
      concurrency: 2,
      allowPrivateNetworks: true,
    });
  });

  it('when the values are out of range, then each one is named', () => {
    let error: unknown;
    try {
      loadConfig(
        {
          WEBHOOK_SECRET: 'short',
          WEBHOOK_DEFAULT_URL: 'ftp://x',
          WEBHOOK_ATTEMPTS: '0',
          WEBHOOK_TIMEOUT_MS: '5',
          WEBHOOK_SECRETS_KEY: `${KEY_HEX},not-32-bytes`,
          WEBHOOK_BACKOFF_MS: '5000',
          WEBHOOK_BACKOFF_MAX_MS: '1000',
        },
        { cwd: '/srv/app' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'WEBHOOK_ATTEMPTS',
      'WEBHOOK_BACKOFF_MAX_MS',
      'WEBHOOK_DEFAULT_URL',
      'WEBHOOK_SECRET',
      'WEBHOOK_SECRETS_KEY',
      'WEBHOOK_TIMEOUT_MS',
    ]);
  });

  it.each(['change-me', `change-me-${'A'.repeat(34)}`, 'ab'.repeat(31)])(
    'when WEBHOOK_SECRETS_KEY is %p (a placeholder, even one of the right form, or too short), then it is refused without quoting it',
    (value) => {
      let error: unknown;
      try {
        loadConfig({ WEBHOOK_SECRETS_KEY: value }, { cwd: '/srv/app' });
      } catch (err) {
        error = err;
      }
      expect((error as ConfigError).problems).toEqual([{ variable: 'WEBHOOK_SECRETS_KEY', message: expect.stringMatching(/32 random bytes/) }]);
      expect((error as Error).message).not.toContain(value);
    },
  );
});
