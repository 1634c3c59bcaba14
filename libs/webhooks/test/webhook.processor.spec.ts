import { describe, expect, it } from '@jest/globals';
import type { DeliveryAttempt } from '@reelforge/db';
import type { WebhookDeliveryResult, WebhookJobPayload } from '@reelforge/queue';
import type { Job as BullJob } from 'bullmq';
import { pino } from 'pino';
import { createSigningSecrets, createWebhookProcessor } from '../src/index.js';

const payload: WebhookJobPayload = {
  deliveryId: 'd1',
  owner: '@admin',
  url: 'http://127.0.0.1:9/hook',
  eventId: 'evt_1',
  eventType: 'transcode.failed',
  body: '{"id":"evt_1"}',
};

function run(secret: string | undefined, data: WebhookJobPayload) {
  const recorded: DeliveryAttempt[] = [];
  const processor = createWebhookProcessor({
    deliveries: {
      recordAttempt: async (_id, attempt) => {
        recorded.push(attempt);
        return null;
      },
      findById: async () => null,
    },
    signingSecrets: createSigningSecrets({ adminSecret: secret, owners: undefined }),
    timeoutMs: 1_000,
    logger: pino({ level: 'silent' }),
  });
  const job = { data, attemptsMade: 0, opts: { attempts: 8 } } as unknown as BullJob<WebhookJobPayload, WebhookDeliveryResult>;
  return { result: processor(job), recorded };
}

describe('webhook processor refusals', () => {
  it('when WEBHOOK_SECRET is missing, then nothing is sent and the delivery fails at once, without retries', async () => {
    const { result, recorded } = run(undefined, payload);
    await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/WEBHOOK_SECRET is not set/) });
    expect(recorded).toEqual([{ attempt: 1, outcome: 'failed', responseStatus: null, error: expect.stringMatching(/WEBHOOK_SECRET/) }]);
  });

  const withCredentials = Object.assign(new URL('http://example.com/hook'), { username: 'user', password: 'pass' }).href;

  it.each(['ftp://example.com/hook', withCredentials, 'not a url'])(
    'when the URL is %p, then it is refused without a request and without retries',
    async (url) => {
      const { result, recorded } = run('whsec-0123456789abcdef', { ...payload, url });
      await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/Webhook URL not allowed/) });
      expect(recorded).toEqual([expect.objectContaining({ outcome: 'failed', responseStatus: null })]);
    },
  );

  it.each(['http://127.0.0.1:9/hook', 'http://[64:ff9b::a00:1]/hook', 'http://localhost/hook'])(
    'when the URL %p leads to a private address, then the delivery fails at once with the reason, without retries',
    async (url) => {
      const { result, recorded } = run('whsec-0123456789abcdef', { ...payload, url });
      await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/private or reserved address/) });
      expect(recorded).toEqual([{ attempt: 1, outcome: 'failed', responseStatus: null, error: expect.stringMatching(/private or reserved address/) }]);
    },
  );
});
