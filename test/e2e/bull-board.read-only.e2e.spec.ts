import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const OPERATOR = { user: 'ops', password: 'board-password-for-tests' };
const authorization = `Basic ${Buffer.from(`${OPERATOR.user}:${OPERATOR.password}`).toString('base64')}`;

/** Board API calls as the operator's browser makes them. */
async function board(stack: TestStack, method: 'GET' | 'PUT' | 'POST', route: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.baseUrl}/admin/queues/api${route}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A delayed job in the transcode queue: what "promote" would move to waiting. */
async function delayedJob(stack: TestStack, id: string): Promise<void> {
  await stack.queue.add('transcode', { jobId: id, fileId: id, originalName: 'x.mp4', sourceKey: `uploads/${id}/original` }, { jobId: id, delay: 3_600_000 });
}

describe('Bull Board API, read-only unless an operator opts in', () => {
  describe('when BULL_BOARD_READ_ONLY is left at its default', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ worker: false, env: { BULL_BOARD_USER: OPERATOR.user, BULL_BOARD_PASSWORD: OPERATOR.password } });
      await delayedJob(stack, 'delayed-read-only');
    });
    afterAll(() => stack?.stop());

    it('then reading works and every change (promote, retry, clean, add) is refused with 405 and leaves the job as it was', async () => {
      const queues = await board(stack, 'GET', '/queues?activeQueue=transcode&status=delayed&page=1');
      expect(queues.status).toBe(200);
      const listed = (await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(listed.queues.map((q) => [q.name, q.readOnlyMode])).toEqual(expect.arrayContaining([['transcode', true], ['webhooks', true]]));

      const attempts = [
        await board(stack, 'PUT', '/queues/transcode/delayed-read-only/promote'),
        await board(stack, 'PUT', '/queues/transcode/promote'),
        await board(stack, 'PUT', '/queues/transcode/retry/failed'),
        await board(stack, 'PUT', '/queues/transcode/clean/delayed'),
        await board(stack, 'PUT', '/queues/transcode/delayed-read-only/clean'),
        await board(stack, 'POST', '/queues/transcode/add', { name: 'transcode', data: {}, options: {} }),
      ];
      expect(attempts.map((r) => r.status)).toEqual([405, 405, 405, 405, 405, 405]);
      expect(await (await stack.queue.getJob('delayed-read-only'))?.getState()).toBe('delayed');
      expect(await stack.queue.count()).toBe(1);
    });
  });

  describe('when BULL_BOARD_READ_ONLY=false', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({
        worker: false,
        env: { BULL_BOARD_USER: OPERATOR.user, BULL_BOARD_PASSWORD: OPERATOR.password, BULL_BOARD_READ_ONLY: 'false' },
      });
      await delayedJob(stack, 'delayed-opted-in');
    });
    afterAll(() => stack?.stop());

    it('then the operator may promote a delayed job', async () => {
      const promoted = await board(stack, 'PUT', '/queues/transcode/delayed-opted-in/promote');
      expect(promoted.status).toBeLessThan(300);
      expect(await (await stack.queue.getJob('delayed-opted-in'))?.getState()).toBe('waiting');
    });
  });
});
