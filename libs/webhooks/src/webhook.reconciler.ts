import type { WebhookDeliveriesRepository, WebhookDelivery } from '@reelforge/db';
import { isLiveBullState, toWebhookJobPayload, visitKeysetPages, webhookBullJobId, type JobQueue, type ReconcilerLogger } from '@reelforge/queue';

export interface WebhookReconcilerDeps {
  queue: JobQueue<'webhooks'>;
  deliveries: Pick<WebhookDeliveriesRepository, 'listPending' | 'findById' | 'markFailed'>;
  logger?: ReconcilerLogger;
  /** How long a new pending row is left to the process that is adding its queue job (default 30 s). */
  pendingEnqueueGraceMs?: number;
  /** Rows read per page, oldest first (default 1,000). */
  batchSize?: number;
  now?: () => number;
}

export interface WebhookReconcileReport {
  /** Pending deliveries compared with the queue. */
  checked: number;
  /** Delivery ids put back on the `webhooks` queue. */
  requeued: string[];
  /** Delivery ids marked failed because the queue had given up without Postgres hearing of it. */
  failed: string[];
}

const DEFAULT_PENDING_ENQUEUE_GRACE_MS = 30_000;
const DEFAULT_BATCH_SIZE = 1_000;

/**
 * The webhook side of the reconciler: `webhook_deliveries` is the record, the `webhooks` queue only
 * schedules attempts. A pending delivery whose queue job Redis lost (a flush, a restart without
 * persistence) is added again under its delivery id, carrying the attempts already made so the
 * numbering goes on; receivers deduplicate on the unchanged event id. One BullMQ has already failed
 * (the worker could not record the last attempt) is marked failed.
 */
export class WebhookReconciler {
  constructor(private readonly deps: WebhookReconcilerDeps) {}

  async reconcileOnce(): Promise<WebhookReconcileReport> {
    const now = this.deps.now?.() ?? Date.now();
    const createdBefore = new Date(now - (this.deps.pendingEnqueueGraceMs ?? DEFAULT_PENDING_ENQUEUE_GRACE_MS));
    const limit = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const report: WebhookReconcileReport = { checked: 0, requeued: [], failed: [] };
    // Page through all of them: with a receiver down, thousands may be pending and alive in the queue.
    report.checked = await visitKeysetPages<WebhookDelivery>({
      limit,
      page: (after) => this.deps.deliveries.listPending({ createdBefore, limit, ...(after ? { after } : {}) }),
      visit: (delivery) => this.reconcileDelivery(delivery, report),
      onError: (err, delivery) =>
        this.deps.logger?.warn({ err, deliveryId: delivery.id }, 'reconciler could not repair a webhook delivery; will try again next run'),
    });
    if (report.requeued.length > 0 || report.failed.length > 0) {
      this.deps.logger?.info(report, 'reconciler repaired webhook deliveries Redis had lost');
    }
    return report;
  }

  private async reconcileDelivery(delivery: WebhookDelivery, report: WebhookReconcileReport): Promise<void> {
    const { queue, deliveries } = this.deps;
    const bullJob = await queue.getJob(webhookBullJobId(delivery));
    const state = bullJob ? await bullJob.getState() : 'unknown';
    if (isLiveBullState(state)) return;
    if (bullJob && state === 'failed') {
      const failed = await deliveries.markFailed(delivery.id, bullJob.failedReason || 'the queue gave up on this delivery');
      if (failed) report.failed.push(delivery.id);
      return;
    }
    // Completed: the processor records the outcome before it returns, so the row moved on since it was listed.
    if (bullJob) return;
    // Delivered and removed from the queue since it was listed? Then there is nothing to send again.
    const current = await deliveries.findById(delivery.id);
    if (current?.status !== 'pending' || current.redelivery !== delivery.redelivery) return;
    await queue.add(current.eventType, toWebhookJobPayload(current), { jobId: webhookBullJobId(current) });
    report.requeued.push(delivery.id);
  }
}
