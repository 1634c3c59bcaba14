import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

describe('URL import settings', () => {
  it('when nothing is set, then private networks are refused, a fetch may take 30 min, and two run per worker', () => {
    expect(loadConfig({}, { cwd: '/srv/app' }).imports).toEqual({ allowPrivateNetworks: false, timeoutMs: 1_800_000, concurrency: 2 });
  });

  it('when every import variable is set, then they are parsed', () => {
    const config = loadConfig({ IMPORT_ALLOW_PRIVATE_NETWORKS: 'true', IMPORT_TIMEOUT_S: '3', IMPORT_CONCURRENCY: '8' }, { cwd: '/srv/app' });
    expect(config.imports).toEqual({ allowPrivateNetworks: true, timeoutMs: 3_000, concurrency: 8 });
  });

  it.each([
    ['IMPORT_TIMEOUT_S', '0'],
    ['IMPORT_TIMEOUT_S', '86401'],
    ['IMPORT_CONCURRENCY', '0'],
    ['IMPORT_ALLOW_PRIVATE_NETWORKS', 'maybe'],
  ])('when %s is %s, then the configuration is refused naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value }, { cwd: '/srv/app' })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value }, { cwd: '/srv/app' })).toThrow(variable);
  });
});
