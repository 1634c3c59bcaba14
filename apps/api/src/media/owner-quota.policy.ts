import type { OwnerQueueLimit } from '@reelforge/db';
import { TooManyRequestsError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';

/** OWNER_MAX_QUEUED_JOBS, as the API applies it. */
export interface OwnerQuotas {
  maxQueuedJobs: number;
}

/**
 * How long a refused client is told to wait (Retry-After). A queued job leaves the queue when a worker
 * takes it, which takes as long as the jobs ahead of it: there is no exact answer, and half a minute
 * keeps a polite client from hammering the API while it drains.
 */
export const QUEUE_QUOTA_RETRY_AFTER_S = 30;

/**
 * Administrators (API_TOKENS) are not limited: they are the operators, and re-running a batch for
 * a customer must not fail half way. Their jobs still count towards the owner's queue and are
 * scheduled fairly like every other job of that owner.
 */
export function ownerQueueLimit(quotas: OwnerQuotas, caller: Caller): OwnerQueueLimit | null {
  return caller.admin ? null : { maxQueued: quotas.maxQueuedJobs };
}

export function ownerQuotaExceeded(owner: string, queued: number, quotas: OwnerQuotas): TooManyRequestsError {
  return new TooManyRequestsError(
    'owner_quota_exceeded',
    `Owner ${owner} already has ${queued} queued jobs, the most allowed at once (${quotas.maxQueuedJobs}); submit more as these start.`,
    QUEUE_QUOTA_RETRY_AFTER_S,
    { limit: quotas.maxQueuedJobs, queued },
  );
}
