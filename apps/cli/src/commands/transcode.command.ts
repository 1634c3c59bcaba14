import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LadderOptionsSchema } from '@reelforge/media';
import { ReelforgeClient } from '../api.client.js';
import { CLIENT_OPTIONS, resolveClientSettings } from '../client.settings.js';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { ExitCode, UsageError } from '../exit.codes.js';
import { followJob } from '../follow.js';
import { ProgressPrinter } from '../progress.bar.js';

export const TRANSCODE_USAGE = `reelforge transcode <file> [--server URL] [--token T] [--ladder '<json>'] [--webhook-url URL] [--json]

Uploads <file>, starts a transcode, shows live progress (stage, percent, ETA) on stderr and prints the
master playlist URL on stdout. --json prints the final job state as one JSON document instead.
  --ladder       e.g. '{"rungs":[{"height":720},{"height":360}],"segmentSeconds":4}'
  --webhook-url  receiver for the signed transcode.completed/failed/cancelled event
Exit: 0 completed, 1 failed or cancelled, 2 bad usage, 3 server unreachable or token refused, 78 no token.`;

export async function runTranscodeCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...CLIENT_OPTIONS,
        ladder: { type: 'string' },
        'webhook-url': { type: 'string' },
      },
    });
    if (values.help) {
      io.stdout.write(`${TRANSCODE_USAGE}\n`);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one file to transcode\n\n${TRANSCODE_USAGE}`);
    const file = path.resolve(io.cwd, positionals[0]!);
    const size = fileSize(file);
    const ladder = values.ladder === undefined ? undefined : parseLadder(values.ladder);
    const settings = resolveClientSettings(values, io.env, io.cwd);
    const client = new ReelforgeClient(settings.server, settings.token);
    const say = (line: string) => {
      if (!values.json) io.stderr.write(`${line}\n`);
    };

    say(`uploading ${path.basename(file)} (${(size / 1e6).toFixed(1)} MB) to ${settings.server} …`);
    const upload = await client.upload(file);
    const job = await client.transcode(upload.fileId, {
      ...(ladder !== undefined ? { ladder } : {}),
      ...(values['webhook-url'] !== undefined ? { webhookUrl: values['webhook-url'] } : {}),
    });
    say(`file ${upload.fileId}, job ${job.jobId} ${job.status}`);

    const printer = values.json ? undefined : new ProgressPrinter(io.stderr);
    let final;
    try {
      final = await followJob(client, upload.fileId, (progress) => printer?.update(progress));
    } finally {
      printer?.done();
    }
    if (values.json) writeJson(io, final);
    if (final.status === 'completed') {
      if (!values.json) io.stdout.write(`${final.hlsUrl}\n`);
      return ExitCode.ok;
    }
    say(`transcode ${final.status}${final.error ? `: ${final.error.code}: ${final.error.message}` : ''}`);
    return ExitCode.failed;
  });
}

function fileSize(file: string): number {
  try {
    const stat = statSync(file);
    if (stat.isFile()) return stat.size;
  } catch {
    // reported below
  }
  throw new UsageError(`${file} is not a readable file`);
}

/** Checked here so a typo is a usage error at once, not an upload followed by a 400; sent as given. */
function parseLadder(text: string): unknown {
  let ladder: unknown;
  try {
    ladder = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--ladder is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = LadderOptionsSchema.safeParse(ladder);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UsageError(`--ladder is not a valid ladder: ${issues}`);
  }
  return ladder;
}
