import { describe, expect, it } from '@jest/globals';
import type { DeliveryAttempt, WebhookDelivery } from '@reelforge/db';
import type { WebhookDeliveryResult, WebhookJobPayload } from '@reelforge/queue';
import type { Job as BullJob } from 'bullmq';
import { pino } from 'pino';
import { createSigningSecrets, createWebhookProcessor, WebhookSecretKeyError } from '../src/index.js';

const payload: WebhookJobPayload = {
  deliveryId: 'd1',
  owner: '@admin',
  url: 'http://127.0.0.1:9/hook',
  eventId: 'evt_1',
  eventType: 'transcode.failed',
  body: '{"id":"evt_1"}',
};

function run(secret: string | undefined, data: WebhookJobPayload, rowOwner?: string, owners?: { activeSecrets: (owner: string) => Promise<string[]> }) {
  const recorded: DeliveryAttempt[] = [];
  const processor = createWebhookProcessor({
    deliveries: {
      recordAttempt: async (_id, attempt) => {
        recorded.push(attempt);
        return null;
      },
      findById: async () => (rowOwner === undefined ? null : ({ owner: rowOwner } as WebhookDelivery)),
    },
    signingSecrets: createSigningSecrets({ adminSecret: secret, owners }),
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

  const { owner: _owner, ...queuedBeforeOwners } = payload;

  it("when a job queued before deliveries carried their owner runs, then the row's owner picks the secrets", async () => {
    const { result, recorded } = run('whsec-admin-0123456789', queuedBeforeOwners, 'acme', { activeSecrets: async () => [] });
    await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/owner "acme" has no webhook signing secret/) });
    expect(recorded).toEqual([{ attempt: 1, outcome: 'failed', responseStatus: null, error: expect.stringMatching(/^webhook_secret_missing: owner "acme"/) }]);
  });

  it('when such a job has lost its row, then it fails at once saying so', async () => {
    const { result } = run('whsec-admin-0123456789', queuedBeforeOwners);
    await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/no longer exists/) });
  });

  it('when an owner has secrets but WEBHOOK_SECRETS_KEY is not set, then the delivery fails at once with webhook_secret_missing', async () => {
    const { result, recorded } = run('whsec-admin-0123456789', { ...payload, owner: 'acme' });
    await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/WEBHOOK_SECRETS_KEY/) });
    expect(recorded[0]!.error).toMatch(/^webhook_secret_missing: /);
  });

  it('when a stored secret cannot be opened, then the delivery fails at once with webhook_secret_key_invalid', async () => {
    const owners = { activeSecrets: async () => Promise.reject(new WebhookSecretKeyError('a stored webhook secret does not open')) };
    const { result, recorded } = run('whsec-admin-0123456789', { ...payload, owner: 'acme' }, undefined, owners);
    await expect(result).rejects.toMatchObject({ name: 'UnrecoverableError' });
    expect(recorded[0]!.error).toMatch(/^webhook_secret_key_invalid: WEBHOOK_SECRETS_KEY: a stored webhook secret does not open/);
  });
});
