import os from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env, { cwd: '/srv/app' });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('when nothing is set, then it yields zero-config development defaults', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config).toMatchObject({
      env: 'development',
      http: { port: 3000, publicBaseUrl: undefined },
      database: { url: undefined },
      redis: { url: undefined },
      queue: { prefix: 'reelforge', attempts: 3 },
      embeddedDir: '/srv/app/.reelforge',
      storage: { driver: 'local', rootDir: '/srv/app/.reelforge/storage' },
      auth: { apiTokens: [] },
      bullBoard: undefined,
      worker: { concurrency: 1, healthPort: 3001, shutdownGraceMs: 30_000 },
      media: { ladderHeights: [1080, 720, 480, 360], segmentSeconds: 4, x264Preset: 'veryfast' },
    });
  });

  it('when s3 is configured, then it builds the s3 storage config and trims the public URL', () => {
    const config = loadConfig(
      {
        STORAGE_DRIVER: 's3',
        SPACES_ACCESS_KEY: 'access',
        SPACES_SECRET_KEY: 'secret',
        SPACES_BUCKET: 'my-videos',
        SPACES_REGION: 'nyc3',
        SPACES_ENDPOINT: 'https://nyc3.digitaloceanspaces.com',
        PUBLIC_BASE_URL: 'https://video.example.com/',
        API_TOKENS: ' a, b ,,c ',
        LADDER_HEIGHTS: '720,360',
      },
      { cwd: '/srv/app' },
    );
    expect(config.storage).toEqual({
      driver: 's3',
      bucket: 'my-videos',
      region: 'nyc3',
      endpoint: 'https://nyc3.digitaloceanspaces.com',
      accessKeyId: 'access',
      secretAccessKey: 'secret',
      cdnUrl: undefined,
      forcePathStyle: false,
      acl: undefined,
    });
    expect(config.http.publicBaseUrl).toBe('https://video.example.com');
    expect(config.auth.apiTokens).toEqual(['a', 'b', 'c']);
    expect(config.media.ladderHeights).toEqual([720, 360]);
  });

  it('when several variables are wrong, then one error lists every one of them by name', () => {
    expect(
      problemsOf({ PORT: 'eighty', STORAGE_DRIVER: 's3', SPACES_REGION: 'nyc3', REDIS_URL: 'localhost:6379' }),
    ).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^REDIS_URL: must be a URL like redis:\/\//),
      'SPACES_ACCESS_KEY: required when STORAGE_DRIVER=s3',
      'SPACES_SECRET_KEY: required when STORAGE_DRIVER=s3',
      'SPACES_BUCKET: required when STORAGE_DRIVER=s3',
    ]);
  });

  it('when production lacks its services, then it refuses to fall back to embedded ones', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL: required in production (the embedded Postgres is for development only)',
      'REDIS_URL: required in production (the embedded Redis is for development only)',
      'API_TOKENS: required in production (without tokens every request would be refused)',
    ]);
  });

  it('when a worker or a tool starts in production, then it needs only what it uses', () => {
    const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/reelforge' };
    expect(loadConfig({ ...base, REDIS_URL: 'redis://cache:6379' }, { role: 'worker' }).auth.apiTokens).toEqual([]);
    expect(loadConfig(base, { role: 'tool' }).redis.url).toBeUndefined();
    expect(() => loadConfig(base, { role: 'worker' })).toThrow(/REDIS_URL: required in production/);
  });

  it('when UPLOAD_TMP_DIR is set, then uploads spool there (resolved), else in the OS temp dir', () => {
    expect(loadConfig({ UPLOAD_TMP_DIR: 'spool' }, { cwd: '/srv/app' }).uploads.tmpDir).toBe('/srv/app/spool');
    expect(loadConfig({}, { cwd: '/srv/app' }).uploads.tmpDir).toBe(os.tmpdir());
  });

  it('when empty strings are set, then they count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.url).toBeUndefined();
  });

  it('when only one Bull Board credential is set, then it names the missing one', () => {
    expect(problemsOf({ BULL_BOARD_USER: 'ops' })).toEqual([
      'BULL_BOARD_PASSWORD: required together with the other BULL_BOARD_* variable',
    ]);
  });

  it('when the message is printed, then it never contains a secret value', () => {
    const err = (() => {
      try {
        loadConfig({ STORAGE_DRIVER: 's3', SPACES_SECRET_KEY: 'super-secret-value', SPACES_BUCKET: 'X' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toContain('SPACES_BUCKET');
    expect(err?.message).not.toContain('super-secret-value');
  });

  it.each([
    ['LADDER_HEIGHTS', '1080,abc'],
    ['LADDER_HEIGHTS', '100'],
    ['WORKER_CONCURRENCY', '0'],
    ['HLS_SEGMENT_SECONDS', '30'],
    ['X264_PRESET', 'turbo'],
    ['QUEUE_PREFIX', 'bad:prefix'],
    ['SPACES_FORCE_PATH_STYLE', 'maybe'],
    ['WEBHOOK_SECRET', 'short'],
  ])('when %s=%s, then it is reported', (variable, value) => {
    expect(problemsOf({ [variable]: value })).toEqual([expect.stringMatching(new RegExp(`^${variable}: `))]);
  });

  it('when no limit is set, then inputs up to 8K, 120 fps, 12 h and 16 streams, rungs up to 2160, presets up to medium and 10x + 300 s per attempt apply; Bull Board is read-only', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config.limits).toEqual({
      input: { maxPixels: 33_177_600, maxFrameRate: 120, maxDurationS: 43_200, maxStreams: 16 },
      ladder: { maxHeight: 2160, slowestPreset: 'medium' },
      jobTimeout: { factor: 10, floorS: 300 },
    });
    expect(config.bullBoardReadOnly).toBe(true);
  });

  it('when limits are set, then they are used; a fractional timeout factor is allowed', () => {
    const config = loadConfig(
      {
        MAX_INPUT_PIXELS: '921600',
        MAX_INPUT_FPS: '60',
        MAX_INPUT_DURATION_S: '3600',
        MAX_INPUT_STREAMS: '4',
        LADDER_MAX_HEIGHT: '1080',
        X264_SLOWEST_PRESET: 'slow',
        JOB_TIMEOUT_FACTOR: '0.5',
        JOB_TIMEOUT_FLOOR_S: '1',
        BULL_BOARD_READ_ONLY: 'false',
      },
      { cwd: '/srv/app' },
    );
    expect(config.limits).toEqual({
      input: { maxPixels: 921_600, maxFrameRate: 60, maxDurationS: 3600, maxStreams: 4 },
      ladder: { maxHeight: 1080, slowestPreset: 'slow' },
      jobTimeout: { factor: 0.5, floorS: 1 },
    });
    expect(config.bullBoardReadOnly).toBe(false);
  });

  it('when limits are out of range, or the default preset is slower than the slowest allowed, then each is named', () => {
    expect(
      problemsOf({
        MAX_INPUT_PIXELS: '0',
        MAX_INPUT_FPS: '1000',
        JOB_TIMEOUT_FACTOR: '-1',
        LADDER_MAX_HEIGHT: '8000',
        X264_SLOWEST_PRESET: 'turbo',
      }).map((p) => p.split(':')[0]),
    ).toEqual(['MAX_INPUT_PIXELS', 'MAX_INPUT_FPS', 'LADDER_MAX_HEIGHT', 'X264_SLOWEST_PRESET', 'JOB_TIMEOUT_FACTOR']);
    expect(problemsOf({ X264_PRESET: 'slow' })).toEqual(['X264_PRESET: must not be slower than X264_SLOWEST_PRESET (default medium)']);
    expect(() => loadConfig({ X264_PRESET: 'slow', X264_SLOWEST_PRESET: 'veryslow' }, { cwd: '/srv/app' })).not.toThrow();
  });
});
