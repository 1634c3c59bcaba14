import type { CliIo } from '../cli.io.js';
import type { ExitCode } from '../exit.codes.js';
import { runJobsCommand } from './jobs.command.js';
import { runKeysCommand } from './keys.command.js';
import { runStatusCommand } from './status.command.js';
import { runTranscodeCommand } from './transcode.command.js';
import { runUsageCommand } from './usage.command.js';
import { runWebhooksCommand } from './webhooks.command.js';

type ClientCommand = (argv: string[], io: CliIo) => Promise<ExitCode>;

/** Commands that parse their own options (they have more than the service commands share). */
const CLIENT_COMMANDS: Record<string, ClientCommand> = {
  transcode: runTranscodeCommand,
  status: runStatusCommand,
  jobs: runJobsCommand,
  keys: runKeysCommand,
  usage: runUsageCommand,
  webhooks: runWebhooksCommand,
};

export function clientCommand(name: string | undefined): ClientCommand | undefined {
  return name !== undefined && Object.hasOwn(CLIENT_COMMANDS, name) ? CLIENT_COMMANDS[name] : undefined;
}

export const CLIENT_USAGE = `  transcode <file>        upload, transcode with a live progress bar, print the master URL [--server --token --ladder --json]
  status <fileId>         state of a file's latest job [--json]
  jobs                    your jobs, newest first [--status --limit --cursor --json]
  keys create|revoke|list API keys in Postgres (create prints the token once) [--owner --name --json]
  usage                   per owner: jobs by status, minutes encoded, bytes stored (API_TOKENS only) [--owner --json]
  webhooks deliveries|redeliver <id>
                          your webhook delivery log, with every attempt; send one again [--owner --status --json]
  webhooks secret create|rotate|list
                          an owner's webhook signing secret (printed once), rotation with --overlap 24h [--owner --json]`;
