import { createId } from '@paralleldrive/cuid2';
import { ConfigError, loadConfig, storageDriverConfig, type Config } from '@reelforge/config';
import { pendingMigrations } from '@reelforge/db';
import { requirementOf } from '@reelforge/deploy';
import { checkFfmpeg, checkFfprobe } from '@reelforge/ffmpeg';
import { checkRedisPolicy, createRedisConnection } from '@reelforge/queue';
import { createStorageDriver } from '@reelforge/storage';
import pg from 'pg';
import { Readable } from 'node:stream';
import { redactUrl, type CheckResult } from './doctor.report.js';

/** The process whose view doctor takes: its configuration rules and the programs it spawns. */
export type DoctorRole = 'api' | 'worker';
export const DOCTOR_ROLES: readonly DoctorRole[] = ['api', 'worker'];

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  /** Default api, the process whose console operators open first. */
  role?: DoctorRole;
  /** For tests: where to look for ffmpeg/ffprobe. */
  ffmpegPath?: string;
  ffprobePath?: string;
  timeoutMs?: number;
}

/**
 * Checks the live configuration the way a deploy would exercise it: every service is contacted for
 * real, and a test object is written, read back, fetched from its public URL and deleted.
 */
export async function runDoctorChecks(options: DoctorOptions): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const role = options.role ?? 'api';
  let config: Config;
  try {
    config = loadConfig(options.env, { role });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [
      ...err.problems.map((p) => ({ name: `env ${p.variable}`, ok: false, detail: p.message, fix: `set ${p.variable} (see README "Configuration")` })),
      await mediaToolsCheck(role, options),
    ];
  }
  return [
    { name: 'env', ok: true, detail: `configuration valid for the ${role} (NODE_ENV=${config.env}, storage=${config.storage.driver})` },
    ...(await postgresChecks(config, timeoutMs)),
    ...(await redisChecks(config, timeoutMs)),
    ...(await storageChecks(config, timeoutMs)),
    await mediaToolsCheck(role, options),
  ];
}

