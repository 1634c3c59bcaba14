import { readFile } from 'node:fs/promises';

/** Linux reports child CPU times in clock ticks of USER_HZ, which is 100 on every mainstream architecture. */
const USER_HZ = 100;

/** Pure: cutime + cstime (CPU of reaped children) from the text of /proc/<pid>/stat, in seconds. */
export function parseChildCpuSeconds(statText: string): number {
  // The command name is in parentheses and may contain spaces; fields after it start at field 3.
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) throw new Error('unexpected /proc/self/stat format');
  return (cutime + cstime) / USER_HZ;
}

/**
 * CPU seconds used so far by this process and by the children it has reaped (ffmpeg and ffprobe
 * runs of an in-process worker). Services running as children (redis-server, s3rver) are not
 * reaped while they run, so they do not count.
 */
export async function cpuSecondsSoFar(): Promise<number> {
  return ownCpuSecondsSoFar() + parseChildCpuSeconds(await readFile('/proc/self/stat', 'utf8'));
}

/** CPU seconds used so far by this Node process alone (its threads, not its children). */
export function ownCpuSecondsSoFar(): number {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1e6;
}
