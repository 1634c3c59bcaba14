import { parseArgs } from 'node:util';
import { ReelforgeClient, type JobsPageBody } from '../api.client.js';
import { CLIENT_OPTIONS, resolveClientSettings } from '../client.settings.js';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { ExitCode, UsageError } from '../exit.codes.js';

const STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'];

export const JOBS_USAGE = `reelforge jobs [--status queued|processing|completed|failed|cancelled] [--limit 1-100] [--cursor C]
               [--server URL] [--token T] [--json]

Lists your jobs, newest first (an API key sees its owner's jobs; an API_TOKENS token sees all).
Exit: 0 listed, 1 refused (e.g. a bad cursor), 2 bad usage, 3 server unreachable or token refused, 78 no token.`;

export async function runJobsCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        status: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        ...CLIENT_OPTIONS,
      },
    });
    if (values.help) {
      io.stdout.write(`${JOBS_USAGE}\n`);
      return ExitCode.ok;
    }
    if (values.status !== undefined && !STATUSES.includes(values.status)) {
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')} (got ${values.status})`);
    }
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
      throw new UsageError(`--limit must be a whole number from 1 to 100 (got ${values.limit})`);
    }
    const settings = resolveClientSettings(values, io.env, io.cwd);
    const page = await new ReelforgeClient(settings.server, settings.token).listJobs({ status: values.status, limit, cursor: values.cursor });
    if (values.json) writeJson(io, page);
    else io.stdout.write(formatJobs(page));
    return ExitCode.ok;
  });
}

/** Pure: a fixed-width table, with the command for the next page when there is one. */
export function formatJobs(page: { items: Pick<JobsPageBody['items'][number], 'jobId' | 'fileId' | 'status' | 'progress' | 'createdAt'>[]; nextCursor: string | null }): string {
  if (page.items.length === 0) return 'no jobs\n';
  const rows = [
    ['JOB', 'FILE', 'STATUS', 'PROGRESS', 'CREATED'],
    ...page.items.map((job) => [job.jobId, job.fileId, job.status, `${job.progress.toFixed(1)}%`, job.createdAt]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  if (page.nextCursor) lines.push('', `more: reelforge jobs --cursor ${page.nextCursor}`);
  return `${lines.join('\n')}\n`;
}
