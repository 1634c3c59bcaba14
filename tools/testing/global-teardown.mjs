import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export default async function globalTeardown() {
  await Promise.all([globalThis.__reelforgeRedis?.stop(), globalThis.__reelforgePg?.stop()]);
  await rm(path.join(os.tmpdir(), `reelforge-jest-redis-${process.pid}`), { recursive: true, force: true });
}
