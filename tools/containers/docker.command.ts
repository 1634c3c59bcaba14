import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, then stdin is closed. */
  input?: NodeJS.ReadableStream;
  /** Killed with SIGKILL after this long; a generous ceiling, never a performance bound. */
  timeoutMs?: number;
  /** Receives every chunk as it arrives (build logs). */
  onOutput?: (chunk: string) => void;
}

const OUTPUT_LIMIT = 2_000_000;

/** Runs a command asynchronously (never spawnSync: BullMQ lock timers share this event loop in tests). */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-OUTPUT_LIMIT);
      options.onOutput?.(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-OUTPUT_LIMIT);
      options.onOutput?.(chunk);
    });
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export class DockerCommandError extends Error {
  readonly code = 'docker_command_failed';
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    super(`docker ${args.join(' ')} exited with ${result.code}:\n${(result.stderr || result.stdout).trim().slice(-4_000)}`);
    this.name = 'DockerCommandError';
  }
}

/** The `docker` CLI bound to one engine (its DOCKER_HOST, if any). */
export class DockerCli {
  constructor(readonly env: NodeJS.ProcessEnv) {}

  run(args: readonly string[], options: Omit<CommandOptions, 'env'> = {}): Promise<CommandResult> {
    return runCommand('docker', args, { ...options, env: this.env });
  }

  /** Runs `docker args`, returns trimmed stdout, throws DockerCommandError on a non-zero exit. */
  async ok(args: readonly string[], options: Omit<CommandOptions, 'env'> = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new DockerCommandError(args, result);
    return result.stdout.trim();
  }
}
