import { createId } from '@paralleldrive/cuid2';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';
import { toWebhookDelivery, type WebhookDelivery, type WebhookDeliveryRow, type WebhookEventType } from './webhook-delivery.record.js';

export interface NewWebhookDelivery {
  jobId: string;
  url: string;
  eventType: WebhookEventType;
  eventId: string;
  payload: Record<string, unknown>;
}

/**
 * The result of one attempt. `retrying` keeps the row pending (another attempt follows);
 * `failed` is final.
 */
export interface DeliveryAttempt {
  attempt: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  responseStatus: number | null;
  error: string | null;
}

const MAX_ERROR_LENGTH = 1_000;

/** `webhook_deliveries`: one row per event, updated after each attempt. */
export class WebhookDeliveriesRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /**
   * Inserts a pending delivery, or returns the existing one for the same event id (`created: false`),
   * so enqueueing an event twice sends it once.
   */
  async createPending(input: NewWebhookDelivery): Promise<{ delivery: WebhookDelivery; created: boolean }> {
    const { rows } = await this.query<WebhookDeliveryRow>(
      `INSERT INTO webhook_deliveries (id, job_id, url, event_type, event_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING *`,
      [createId(), input.jobId, input.url, input.eventType, input.eventId, JSON.stringify(input.payload)],
    );
    if (rows[0]) return { delivery: toWebhookDelivery(rows[0]), created: true };
    const existing = await this.findByEventId(input.eventId);
    if (!existing) throw new Error(`webhook delivery for event ${input.eventId} vanished while being created`);
    return { delivery: existing, created: false };
  }

  async findById(id: string): Promise<WebhookDelivery | null> {
    return this.one('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
  }

  async findByEventId(eventId: string): Promise<WebhookDelivery | null> {
    return this.one('SELECT * FROM webhook_deliveries WHERE event_id = $1', [eventId]);
  }

  /** Oldest first. */
  async listForJob(jobId: string): Promise<WebhookDelivery[]> {
    const { rows } = await this.query<WebhookDeliveryRow>('SELECT * FROM webhook_deliveries WHERE job_id = $1 ORDER BY created_at, id', [
      jobId,
    ]);
    return rows.map(toWebhookDelivery);
  }

  /**
   * Pending deliveries created before `createdBefore`, oldest first, `limit` at a time: what the
   * reconciler checks against the queue. Pass the last row of a page as `after` for the next one.
   * Keyed on the creation time to the millisecond (what the cursor's Date holds) and the id, so rows
   * whose microseconds differ are neither read twice nor looped over forever.
   */
  async listPending(options: { createdBefore: Date; limit: number; after?: Pick<WebhookDelivery, 'createdAt' | 'id'> }): Promise<WebhookDelivery[]> {
    const { createdBefore, limit, after } = options;
    const { rows } = await this.query<WebhookDeliveryRow>(
      `SELECT * FROM webhook_deliveries
       WHERE status = 'pending' AND created_at < $1
         AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($3::timestamptz, $4::text))
       ORDER BY date_trunc('milliseconds', created_at), id
       LIMIT $2`,
      [createdBefore, limit, after?.createdAt ?? null, after?.id ?? null],
    );
    return rows.map(toWebhookDelivery);
  }

  /**
   * Records an attempt. A delivered row is final: a late report of an older attempt (a stalled
   * worker waking up) cannot turn it back into pending or failed. Returns null when the row is gone
   * (its job was deleted) or already delivered.
   */
  async recordAttempt(id: string, attempt: DeliveryAttempt): Promise<WebhookDelivery | null> {
    const status = attempt.outcome === 'retrying' ? 'pending' : attempt.outcome;
    return this.one(
      `UPDATE webhook_deliveries
       SET attempt = GREATEST(attempt, $2::int), status = $3, response_status = $4, error = $5,
           delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE NULL END, updated_at = now()
       WHERE id = $1 AND status <> 'delivered'
       RETURNING *`,
      [id, attempt.attempt, status, attempt.responseStatus, attempt.error?.slice(0, MAX_ERROR_LENGTH) ?? null],
    );
  }

  /** Gives up on a delivery that never reached an attempt (e.g. it could not be enqueued). */
  async markFailed(id: string, error: string): Promise<WebhookDelivery | null> {
    return this.one(
      `UPDATE webhook_deliveries SET status = 'failed', error = $2, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING *`,
      [id, error.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  private async one(text: string, values: unknown[]): Promise<WebhookDelivery | null> {
    const { rows } = await this.query<WebhookDeliveryRow>(text, values);
    return rows[0] ? toWebhookDelivery(rows[0]) : null;
  }
}
