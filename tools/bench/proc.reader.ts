import { readFile, writeFile } from 'node:fs/promises';

export interface ProcMemory {
  /** Resident set size now. */
  rssKiB: number;
  /** Peak resident set size over the process's life so far. */
  hwmKiB: number;
}

/** Pure: VmRSS and VmHWM out of the text of /proc/<pid>/status; null when either is missing. */
export function parseProcStatus(text: string): ProcMemory | null {
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const rssKiB = field('VmRSS');
  const hwmKiB = field('VmHWM');
  return rssKiB === null || hwmKiB === null ? null : { rssKiB, hwmKiB };
}

/** The memory of a live process (Linux); null once it is gone. */
export async function readProcMemory(pid: number): Promise<ProcMemory | null> {
  try {
    return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

export interface RssSample {
  atMs: number;
  rssKiB: number;
}

export interface RssSampler {
  samples: RssSample[];
  /** The latest sample, read now. */
  sampleNow(): Promise<RssSample | null>;
  stop(): Promise<void>;
}

/** Reads a process's VmRSS every `intervalMs` until stopped or the process is gone. */
export function startRssSampler(pid: number, intervalMs: number, now: () => number): RssSampler {
  const samples: RssSample[] = [];
  let pending: Promise<RssSample | null> = Promise.resolve(null);
  const sampleNow = (): Promise<RssSample | null> => {
    pending = readProcMemory(pid).then((memory) => {
      if (!memory) return null;
      const sample = { atMs: now(), rssKiB: memory.rssKiB };
      samples.push(sample);
      return sample;
    });
    return pending;
  };
  const timer = setInterval(() => void sampleNow(), intervalMs);
  return {
    samples,
    sampleNow,
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}

/** Restarts a process's VmHWM from its current RSS (Linux ≥ 4.0, own processes); false where not allowed. */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
