import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CliConfigError, UsageError } from './exit.codes.js';

export const DEFAULT_SERVER = 'http://localhost:3000';

export interface ClientSettings {
  server: string;
  token: string;
}

/**
 * `--server` / `--token`, else REELFORGE_SERVER / REELFORGE_TOKEN, else the local development stack:
 * http://localhost:3000 and the token `npm start` writes to .reelforge/dev-token (EMBEDDED_DIR).
 */
export function resolveClientSettings(
  flags: { server?: string; token?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): ClientSettings {
  const server = flags.server ?? env.REELFORGE_SERVER ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL like ${DEFAULT_SERVER} (got ${JSON.stringify(server)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http(s) URL (got ${server})`);
  const token = flags.token ?? env.REELFORGE_TOKEN ?? readDevToken(path.resolve(cwd, env.EMBEDDED_DIR || '.reelforge', 'dev-token'));
  if (!token) {
    throw new CliConfigError(
      'No API token: pass --token, set REELFORGE_TOKEN, or run `npm start` here (it writes .reelforge/dev-token).',
    );
  }
  return { server: url.href.replace(/\/+$/, ''), token };
}

function readDevToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** parseArgs options every command that talks to the API takes. */
export const CLIENT_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
