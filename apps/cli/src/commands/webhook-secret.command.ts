import { parseArgs } from 'node:util';
import { loadConfig } from '@reelforge/config';
import { ADMIN_OWNER, isOwnerName, isReservedOwner, WebhookSecretsRepository, type WebhookSecretRecord } from '@reelforge/db';
import { operatorKey, OwnerSecretsStore, type NewOwnerSecret } from '@reelforge/webhooks';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { withDatabase } from '../database.session.js';
import { parseDurationMs } from '../duration.parser.js';
import { CliConfigError, ExitCode, UsageError } from '../exit.codes.js';

export const WEBHOOK_SECRET_USAGE = `reelforge webhooks secret create --owner <owner> [--json]
reelforge webhooks secret rotate --owner <owner> [--overlap 24h] [--json]
reelforge webhooks secret list [--owner <owner>] [--json]
reelforge webhooks secret reseal [--json]

Each owner's webhook signing secret (one per owner, whatever its API keys), stored in Postgres encrypted
with WEBHOOK_SECRETS_KEY. \`create\` and \`rotate\` print the new secret once, on stdout. \`rotate\` keeps
the owner's current secrets signing for --overlap more (s, m, h or d; default 24h; 0 ends them now):
until then each delivery carries one v1= per secret. Administrators' jobs are signed with WEBHOOK_SECRET.
To change WEBHOOK_SECRETS_KEY, set it to "new,old", run \`reseal\` (re-encrypts every secret under the new
key), then drop the old key.
Exit: 0 done, 1 create for an owner that has a secret / rotate for one that has none, 2 bad usage,
3 database unreachable, 78 not configured (no WEBHOOK_SECRETS_KEY).`;

const DEFAULT_OVERLAP = '24h';

export async function runWebhookSecretCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        owner: { type: 'string' },
        overlap: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [action, ...rest] = positionals;
    if (values.help) {
      io.stdout.write(`${WEBHOOK_SECRET_USAGE}\n`);
      return ExitCode.ok;
    }
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}\n\n${WEBHOOK_SECRET_USAGE}`);
    const config = loadConfig(io.env, { role: 'tool', cwd: io.cwd });
    const run = (work: (secrets: WebhookSecretsRepository) => Promise<ExitCode>) => withDatabase(config, (db) => work(new WebhookSecretsRepository(db)));
    const storeOf = (secrets: WebhookSecretsRepository) => {
      if (config.webhooks.secretsKeys.length === 0) {
        throw new CliConfigError('WEBHOOK_SECRETS_KEY is not set: owners\' webhook secrets are stored encrypted with it (generate one with `openssl rand -hex 32`)');
      }
      return new OwnerSecretsStore(secrets, config.webhooks.secretsKeys.map(operatorKey));
    };

    switch (action) {
      case 'create':
      case 'rotate': {
        const owner = ownerOf(values.owner, action);
        if (action === 'create' && values.overlap !== undefined) throw new UsageError('--overlap goes with rotate only');
        const overlapMs = parseDurationMs(values.overlap ?? DEFAULT_OVERLAP);
        if (overlapMs === undefined) throw new UsageError(`--overlap must be a duration like 90s, 15m, 24h or 7d, or 0 (got ${values.overlap})`);
        return run(async (secrets) => {
          const store = storeOf(secrets);
          const made = action === 'create' ? await store.create(owner) : await store.rotate(owner, overlapMs);
          if (!made) {
            throw new Error(
              action === 'create'
                ? `owner "${owner}" already has a webhook secret: use \`reelforge webhooks secret rotate --owner ${owner}\``
                : `owner "${owner}" has no webhook secret to rotate: use \`reelforge webhooks secret create --owner ${owner}\``,
            );
          }
          report(io, made, values.json);
          return ExitCode.ok;
        });
      }
      case 'reseal':
        return run(async (secrets) => {
          const resealed = await storeOf(secrets).resealWithCurrentKey();
          const keyId = operatorKey(config.webhooks.secretsKeys[0]!).id;
          if (values.json) writeJson(io, { resealed, keyId });
          else io.stderr.write(`${resealed} webhook secret(s) re-sealed with operator key ${keyId}; keys listed after it in WEBHOOK_SECRETS_KEY may now be removed.\n`);
          return ExitCode.ok;
        });
      case 'list':
        return run(async (secrets) => {
          const list = await secrets.list(values.owner !== undefined ? { owner: values.owner } : {});
          if (values.json) writeJson(io, list.map(describe));
          else io.stdout.write(formatSecrets(list));
          return ExitCode.ok;
        });
      default:
        throw new UsageError(`${action === undefined ? 'missing' : 'unknown'} webhooks secret action${action ? ` "${action}"` : ''}\n\n${WEBHOOK_SECRET_USAGE}`);
    }
  });
}

function ownerOf(owner: string | undefined, action: string): string {
  if (owner === undefined || !isOwnerName(owner)) throw new UsageError(`webhooks secret ${action} needs --owner: 1-200 printable characters without spaces`);
  if (isReservedOwner(owner)) throw new UsageError(`owner names starting with @ are reserved: ${ADMIN_OWNER}'s webhooks are signed with WEBHOOK_SECRET`);
  return owner;
}

function report(io: CliIo, made: NewOwnerSecret, json: boolean): void {
  if (json) {
    writeJson(io, { ...describe(made.record), secret: made.secret, retiring: made.retiring.map(describe) });
    return;
  }
  const until = made.retiring.map((r) => `${r.id} signs until ${r.expiresAt?.toISOString() ?? 'further notice'}`);
  io.stderr.write(
    `Webhook secret ${made.record.id} created for owner "${made.record.owner}"${until.length > 0 ? `; ${until.join('; ')}` : ''}. The secret is shown only now:\n`,
  );
  io.stdout.write(`${made.secret}\n`);
}

function describe(secret: WebhookSecretRecord) {
  return {
    id: secret.id,
    owner: secret.owner,
    keyId: secret.keyId,
    createdAt: secret.createdAt.toISOString(),
    expiresAt: secret.expiresAt?.toISOString() ?? null,
  };
}

function formatSecrets(secrets: WebhookSecretRecord[]): string {
  if (secrets.length === 0) return 'no webhook secrets\n';
  const now = Date.now();
  return `${secrets
    .map((s) => {
      const state = s.expiresAt === null ? 'active' : s.expiresAt.getTime() > now ? `signs until ${s.expiresAt.toISOString()}` : `expired ${s.expiresAt.toISOString()}`;
      return `${s.id}  ${s.owner}  created ${s.createdAt.toISOString()}  ${state}  (key ${s.keyId})`;
    })
    .join('\n')}\n`;
}
