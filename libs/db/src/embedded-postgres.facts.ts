import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterSite, DirFacts, PlacementFacts, PostgresAccount } from './embedded-postgres.placement.js';
import type { PackagedPrograms } from './embedded-postgres.process.js';

/**
 * Root's own state directory: kept across reboots and never cleaned by age, unlike the temp dirs
 * (tmpfs and 10-day cleaning on Debian 13), which would eat a cluster file by file.
 */
export const DEFAULT_FALLBACK_ROOT = '/var/lib/reelforge';

/** One stable cluster per preferred data dir (so per checkout): runs reuse its data, checkouts never share it. */
export function fallbackDataDir(preferredDataDir: string, fallbackRoot: string = DEFAULT_FALLBACK_ROOT): string {
  const resolved = path.resolve(preferredDataDir);
  const key = createHash('sha256').update(resolved).digest('hex').slice(0, 12);
  return path.join(fallbackRoot, `${path.basename(resolved)}-${key}`);
}

/** One copy of the programs per package version and platform, shared by every checkout. */
export function programsCopyDir(programs: PackagedPrograms, fallbackRoot: string = DEFAULT_FALLBACK_ROOT): string {
  return path.join(fallbackRoot, `postgres-${programs.version}-${programs.platform}`);
}

export async function gatherPlacementFacts(options: {
  asRoot: boolean;
  account: PostgresAccount | null;
  preferredDataDir: string;
  fallbackRoot: string;
  programs: PackagedPrograms;
}): Promise<PlacementFacts> {
  const { asRoot, account, preferredDataDir, fallbackRoot, programs } = options;
  return {
    asRoot,
    account,
    preferred: await site(preferredDataDir),
    fallback: await site(fallbackDataDir(preferredDataDir, fallbackRoot)),
    programs: { path: await existingPath(path.join(programs.nativeDir, 'bin')), copyDir: programsCopyDir(programs, fallbackRoot) },
  };
}

async function site(dataDir: string): Promise<ClusterSite> {
  return { dataDir, ancestors: await existingPath(path.dirname(dataDir)), initialised: await exists(path.join(dataDir, 'PG_VERSION')) };
}

/**
 * The existing directories from `/` down to `dir` (or to its deepest existing ancestor), after symlinks
 * are resolved: the kernel checks the directories the path really goes through. Missing ones are
 * created later by root with mode 755.
 */
async function existingPath(dir: string): Promise<DirFacts[]> {
  let deepest = dir;
  while (!(await exists(deepest))) deepest = path.dirname(deepest);
  const real = await realpath(deepest);
  const chain: DirFacts[] = [];
  for (let current = real; ; current = path.dirname(current)) {
    const { mode, uid, gid } = await stat(current);
    chain.unshift({ path: current, mode, uid, gid });
    if (path.dirname(current) === current) return chain;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

export function isErrno(error: unknown, code: string): boolean {
  // Duck-typed: errors from Node's own modules may come from another realm (e.g. under Jest's VM).
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
