#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@reelforge/config';
import { runValidateSpec } from '@reelforge/deploy';
import { processIo } from './cli.io.js';
import { CLIENT_USAGE, clientCommand } from './commands/client.commands.js';
import { runDemo } from './commands/demo.command.js';
import { runDoctor } from './commands/doctor.command.js';
import { DOCTOR_ROLES } from './doctor/doctor.checks.js';
import { runMigrate } from './commands/migrate.command.js';
import { runReconcile } from './commands/reconcile.command.js';
import { runUp } from './commands/up.command.js';
import { parseWorkerCount } from './worker-count.js';

const USAGE = `reelforge <command>

Commands:
  up [--workers N]        start Postgres/Redis (embedded unless DATABASE_URL/REDIS_URL), the API and N
                          worker processes (default 1), each with its own health/metrics port
  demo [video]            run a video (default: a generated test clip) through the real API and queue
  migrate [--down]        apply database migrations (DATABASE_URL)
  reconcile               put back what Redis lost: queued/processing jobs, pending webhook deliveries
  validate-spec [path]    check a DigitalOcean App Platform spec offline (default .do/app.yaml)
  doctor [--role api|worker] [--json]
                          check the live configuration as that process (default api) sees it: env,
                          Postgres, Redis, storage, and ffprobe (api) or ffmpeg (worker)
${CLIENT_USAGE}

Client commands talk to --server (REELFORGE_SERVER, default http://localhost:3000) with --token
(REELFORGE_TOKEN, default .reelforge/dev-token); \`reelforge <command> --help\` shows their options.

Exit codes: 0 ok (transcode: completed), 1 failed (transcode: failed or cancelled), 2 bad usage,
3 server or database unreachable or credentials refused, 78 bad or missing configuration.`;

const log = (line: string) => process.stderr.write(`[reelforge] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const client = clientCommand(argv[0]);
  if (client) return client(argv.slice(1), processIo());
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      down: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      json: { type: 'boolean', default: false },
      role: { type: 'string', default: 'api' },
      workers: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  if (command === 'doctor') {
    const role = DOCTOR_ROLES.find((r) => r === values.role);
    if (role === undefined) {
      log(`doctor --role must be one of ${DOCTOR_ROLES.join(', ')} (got "${values.role}")`);
      return 2;
    }
    return runDoctor(values.json, role);
  }
  if (command === 'validate-spec') {
    const result = runValidateSpec(rest[0], process.cwd());
    process.stdout.write(`${result.output}\n`);
    return result.exitCode;
  }
  const workers = parseWorkerCount(values.workers);
  if (values.workers !== undefined && command !== 'up') {
    log(`--workers applies to the up command only (npm start -- --workers N)`);
    return 2;
  }
  if (!workers.ok) {
    log(workers.message);
    return 2;
  }
  const config = loadConfig(process.env, { role: command === 'up' || command === 'demo' ? 'api' : 'tool' });
  switch (command) {
    case 'up':
      return runUp(config, workers.count, log);
    case 'demo':
      return runDemo({ config, input: rest[0], log });
    case 'migrate':
      return runMigrate(config, values.down ? 'down' : 'up', log);
    case 'reconcile':
      return runReconcile(config, log);
    default:
      log(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      log(err.message);
      process.exit(78);
    }
    if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      log(`${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    log(`error: ${(err as Error).message}`);
    process.exit(1);
  },
);
