import { parseArgs } from 'node:util';
import { ReelforgeClient, type UsageReportBody } from '../api.client.js';
import { CLIENT_OPTIONS, resolveClientSettings } from '../client.settings.js';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { ExitCode } from '../exit.codes.js';

export const USAGE_USAGE = `reelforge usage [--owner NAME] [--server URL] [--token T] [--json]

Usage per owner: jobs by status, minutes encoded (input duration of completed jobs), files and bytes
stored (uploaded originals). Administrators only: needs a token from API_TOKENS (an API key gets 404).
Exit: 0 listed, 1 refused (an API key), 2 bad usage, 3 server unreachable or token refused, 78 no token.`;

export async function runUsageCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        owner: { type: 'string' },
        ...CLIENT_OPTIONS,
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE_USAGE}\n`);
      return ExitCode.ok;
    }
    const settings = resolveClientSettings(values, io.env, io.cwd);
    const report = await new ReelforgeClient(settings.server, settings.token).usage(values.owner);
    if (values.json) writeJson(io, report);
    else io.stdout.write(formatUsage(report));
    return ExitCode.ok;
  });
}

const MIB = 1024 * 1024;

/** Pure: a fixed-width table, one owner a line. */
export function formatUsage(report: UsageReportBody): string {
  if (report.owners.length === 0) return 'no owners yet\n';
  const rows = [
    ['OWNER', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'MINUTES', 'FILES', 'STORED'],
    ...report.owners.map((o) => [
      o.owner,
      String(o.jobs.queued),
      String(o.jobs.processing),
      String(o.jobs.completed),
      String(o.jobs.failed),
      String(o.jobs.cancelled),
      o.minutesEncoded.toFixed(1),
      String(o.files),
      `${(o.bytesStored / MIB).toFixed(1)} MiB`,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return `${rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n')}\n`;
}
