import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { createLogger } from '@reelforge/config';
import { auth, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

interface LogLine {
  level: number;
  msg: string;
  jobId?: string;
  req?: { id?: string; url?: string };
  [key: string]: unknown;
}

describe('structured logs: request id on request lines, job id on job lines', () => {
  const lines: LogLine[] = [];
  let stack: TestStack;

  beforeAll(async () => {
    // The production logger, writing one JSON document per call to the destination's write().
    const logger = createLogger({ env: 'production', logLevel: 'debug' }, 'reelforge-test', {
      write: (chunk: string) => void lines.push(JSON.parse(chunk) as LogLine),
    });
    stack = await startTestStack({ logger });
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  const requestLines = (requestId: string) => lines.filter((line) => line.req?.id === requestId);

  it('when a request carries X-Request-Id, then it is echoed and every line of that request has it', async () => {
    const res = await fetch(`${stack.baseUrl}/api/media/transcode/nosuchfile`, { headers: { ...auth, 'x-request-id': 'trace-404.a' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('trace-404.a');
    expect(requestLines('trace-404.a')).toEqual([expect.objectContaining({ msg: 'request completed', res: expect.objectContaining({ statusCode: 404 }) })]);
  });

  it('when a request has no id, then one is made up, returned and logged', async () => {
    const res = await fetch(`${stack.baseUrl}/api/media/transcode/nosuchfile`);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines(id)).toHaveLength(1);
    // Bearer tokens never reach the log.
    expect(JSON.stringify(lines)).not.toContain('test-token-0123456789');
    expect(requestLines('trace-404.a')[0]?.req).toHaveProperty(['headers', 'authorization'], '[redacted]');
  });

  it('when a job is created and run, then its API line carries request and job id, and every worker line about it the job id', async () => {
    const upload = await uploadFile(stack.baseUrl, await makeFixture('tiny-240p', { durationS: 1 }), 'logs.mp4');
    const { fileId } = (await upload.json()) as { fileId: string };
    const submit = await submitTranscode(stack.baseUrl, { fileId }, { 'x-request-id': 'trace-submit' });
    const { jobId } = (await submit.json()) as { jobId: string };
    expect((await waitForSettled(stack.baseUrl, fileId)).status).toBe('completed');

    expect(requestLines('trace-submit')).toContainEqual(expect.objectContaining({ msg: 'transcode job created', jobId, fileId }));
    // The worker logs "transcode completed" just after Postgres shows the job completed: wait for the line itself.
    const workerLinesOf = () => lines.filter((line) => line.req === undefined && JSON.stringify(line).includes(jobId));
    await waitFor('the worker to log the completion', async () => (workerLinesOf().some((line) => line.msg === 'transcode completed') ? true : undefined));
    const workerLines = workerLinesOf();
    expect(workerLines.map((line) => line.msg)).toEqual(expect.arrayContaining(['transcode started', 'transcode completed']));
    for (const line of workerLines) expect(line).toMatchObject({ jobId, fileId });
  });
});
