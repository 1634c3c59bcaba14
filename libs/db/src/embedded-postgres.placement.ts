/**
 * Where the embedded Postgres keeps its cluster and runs its programs from. Started by root, Postgres
 * runs as the `postgres` account, which must be able to walk into both; a checkout in root's home
 * (mode 700, the default on a new cloud VM) lets it into neither. Decided here from facts the caller
 * gathers, so every case is unit-tested without a root shell.
 */

/** One existing directory as `stat` reports it. */
export interface DirFacts {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface PostgresAccount {
  uid: number;
  gid: number;
}

export interface ClusterSite {
  dataDir: string;
  /** The existing directories leading to dataDir, from `/` down; dataDir itself is not included. */
  ancestors: DirFacts[];
  /** dataDir holds a cluster (PG_VERSION). */
  initialised: boolean;
}

export interface PlacementFacts {
  /** Only root's Postgres runs as another account; anyone else's runs as themselves and reaches what they reach. */
  asRoot: boolean;
  /** null while the account does not exist yet: it is created owning nothing, so only "other" permission bits count. */
  account: PostgresAccount | null;
  /** Where the caller asked for the cluster, e.g. `<checkout>/.reelforge/pg`. */
  preferred: ClusterSite;
  /** A place root owns and keeps across reboots, for when the preferred one is out of reach. */
  fallback: ClusterSite;
  programs: {
    /** The directories leading to the packaged `bin` directory, from `/` down, that directory included. */
    path: DirFacts[];
    /** Where a copy of them would live: beside fallback.dataDir, so fallback.ancestors lead to it too. */
    copyDir: string;
  };
}

export type Placement =
  | {
      kind: 'placed';
      dataDir: string;
      programs: 'packaged' | 'copied';
      /** Why anything is not where it was asked for, to be said aloud; null when nothing moved. */
      relocation: string | null;
    }
  | { kind: 'refused'; reason: string };

/**
 * Unix checks exactly one class: owner bits for the owner, else group bits for the group, else the rest.
 * Only the primary group counts: Node drops supplementary groups when it starts a process as another user.
 */
export function canEnter(dir: DirFacts, account: PostgresAccount | null): boolean {
  const bit = account?.uid === dir.uid ? 0o100 : account?.gid === dir.gid ? 0o010 : 0o001;
  return (dir.mode & bit) !== 0;
}

/** The first directory from `/` down that the account cannot enter, i.e. the one to open first. */
export function firstClosed(dirs: DirFacts[], account: PostgresAccount | null): DirFacts | undefined {
  return dirs.find((dir) => !canEnter(dir, account));
}

export function placeEmbeddedPostgres(facts: PlacementFacts): Placement {
  const { preferred, fallback, programs, account } = facts;
  if (!facts.asRoot) return { kind: 'placed', dataDir: preferred.dataDir, programs: 'packaged', relocation: null };

  const closedPreferred = firstClosed(preferred.ancestors, account);
  const closedFallback = firstClosed(fallback.ancestors, account);
  const closedPrograms = firstClosed(programs.path, account);

  // Starting an empty cluster elsewhere would hide existing data behind a fresh, empty database.
  if (closedPreferred && preferred.initialised) return refuseData(closedPreferred, preferred.dataDir);
  // Data an earlier run put in the fallback stays there, even once the preferred place becomes reachable.
  const useFallback = closedPreferred !== undefined || (fallback.initialised && !preferred.initialised);
  if (useFallback && closedFallback) {
    return closedPreferred ? refuseBoth(closedPreferred, closedFallback) : refuseData(closedFallback, fallback.dataDir);
  }
  if (closedPrograms && closedFallback) return refuseBoth(closedPrograms, closedFallback);

  const dataDir = useFallback ? fallback.dataDir : preferred.dataDir;
  const dataMove = `its data lives in ${fallback.dataDir} instead of ${preferred.dataDir}`;
  const programsMove = `its programs run from a copy in ${programs.copyDir}`;
  const sentences: string[] = [];
  if (closedPreferred && closedPrograms?.path === closedPreferred.path) {
    sentences.push(`${cannotEnter(closedPreferred)}, so ${dataMove}, and ${programsMove}.`);
  } else {
    if (closedPreferred) sentences.push(`${cannotEnter(closedPreferred)}, so ${dataMove}.`);
    else if (useFallback) sentences.push(`Postgres keeps using the database an earlier run as root created in ${fallback.dataDir}; ${preferred.dataDir} has none.`);
    if (closedPrograms) sentences.push(`${cannotEnter(closedPrograms)}, so ${programsMove}.`);
  }
  return {
    kind: 'placed',
    dataDir,
    programs: closedPrograms ? 'copied' : 'packaged',
    relocation: sentences.length > 0 ? sentences.join(' ') : null,
  };
}

const AS_ROOT = 'Running as root, Postgres runs as the "postgres" user';

function cannotEnter(dir: DirFacts): string {
  return `${AS_ROOT}, which cannot enter ${describe(dir)}`;
}

function refuseData(closed: DirFacts, dataDir: string): Placement {
  return {
    kind: 'refused',
    reason: `${cannotEnter(closed)}, so it cannot use the database in ${dataDir}. Allow it in (chmod o+x ${closed.path}), or set DATABASE_URL to use your own Postgres.`,
  };
}

function refuseBoth(closed: DirFacts, closedFallback: DirFacts): Placement {
  return {
    kind: 'refused',
    reason:
      `${AS_ROOT}, which can enter neither ${describe(closed)} nor ${describe(closedFallback)}. ` +
      'Allow it into one of them (chmod o+x <directory>), or set DATABASE_URL to use your own Postgres.',
  };
}

function describe(dir: DirFacts): string {
  return `${dir.path} (mode ${(dir.mode & 0o777).toString(8)})`;
}
