import { createId } from '@paralleldrive/cuid2';
import { decodeJobCursor, encodeJobCursor } from './job-cursor.codec.js';
import { SqlParams, toQueryFn, type QueryFn, type Queryable } from './queryable.js';
import {
  toWebhookDelivery,
  type WebhookDelivery,
  type WebhookDeliveryAttempt,
  type WebhookDeliveryRow,
  type WebhookDeliveryStatus,
  type WebhookEventType,
} from './webhook-delivery.record.js';

export interface NewWebhookDelivery {
  jobId: string;
  /** The job's owner. */
  owner: string;
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
const MAX_PAGE_SIZE = 100;

export interface ListDeliveriesOptions {
  /** Only this owner's deliveries (an API key's view); all owners when absent (administrators). */
  owner?: string;
  status?: WebhookDeliveryStatus;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1-100. */
  limit: number;
}

export interface WebhookDeliveryLogEntry extends WebhookDelivery {
  /** Every attempt, oldest first. */
  attempts: WebhookDeliveryAttempt[];
}

export interface WebhookDeliveryPage {
  items: WebhookDeliveryLogEntry[];
  nextCursor: string | null;
}

interface AttemptJson {
  attempt: number;
  at: string;
  outcome: WebhookDeliveryAttempt['outcome'];
  responseStatus: number | null;
  error: string | null;
}

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
      `INSERT INTO webhook_deliveries (id, job_id, owner, url, event_type, event_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING *`,
      [createId(), input.jobId, input.owner, input.url, input.eventType, input.eventId, JSON.stringify(input.payload)],
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
   * Records an attempt, on the row and as a row of its own in `webhook_delivery_attempts`. A delivered
   * row is final: a late report of an older attempt (a stalled worker waking up) cannot turn it back into
   * pending or failed. Returns null when the row is gone (its job was deleted) or already delivered.
   */
  async recordAttempt(id: string, attempt: DeliveryAttempt): Promise<WebhookDelivery | null> {
    const status = attempt.outcome === 'retrying' ? 'pending' : attempt.outcome;
    return this.one(
      `WITH updated AS (
         UPDATE webhook_deliveries
         SET attempt = GREATEST(attempt, $2::int), status = $3, response_status = $4, error = $5,
             delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE NULL END, updated_at = now()
         WHERE id = $1 AND status <> 'delivered'
         RETURNING *
       ), logged AS (
         INSERT INTO webhook_delivery_attempts (delivery_id, attempt, outcome, response_status, error)
         SELECT id, $2::int, $6, $4, $5 FROM updated
         ON CONFLICT (delivery_id, attempt) DO NOTHING
       )
       SELECT * FROM updated`,
      [id, attempt.attempt, status, attempt.responseStatus, attempt.error?.slice(0, MAX_ERROR_LENGTH) ?? null, attempt.outcome],
    );
  }

  /**
   * Makes a delivered or failed delivery pending again for a redelivery, counting it. Null when there
   * is no such row or it is still pending (being attempted).
   */
  async markRedelivering(id: string): Promise<WebhookDelivery | null> {
    return this.one(
      `UPDATE webhook_deliveries
       SET status = 'pending', redelivery = redelivery + 1, error = NULL, delivered_at = NULL, updated_at = now()
       WHERE id = $1 AND status <> 'pending'
       RETURNING *`,
      [id],
    );
  }

  /**
   * Newest first, keyset-paginated over (created_at, id) like the jobs list, each with its attempts.
   * Throws InvalidCursorError for a cursor this repository did not issue.
   */
  async list(options: ListDeliveriesOptions): Promise<WebhookDeliveryPage> {
    const { limit } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${limit})`);
    }
    const p = new SqlParams();
    const where: string[] = [];
    if (options.owner !== undefined) where.push(`d.owner = ${p.add(options.owner)}`);
    if (options.status !== undefined) where.push(`d.status = ${p.add(options.status)}`);
    if (options.cursor !== undefined) {
      const after = decodeJobCursor(options.cursor);
      where.push(
        `(d.created_at, d.id) < (timestamptz 'epoch' + ${p.add(after.createdAtMicros)}::bigint * interval '1 microsecond', ${p.add(after.id)})`,
      );
    }
    const { rows } = await this.query<WebhookDeliveryRow & { cursor_micros: string; attempts: AttemptJson[] }>(
      `SELECT d.*, (extract(epoch FROM d.created_at) * 1000000)::bigint::text AS cursor_micros,
              COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'outcome', a.outcome,
                                                          'responseStatus', a.response_status, 'error', a.error) ORDER BY a.attempt)
                        FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]'::json) AS attempts
       FROM webhook_deliveries d
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.created_at DESC, d.id DESC
       LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({ ...toWebhookDelivery(row), attempts: row.attempts.map((a) => ({ ...a, at: new Date(a.at) })) })),
      nextCursor: rows.length > limit && last ? encodeJobCursor({ createdAtMicros: last.cursor_micros, id: last.id }) : null,
    };
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
