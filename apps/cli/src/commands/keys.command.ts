import { parseArgs } from 'node:util';
import { loadConfig } from '@reelforge/config';
import { ADMIN_OWNER, ApiKeysRepository, isOwnerName, isReservedOwner, type ApiKey } from '@reelforge/db';
import { runCommand, writeJson, type CliIo } from '../cli.io.js';
import { withDatabase } from '../database.session.js';
import { ExitCode, UsageError } from '../exit.codes.js';

export const KEYS_USAGE = `reelforge keys create --owner <owner> [--name <name>] [--json]
reelforge keys revoke <id|prefix> [--json]
reelforge keys list [--owner <owner>] [--json]

API keys for clients, stored as SHA-256 hashes in Postgres (DATABASE_URL; without it, the embedded
one of \`npm start\`). \`create\` prints the token once, on stdout. A key sees only its owner's files
and jobs; revoking takes effect on the next request.
Exit: 0 done, 1 no such key (or a prefix naming several), 2 bad usage, 3 database unreachable, 78 not configured.`;


export async function runKeysCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCommand(io, argv, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        owner: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [action, ...rest] = positionals;
    if (values.help) {
      io.stdout.write(`${KEYS_USAGE}\n`);
      return ExitCode.ok;
    }
    const run = (work: (keys: ApiKeysRepository) => Promise<ExitCode>) =>
      withDatabase(loadConfig(io.env, { role: 'tool', cwd: io.cwd }), (db) => work(new ApiKeysRepository(db)));

    switch (action) {
      case 'create': {
        if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}\n\n${KEYS_USAGE}`);
        if (values.owner === undefined || !isOwnerName(values.owner)) {
          throw new UsageError(`keys create needs --owner: 1-200 printable characters without spaces\n\n${KEYS_USAGE}`);
        }
        if (isReservedOwner(values.owner)) {
          throw new UsageError(`owner names starting with @ are reserved (${ADMIN_OWNER} owns what API_TOKENS create); pick another --owner`);
        }
        const owner = values.owner;
        return run(async (keys) => {
          const { apiKey, token } = await keys.create({ owner, name: values.name ?? null });
          if (values.json) {
            writeJson(io, { ...describe(apiKey), token });
          } else {
            io.stderr.write(`API key ${apiKey.id} (${apiKey.prefix}…) created for owner "${apiKey.owner}". The token is shown only now:\n`);
            io.stdout.write(`${token}\n`);
          }
          return ExitCode.ok;
        });
      }
      case 'revoke': {
        if (rest.length !== 1) throw new UsageError(`keys revoke needs exactly one key id or prefix\n\n${KEYS_USAGE}`);
        return run(async (keys) => {
          const apiKey = await keys.revoke(rest[0]!);
          if (values.json) writeJson(io, describe(apiKey));
          else io.stderr.write(`API key ${apiKey.id} (${apiKey.prefix}…) of owner "${apiKey.owner}" is revoked.\n`);
          return ExitCode.ok;
        });
      }
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}\n\n${KEYS_USAGE}`);
        return run(async (keys) => {
          const list = await keys.list(values.owner !== undefined ? { owner: values.owner } : {});
          if (values.json) writeJson(io, list.map(describe));
          else io.stdout.write(formatKeys(list));
          return ExitCode.ok;
        });
      }
      default:
        throw new UsageError(`${action === undefined ? 'missing' : `unknown`} keys action${action ? ` "${action}"` : ''}\n\n${KEYS_USAGE}`);
    }
  });
}

function describe(key: ApiKey) {
  return {
    id: key.id,
    owner: key.owner,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

function formatKeys(keys: ApiKey[]): string {
  if (keys.length === 0) return 'no API keys\n';
  return `${keys
    .map((k) => `${k.id}  ${k.prefix}…  ${k.owner}${k.name ? ` (${k.name})` : ''}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`)
    .join('\n')}\n`;
}
