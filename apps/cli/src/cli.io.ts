import { exitCodeFor, type ExitCode } from './exit.codes.js';

/** Where a command writes and what it reads from its environment; process.* in production, captured in tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  /** Progress bars and human messages; the terminal check decides between redraw and plain lines. */
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export const writeJson = (io: CliIo, value: unknown): void => {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/**
 * Runs a command body and turns any error into its exit code: a message on stderr, and with --json
 * also `{ "error": { code, message, exitCode } }` on stdout, so scripts always get one JSON document.
 */
export async function runCommand(io: CliIo, argv: readonly string[], body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (err) {
    const exitCode = exitCodeFor(err);
    const message = (err as Error)?.message ?? String(err);
    io.stderr.write(`reelforge: ${message}\n`);
    if (argv.includes('--json')) {
      const code = (err as { code?: unknown })?.code;
      writeJson(io, { error: { code: typeof code === 'string' ? code : 'error', message, exitCode } });
    }
    return exitCode;
  }
}
