import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository, FilesRepository, JobsRepository } from '@reelforge/db';
import { UsageReportSchema } from '../../apps/api/src/media/usage.schema.js';
import { runCli } from '../support/cli.runner.js';
import { auth, bearer } from '../support/http.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../support/test-stack.js';

describe('usage per owner (GET /api/admin/usage, reelforge usage)', () => {
  let stack: TestStack;
  let files: FilesRepository;
  let jobs: JobsRepository;
  let keyOfAcme: string;
  let n = 0;

  const file = async (owner: string, sizeBytes: number, durationS: number) => {
    n += 1;
    return files.insert({ owner, originalName: 'clip.mp4', sizeBytes, durationS, storageKey: `uploads/usage-${n}/source` });
  };
  const completedJob = async (owner: string, fileId: string) => {
    const { job } = await jobs.create({ owner, fileId });
    await jobs.markProcessing(job.id, { workerId: 'w' });
    await jobs.markCompleted(job.id, { renditions: [], outputPrefix: `hls/${fileId}/`, workerId: 'w' });
  };
  const usage = (query = '', headers = auth) => fetch(`${stack.baseUrl}/api/admin/usage${query}`, { headers });

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    files = new FilesRepository(stack.db.pool);
    jobs = new JobsRepository(stack.db.pool);
    keyOfAcme = (await new ApiKeysRepository(stack.db.pool).create({ owner: 'acme' })).token;

    // acme: two 90 s files encoded once each, one more queued, one failed; 3 files of 1000 bytes each.
    const [a1, a2, a3] = [await file('acme', 1000, 90), await file('acme', 1000, 90), await file('acme', 1000, 30)];
    await completedJob('acme', a1.id);
    await completedJob('acme', a2.id);
    await jobs.create({ owner: 'acme', fileId: a3.id });
    const b1 = await file('bravo', 5000, 600);
    const failed = (await jobs.create({ owner: 'bravo', fileId: b1.id })).job;
    await jobs.markProcessing(failed.id, { workerId: 'w' });
    await jobs.markFailed(failed.id, { code: 'ffmpeg_failed', message: 'x', workerId: 'w' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('when an administrator asks, then every owner is listed with jobs by status, minutes encoded and bytes stored', async () => {
    const res = await usage();
    expect(res.status).toBe(200);
    const report = UsageReportSchema.parse(await res.json());
    expect(report.owners).toEqual([
      { owner: 'acme', jobs: { queued: 1, processing: 0, completed: 2, failed: 0, cancelled: 0 }, minutesEncoded: 3, files: 3, bytesStored: 3000 },
      { owner: 'bravo', jobs: { queued: 0, processing: 0, completed: 0, failed: 1, cancelled: 0 }, minutesEncoded: 0, files: 1, bytesStored: 5000 },
    ]);
    const one = UsageReportSchema.parse(await (await usage('?owner=bravo')).json());
    expect(one.owners.map((o) => o.owner)).toEqual(['bravo']);
    const nobody = UsageReportSchema.parse(await (await usage('?owner=nobody')).json());
    expect(nobody.owners).toEqual([{ owner: 'nobody', jobs: { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 }, minutesEncoded: 0, files: 0, bytesStored: 0 }]);
  });

  it('when an API key asks, then the route does not exist for it (404), whatever it asks for', async () => {
    for (const query of ['', '?owner=acme', '?owner=bravo']) {
      const res = await usage(query, bearer(keyOfAcme));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'route_not_found' });
    }
  });

  it('when the query has an unknown parameter, then it is 400 instead of a report on everyone', async () => {
    const res = await usage('?ownr=acme');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_request' });
  });

  it('when the CLI is run with an administrator token, then it prints the table, or the JSON report with --json; with a key it exits 1', async () => {
    const client = { REELFORGE_SERVER: stack.baseUrl, REELFORGE_TOKEN: TEST_TOKEN };
    const table = await runCli(['usage'], client);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^OWNER\s+QUEUED\s+RUNNING\s+DONE\s+FAILED\s+CANCELLED\s+MINUTES\s+FILES\s+STORED$/);
    expect(table.stdout).toMatch(/^acme\s+1\s+0\s+2\s+0\s+0\s+3\.0\s+3\s+0\.0 MiB$/m);
    const json = await runCli(['usage', '--owner', 'acme', '--json'], client);
    expect(json.code).toBe(0);
    expect(UsageReportSchema.parse(JSON.parse(json.stdout)).owners).toMatchObject([{ owner: 'acme', minutesEncoded: 3 }]);
    const refused = await runCli(['usage', '--json'], { ...client, REELFORGE_TOKEN: keyOfAcme });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'route_not_found' } });
  });
});
