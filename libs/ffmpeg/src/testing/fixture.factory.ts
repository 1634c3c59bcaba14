import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { runFfmpeg } from '../ffmpeg.runner.js';
import { FIXTURE_RECIPES, type FixtureKind, type FixtureRecipe } from './fixture.recipes.js';

export interface MakeFixtureOptions {
  /** Where to write. Default: a per-process directory under os.tmpdir(), see cleanupFixtures(). */
  dir?: string;
  /** Clip length; defaults per kind (2 s, 1 s for the slow or large ones). Ignored for non-media kinds. */
  durationS?: number;
  ffmpegPath?: string;
}

const inFlight = new Map<string, Promise<string>>();
let guard: Promise<OrphanGuard> | undefined;

/** The default fixture directory of this process. */
export function fixtureDir(): string {
  return join(tmpdir(), `reelforge-fixtures-${process.pid}`);
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** A sibling temp name that keeps the extension, since ffmpeg picks the muxer from it. */
const partialPath = (dir: string, stem: string, ext: string): string => join(dir, `${stem}.partial-${randomBytes(4).toString('hex')}.${ext}`);

async function ffmpeg(args: string[], options: MakeFixtureOptions): Promise<void> {
  guard ??= detectOrphanGuard();
  await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { ffmpegPath: options.ffmpegPath, orphanGuard: await guard });
}

async function build(recipe: FixtureRecipe, durationS: number | undefined, dir: string, stem: string, options: MakeFixtureOptions): Promise<string> {
  const target = join(dir, `${stem}.${recipe.ext}`);
  const partial = partialPath(dir, stem, recipe.ext);
  try {
    switch (recipe.type) {
      case 'bytes':
        await writeFile(partial, recipe.bytes());
        break;
      case 'encode':
        await ffmpeg([...recipe.args(durationS ?? recipe.defaultDurationS), partial], options);
        break;
      case 'remux':
      case 'damage': {
        const source = partialPath(dir, `${stem}-source`, 'mp4');
        try {
          await ffmpeg([...recipe.source(durationS ?? recipe.defaultDurationS), source], options);
          if (recipe.type === 'remux') await ffmpeg(['-i', source, ...recipe.remuxArgs, partial], options);
          else await writeFile(partial, recipe.damage(await readFile(source)));
        } finally {
          await rm(source, { force: true });
        }
        break;
      }
      default: {
        const unknown: never = recipe;
        throw new Error(`Unknown fixture recipe ${JSON.stringify(unknown)}`);
      }
    }
    // Rename last so a cached path always points at a complete file.
    await rename(partial, target);
    return target;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Generates (or reuses) a small test clip of the given kind and returns its path. Files are
 * cached by kind and duration in the directory, so test files sharing a Jest worker process
 * generate each clip once unless they clean up.
 */
export async function makeFixture(kind: FixtureKind, options: MakeFixtureOptions = {}): Promise<string> {
  const recipe = FIXTURE_RECIPES[kind];
  const dir = options.dir ?? fixtureDir();
  const durationS = recipe.type === 'bytes' ? undefined : options.durationS;
  const stem = durationS === undefined ? kind : `${kind}-${durationS}s`;
  const target = join(dir, `${stem}.${recipe.ext}`);
  const pending = inFlight.get(target);
  if (pending !== undefined) return pending;

  // Registered before the first await, so concurrent calls for one clip share a single build.
  const making = (async () => {
    if (await exists(target)) return target;
    await mkdir(dir, { recursive: true });
    return build(recipe, durationS, dir, stem, options);
  })();
  inFlight.set(target, making);
  try {
    return await making;
  } finally {
    inFlight.delete(target);
  }
}

/**
 * Removes this process's default fixture directory. Call it in `afterAll`: Jest gives test files
 * their own `process` object whose 'exit' event never fires, so there is no automatic clean-up.
 */
export async function cleanupFixtures(): Promise<void> {
  await Promise.all(inFlight.values()).catch(() => undefined);
  await rm(fixtureDir(), { recursive: true, force: true });
}
