/** Polls `probe` until it returns something other than undefined; rejects with `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves with the BullMQ job once it is `state`; BullMQ records an outcome just after Postgres does. */
export async function bullJobIn<J extends { getState(): Promise<string> }>(
  state: 'completed' | 'failed',
  getJob: () => Promise<J | undefined>,
  timeoutMs = 10_000,
): Promise<J> {
  return waitFor(
    `a BullMQ job to be ${state}`,
    async () => {
      const job = await getJob();
      return job && (await job.getState()) === state ? job : undefined;
    },
    { timeoutMs },
  );
}
