import { parseArgs } from 'node:util';
import { ReelforgeClient, type WebhookDeliveriesPageBody } from '../api.client.js';
import { CLIENT_OPTIONS, resolveClientSettings } from '../client.settings.js';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { ExitCode, UsageError } from '../exit.codes.js';
import { runWebhookSecretCommand, WEBHOOK_SECRET_USAGE } from './webhook-secret.command.js';

const STATUSES = ['pending', 'delivered', 'failed'];

export const WEBHOOKS_USAGE = `reelforge webhooks deliveries [--owner O] [--status pending|delivered|failed] [--limit 1-100] [--cursor C]
                             [--server URL] [--token T] [--json]
reelforge webhooks redeliver <deliveryId> [--server URL] [--token T] [--json]
${WEBHOOK_SECRET_USAGE}

\`deliveries\` lists webhook deliveries, newest first, with every attempt (an API key sees its owner's;
an API_TOKENS token sees all, or --owner's). \`redeliver\` sends a delivered or failed event again: same
event id, signed afresh with the owner's current secrets.
Exit: 0 done, 1 refused (unknown delivery, still pending, bad cursor), 2 bad usage, 3 server unreachable
or token refused, 78 no token.`;

export async function runWebhooksCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  if (argv[0] === 'secret') return runWebhookSecretCommand(argv.slice(1), io);
  return runCommand(io, argv, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        owner: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        ...CLIENT_OPTIONS,
      },
    });
    const [action, ...rest] = positionals;
    if (values.help) {
      io.stdout.write(`${WEBHOOKS_USAGE}\n`);
      return ExitCode.ok;
    }
    switch (action) {
      case 'deliveries': {
        if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}\n\n${WEBHOOKS_USAGE}`);
        if (values.status !== undefined && !STATUSES.includes(values.status)) {
          throw new UsageError(`--status must be one of ${STATUSES.join(', ')} (got ${values.status})`);
        }
        const limit = values.limit === undefined ? undefined : Number(values.limit);
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
          throw new UsageError(`--limit must be a whole number from 1 to 100 (got ${values.limit})`);
        }
        const settings = resolveClientSettings(values, io.env, io.cwd);
        const page = await new ReelforgeClient(settings.server, settings.token).listWebhookDeliveries({
          owner: values.owner,
          status: values.status,
          limit,
          cursor: values.cursor,
        });
        if (values.json) writeJson(io, page);
        else io.stdout.write(formatDeliveries(page));
        return ExitCode.ok;
      }
      case 'redeliver': {
        if (rest.length !== 1) throw new UsageError(`webhooks redeliver needs exactly one delivery id\n\n${WEBHOOKS_USAGE}`);
        const settings = resolveClientSettings(values, io.env, io.cwd);
        const delivery = await new ReelforgeClient(settings.server, settings.token).redeliverWebhook(rest[0]!);
        if (values.json) writeJson(io, delivery);
        else io.stderr.write(`Webhook delivery ${delivery.deliveryId} (event ${delivery.eventId}) is queued again as attempt ${delivery.attempt + 1}.\n`);
        return ExitCode.ok;
      }
      default:
        throw new UsageError(`${action === undefined ? 'missing' : 'unknown'} webhooks action${action ? ` "${action}"` : ''}\n\n${WEBHOOKS_USAGE}`);
    }
  });
}

/** Pure: a fixed-width table, with the command for the next page when there is one. */
export function formatDeliveries(page: WebhookDeliveriesPageBody): string {
  if (page.items.length === 0) return 'no webhook deliveries\n';
  const rows = [
    ['DELIVERY', 'OWNER', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST', 'CREATED'],
    ...page.items.map((d) => [
      d.deliveryId,
      d.owner,
      d.eventType,
      d.status,
      String(d.attempt),
      d.error ?? (d.responseStatus === null ? '-' : `HTTP ${d.responseStatus}`),
      d.createdAt,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  if (page.nextCursor) lines.push('', `more: reelforge webhooks deliveries --cursor ${page.nextCursor}`);
  return `${lines.join('\n')}\n`;
}
