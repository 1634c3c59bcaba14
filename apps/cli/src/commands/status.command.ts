import { parseArgs } from 'node:util';
import type { JobView } from '@reelforge/db';
import { ReelforgeClient } from '../api.client.js';
import { CLIENT_OPTIONS, resolveClientSettings } from '../client.settings.js';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { ExitCode, UsageError } from '../exit.codes.js';

export const STATUS_USAGE = `reelforge status <fileId> [--server URL] [--token T] [--json]

Shows the state of a file's latest transcode job.
Exit: 0 answered (whatever the job's state), 1 unknown file, 2 bad usage, 3 server unreachable or token refused, 78 no token.`;

export async function runStatusCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...CLIENT_OPTIONS,
      },
    });
    if (values.help) {
      io.stdout.write(`${STATUS_USAGE}\n`);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one file id\n\n${STATUS_USAGE}`);
    const settings = resolveClientSettings(values, io.env, io.cwd);
    const status = await new ReelforgeClient(settings.server, settings.token).status(positionals[0]!);
    if (values.json) writeJson(io, status);
    else io.stdout.write(formatStatus(status));
    return ExitCode.ok;
  });
}

/** Pure: the human form, one fact per line. */
export function formatStatus(status: Pick<JobView, 'fileId' | 'jobId' | 'status' | 'progress' | 'stage' | 'attempts' | 'renditions' | 'hlsUrl' | 'error'>): string {
  const lines = [
    `file      ${status.fileId}`,
    `job       ${status.jobId}`,
    `status    ${status.status} ${status.progress.toFixed(1)}%${status.stage ? ` (${status.stage})` : ''}`,
  ];
  lines.push(`attempts  ${status.attempts}`);
  if (status.renditions.length > 0) lines.push(`outputs   ${status.renditions.map((r) => r.name).join(', ')}`);
  if (status.hlsUrl) lines.push(`hls       ${status.hlsUrl}`);
  if (status.error) lines.push(`error     ${status.error.code}: ${status.error.message}`);
  return `${lines.join('\n')}\n`;
}
