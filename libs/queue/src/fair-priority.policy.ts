/**
 * Fair scheduling with open-source BullMQ (its per-group queues are BullMQ Pro): every job gets a
 * BullMQ priority (lower runs sooner) from two facts:
 *
 * - its rank: its place among its owner's queued jobs (1 = the owner's next job), and
 * - the client's own `priority` (1-1000), if it gave one.
 *
 * Rank n of every owner shares band n, so workers take the first job of each owner before anyone's
 * second: owners alternate, and one owner's burst of 200 jobs cannot push another owner's single job
 * behind it. Within a band BullMQ keeps the order of arrival. A client's `priority` moves a job only
 * within its band, that is only among its own owner's jobs of that rank, never ahead of other owners.
 */

/** The request schema's largest `priority`. */
export const CLIENT_PRIORITY_MAX = 1000;
/** Slots per band: one for "no priority given" (first, as BullMQ runs unprioritised jobs first) and one per client priority. */
export const PRIORITY_BAND_WIDTH = 1024;
/** BullMQ's largest priority (2^21). */
export const BULLMQ_MAX_PRIORITY = 2_097_152;
/** Ranks beyond this share the last band: an owner that far behind is last either way. */
export const MAX_RANK = Math.floor(BULLMQ_MAX_PRIORITY / PRIORITY_BAND_WIDTH);

export interface FairPriorityInput {
  /** The job's place among its owner's queued jobs, from 1. */
  rank: number;
  /** The client's priority (1 = most urgent), or null for none. */
  clientPriority: number | null;
}

export function fairPriority({ rank, clientPriority }: FairPriorityInput): number {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank must be an integer from 1 (got ${rank})`);
  if (clientPriority !== null && (!Number.isInteger(clientPriority) || clientPriority < 1 || clientPriority > CLIENT_PRIORITY_MAX)) {
    throw new RangeError(`client priority must be an integer from 1 to ${CLIENT_PRIORITY_MAX} (got ${clientPriority})`);
  }
  const band = Math.min(rank, MAX_RANK) - 1;
  // Offsets 1..1001: never 0, which BullMQ reads as "no priority" and runs before every band.
  return band * PRIORITY_BAND_WIDTH + 1 + (clientPriority ?? 0);
}
