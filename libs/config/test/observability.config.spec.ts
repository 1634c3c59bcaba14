import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

describe('observability settings', () => {
  it('when nothing is set, then SSE heartbeats every 15 s and /metrics is open', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config.events).toEqual({ heartbeatMs: 15_000, maxStreamsPerOwner: 20, maxStreams: 1000 });
    expect(config.metrics).toEqual({ mode: 'open' });
    expect(loadConfig({ NODE_ENV: 'test' }, { cwd: '/srv/app' }).metrics).toEqual({ mode: 'open' });
  });

  it('when SSE_HEARTBEAT_MS and METRICS_TOKEN are set, then they are used', () => {
    const config = loadConfig({ SSE_HEARTBEAT_MS: '250', METRICS_TOKEN: 'scrape-token-0123456789' }, { cwd: '/srv/app' });
    expect(config.events.heartbeatMs).toBe(250);
    expect(config.metrics).toEqual({ mode: 'token', token: 'scrape-token-0123456789' });
  });

  it('when production has no METRICS_TOKEN, then /metrics is off; with one, it needs the token', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache:6379' };
    expect(loadConfig(production, { role: 'worker' }).metrics).toEqual({ mode: 'off' });
    const token = 'scrape-token-0123456789-abcdefghij';
    expect(loadConfig({ ...production, METRICS_TOKEN: token }, { role: 'worker' }).metrics).toEqual({ mode: 'token', token });
  });

  it.each([
    ['SSE_HEARTBEAT_MS', '0'],
    ['SSE_HEARTBEAT_MS', 'often'],
    ['METRICS_TOKEN', 'short'],
  ])('when %s=%s, then it is reported by name without the value', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value }, { cwd: '/srv/app' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
    if (variable === 'METRICS_TOKEN') expect((error as Error).message).not.toContain(value);
  });
});
