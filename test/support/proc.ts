import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** R, S, D, Z (zombie: dead, not yet reaped), ... */
  state: string;
  cmdline: string;
}

/** Every process of this machine as /proc shows it (Linux only). */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const entries = await readdir('/proc');
  const infos = await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => readProcess(Number(e))));
  return infos.filter((p): p is ProcessInfo => p !== undefined);
}

export async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), state: fields[0] ?? '?', cmdline };
  } catch {
    return undefined; // exited while we looked
  }
}

/** True while the process exists and is not a zombie. */
export async function isRunning(pid: number): Promise<boolean> {
  const info = await readProcess(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Live processes whose command line contains `needle` (e.g. a file id in ffmpeg's input path). */
export async function runningWithCmdline(needle: string): Promise<ProcessInfo[]> {
  return (await listProcesses()).filter((p) => p.cmdline.includes(needle) && p.state !== 'Z' && p.state !== 'X');
}
