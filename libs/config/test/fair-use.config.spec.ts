import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/index.js';

describe('fair-use limits', () => {
  it('when nothing is set, then owners may queue 1000 jobs, run any number, hold 20 streams (1000 in all), and uploads get an hour', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config.quotas).toEqual({ maxQueuedJobs: 1000, maxRunningJobs: null });
    expect(config.events).toMatchObject({ maxStreamsPerOwner: 20, maxStreams: 1000 });
    expect(config.uploads.deadlineMs).toBe(3_600_000);
  });

  it('when they are set, then they are used; OWNER_MAX_RUNNING_JOBS=0 means no cap', () => {
    const config = loadConfig(
      { OWNER_MAX_QUEUED_JOBS: '5', OWNER_MAX_RUNNING_JOBS: '2', SSE_MAX_STREAMS_PER_OWNER: '3', SSE_MAX_STREAMS: '40', UPLOAD_DEADLINE_S: '90' },
      { cwd: '/srv/app' },
    );
    expect(config.quotas).toEqual({ maxQueuedJobs: 5, maxRunningJobs: 2 });
    expect(config.events).toMatchObject({ maxStreamsPerOwner: 3, maxStreams: 40 });
    expect(config.uploads.deadlineMs).toBe(90_000);
    expect(loadConfig({ OWNER_MAX_RUNNING_JOBS: '0' }, { cwd: '/srv/app' }).quotas.maxRunningJobs).toBeNull();
  });

  it.each([
    ['OWNER_MAX_QUEUED_JOBS', '0'],
    ['OWNER_MAX_RUNNING_JOBS', '-1'],
    ['SSE_MAX_STREAMS_PER_OWNER', 'lots'],
    ['SSE_MAX_STREAMS', '0'],
    ['UPLOAD_DEADLINE_S', '1.5'],
  ])('when %s=%s, then it is refused by name', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value }, { cwd: '/srv/app' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
  });
});
