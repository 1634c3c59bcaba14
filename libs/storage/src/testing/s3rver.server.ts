import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { S3StorageConfig } from '../storage.config.js';

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Ready-made config for `createStorageDriver`. */
  storageConfig: S3StorageConfig;
  /** The same server as the environment a Reelforge process reads (STORAGE_DRIVER=s3 and the SPACES_* variables). */
  env: Record<string, string>;
  /** Stops the server and deletes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** s3rver accepts only its built-in account. */
const S3RVER_CREDENTIAL = 'S3RVER';
const START_TIMEOUT_MS = 15_000;

/**
 * Runs in the child. s3rver 3.7 encrypts ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 only offers through its legacy provider, hence a separate Node process started with
 * `--openssl-legacy-provider`. It prints its port, and exits when stdin closes (parent gone).
 * `s3rver.extensions.mjs` adds the multipart calls s3rver lacks (ListParts, AbortMultipartUpload,
 * ListMultipartUploads), makes CompleteMultipartUpload check parts and ETags, and checks presigned
 * URLs' signatures and expiry, as S3 does.
 */
const CHILD_SOURCE = `
const S3rver = require(process.argv[1]);
const server = new S3rver(JSON.parse(process.argv[2]));
import(require('node:url').pathToFileURL(process.argv[3]).href)
  .then(({ extendS3rver }) => {
    extendS3rver(server, process.argv[1]);
    return server.run();
  })
  .then(
    ({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'),
    (err) => { console.error(err); process.exit(1); },
  );
process.stdin.on('end', () => process.exit(0)).resume();
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Starts a private s3rver on a free port in a fresh temp directory with one empty bucket with a
 * unique name, for tests that need a real S3-compatible server without Docker.
 */
export async function startS3rver(): Promise<S3rverHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'reelforge-s3rver-'));
  const bucket = `reelforge-test-${randomBytes(6).toString('hex')}`;
  const options = { address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] };
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '-e',
      CHILD_SOURCE,
      createRequire(import.meta.url).resolve('s3rver'),
      JSON.stringify(options),
      fileURLToPath(new URL('./s3rver.extensions.mjs', import.meta.url)),
    ],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );

  let port: number;
  try {
    port = await readPort(child);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw err;
  }

  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    region,
    accessKeyId: S3RVER_CREDENTIAL,
    secretAccessKey: S3RVER_CREDENTIAL,
    storageConfig: {
      driver: 's3',
      bucket,
      region,
      endpoint,
      accessKeyId: S3RVER_CREDENTIAL,
      secretAccessKey: S3RVER_CREDENTIAL,
      forcePathStyle: true,
    },
    env: {
      STORAGE_DRIVER: 's3',
      SPACES_ENDPOINT: endpoint,
      SPACES_BUCKET: bucket,
      SPACES_REGION: region,
      SPACES_ACCESS_KEY: S3RVER_CREDENTIAL,
      SPACES_SECRET_KEY: S3RVER_CREDENTIAL,
      SPACES_FORCE_PATH_STYLE: 'true',
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
        await rm(directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function readPort(child: ChildProcess): Promise<number> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout! });
  const timeout = AbortSignal.timeout(START_TIMEOUT_MS);
  try {
    const [line] = await Promise.race([
      once(lines, 'line', { signal: timeout }) as Promise<[string]>,
      once(child, 'exit', { signal: timeout }).then(([code]) => {
        throw new Error(`s3rver exited with code ${code} before listening: ${stderr.trim()}`);
      }),
    ]);
    return (JSON.parse(line) as { port: number }).port;
  } finally {
    lines.close();
  }
}
