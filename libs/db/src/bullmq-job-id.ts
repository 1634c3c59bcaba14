/**
 * The BullMQ id of one queued attempt of a transcode job: `<jobId>.<n>`. BullMQ silently ignores an
 * add whose id exists in any state, completed and failed included, so each attempt gets its own id;
 * `:` is reserved by BullMQ keys, hence the dot. JobsRepository picks `n` in the same guarded UPDATE
 * that queues the attempt and records the id in `bullmq_job_id`; everyone else reads it from there.
 */
export function transcodeBullJobId(jobId: string, n: number): string {
  if (jobId.includes(':')) throw new Error(`job id must not contain ':' (got ${jobId})`);
  return `${jobId}.${n}`;
}

export function parseTranscodeBullJobId(bullJobId: string): { jobId: string; attempt: number } | undefined {
  const match = /^([^.:]+)\.(\d+)$/.exec(bullJobId);
  return match ? { jobId: match[1]!, attempt: Number(match[2]) } : undefined;
}
