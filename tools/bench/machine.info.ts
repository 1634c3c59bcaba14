import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  ffmpeg: string;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started and ended: how busy the machine was meanwhile. */
  loadStart: number;
  loadEnd: number | null;
}

export async function readMachineInfo(): Promise<MachineInfo> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-version']);
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    ffmpeg: stdout.split('\n')[0]?.replace(/ Copyright.*$/, '') ?? 'unknown',
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadStart: os.loadavg()[0] ?? 0,
    loadEnd: null,
  };
}

export function withLoadEnd(info: MachineInfo): MachineInfo {
  return { ...info, loadEnd: os.loadavg()[0] ?? 0 };
}