async function postgresChecks(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const url = config.database.url;
  if (!url) return [{ name: 'postgres', ok: true, detail: 'DATABASE_URL not set: npm start uses the embedded Postgres (development only)' }];
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, ...(config.database.caCert ? { ssl: { ca: config.database.caCert } } : {}) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const pending = await pendingMigrations({ databaseUrl: url, caCert: config.database.caCert, schema: config.database.schema });
    return [
      { name: 'postgres', ok: true, detail: `reachable at ${redactUrl(url)} (server ${rows[0]?.server_version})` },
      pending.length === 0
        ? { name: 'postgres migrations', ok: true, detail: 'schema is up to date' }
        : { name: 'postgres migrations', ok: false, detail: `${pending.length} pending: ${pending.join(', ')}`, fix: 'run `reelforge migrate`' },
    ];
  } catch (err) {
    return [{ name: 'postgres', ok: false, detail: `cannot connect to ${redactUrl(url)}: ${(err as Error).message}`, fix: 'check DATABASE_URL, the network path and credentials' }];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisChecks(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const url = config.redis.url;
  if (!url) return [{ name: 'redis', ok: true, detail: 'REDIS_URL not set: npm start uses an embedded redis-server (development only)' }];
  const redis = createRedisConnection(url, 'producer', { lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const report = await checkRedisPolicy(redis);
    const policyOk = report.maxmemoryPolicy === 'noeviction';
    return [
      { name: 'redis', ok: true, detail: `reachable at ${redactUrl(url)}` },
      policyOk
        ? { name: 'redis maxmemory-policy', ok: true, detail: 'noeviction' + (report.warnings.length ? ` (${report.warnings.join('; ')})` : '') }
        : {
            name: 'redis maxmemory-policy',
            ok: false,
            detail: report.maxmemoryPolicy === undefined ? report.warnings.join('; ') : `is ${report.maxmemoryPolicy}; queued jobs can be evicted`,
            fix: 'set maxmemory-policy noeviction (redis.conf, CONFIG SET, or your provider\'s settings)',
          },
    ];
  } catch (err) {
    return [{ name: 'redis', ok: false, detail: `cannot connect to ${redactUrl(url)}: ${(err as Error).message}`, fix: 'check REDIS_URL (rediss:// for TLS) and the network path' }];
  } finally {
    redis.disconnect();
  }
}

async function storageChecks(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const storage = createStorageDriver(storageDriverConfig(config));
  const where = config.storage.driver === 's3' ? `bucket ${config.storage.bucket}` : `directory ${config.storage.rootDir}`;
  const key = `hls/doctor-check/${createId()}.txt`;
  const body = `reelforge doctor ${new Date().toISOString()}`;
  const results: CheckResult[] = [];
  try {
    await storage.putStream(key, Readable.from([body]), { contentType: 'text/plain' });
    const read = Buffer.concat(await (await storage.getStream(key)).toArray()).toString('utf8');
    if (read !== body) throw new Error('the object read back differs from what was written');
    results.push({ name: 'storage read/write', ok: true, detail: `${where}: wrote and read back ${key}` });
    if (config.storage.driver === 's3') results.push(await publicUrlCheck(storage.publicUrl(key), body, timeoutMs));
    else results.push({ name: 'storage public URL', ok: true, detail: `local files are served by the API, e.g. ${storage.publicUrl(key)}` });
    await storage.delete(key);
    const gone = (await storage.stat(key)) === null;
    results.push(
      gone
        ? { name: 'storage delete', ok: true, detail: 'test object deleted' }
        : { name: 'storage delete', ok: false, detail: `${key} still exists after delete`, fix: 'grant the key s3:DeleteObject on the bucket' },
    );
  } catch (err) {
    results.push({
      name: 'storage read/write',
      ok: false,
      detail: `${where}: ${(err as Error).message}`,
      fix: config.storage.driver === 's3' ? 'check SPACES_BUCKET, SPACES_REGION, SPACES_ENDPOINT and the key pair' : 'make STORAGE_DIR writable by this user',
    });
  } finally {
    await storage.close();
  }
  return results;
}

async function publicUrlCheck(url: string, body: string, timeoutMs: number): Promise<CheckResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.ok && text === body) return { name: 'storage public URL', ok: true, detail: `${url} serves the test object` };
    return { name: 'storage public URL', ok: false, detail: `${url} answered HTTP ${res.status}`, fix: 'set SPACES_ACL=public-read (or a bucket policy for hls/*) and check SPACES_CDN_URL / PUBLIC_BASE_URL' };
  } catch (err) {
    return { name: 'storage public URL', ok: false, detail: `${url}: ${(err as Error).message}`, fix: 'check SPACES_CDN_URL / PUBLIC_BASE_URL points at this bucket' };
  }
}

const INSTALL_FFMPEG = "install Debian's ffmpeg package (apt-get install ffmpeg), which also carries ffprobe";

/** What the role spawns, as COMPONENT_REQUIREMENTS says: ffprobe alone for the API, the full ffmpeg for the worker. */
async function mediaToolsCheck(role: DoctorRole, options: DoctorOptions): Promise<CheckResult> {
  const media = requirementOf(role).mediaTools;
  if (media?.tools.includes('ffmpeg')) return ffmpegCheck(options);
  try {
    const { ffprobeVersion } = await checkFfprobe({ ffprobePath: options.ffprobePath });
    return { name: 'ffprobe', ok: true, detail: `ffprobe ${ffprobeVersion}: the ${role} ${media?.why ?? 'runs it'}` };
  } catch (err) {
    return { name: 'ffprobe', ok: false, detail: `${(err as Error).message}; the ${role} ${media?.why ?? 'needs it'}`, fix: INSTALL_FFMPEG };
  }
}

async function ffmpegCheck(options: DoctorOptions): Promise<CheckResult> {
  try {
    const caps = await checkFfmpeg({ ffmpegPath: options.ffmpegPath, ffprobePath: options.ffprobePath });
    const missing = [!caps.encoders.libx264 && 'libx264', !caps.encoders.aac && 'aac'].filter(Boolean);
    return missing.length === 0
      ? { name: 'ffmpeg', ok: true, detail: `ffmpeg ${caps.ffmpegVersion}, ffprobe ${caps.ffprobeVersion}, libx264 and aac encoders present` }
      : { name: 'ffmpeg', ok: false, detail: `missing encoders: ${missing.join(', ')}`, fix: INSTALL_FFMPEG };
  } catch (err) {
    return { name: 'ffmpeg', ok: false, detail: (err as Error).message, fix: INSTALL_FFMPEG };
  }
}
