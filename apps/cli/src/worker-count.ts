/**
 * Most worker processes `npm start --workers` runs on one machine. Each may hold an ffmpeg of about
 * 0.5 GiB at once (BENCHMARKS.md), and more processes than cores only queue for the same cores.
 */
export const MAX_LOCAL_WORKERS = 16;

export type WorkerCount = { ok: true; count: number } | { ok: false; message: string };

/** Pure: the value of `--workers` (absent → 1) to a count of worker processes, or why it is refused. */
export function parseWorkerCount(value: string | undefined): WorkerCount {
  if (value === undefined) return { ok: true, count: 1 };
  const text = value.trim();
  const count = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LOCAL_WORKERS) {
    return { ok: false, message: `--workers must be a whole number from 1 to ${MAX_LOCAL_WORKERS} (got "${value}")` };
  }
  return { ok: true, count };
}
