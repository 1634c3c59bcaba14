import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { RepoView } from './repo-view.port.js';
import { normalizeRepoPath } from './repo-view.port.js';

/** RepoView over a directory on disk. Paths that leave the root are reported as missing. */
export function createFsRepoView(root: string): RepoView {
  const absoluteRoot = resolve(root);
  const toAbsolute = (relPath: string): string | undefined => {
    const normalized = normalizeRepoPath(relPath);
    if (normalized === undefined) return undefined;
    const absolute = resolve(absoluteRoot, normalized);
    return absolute === absoluteRoot || absolute.startsWith(absoluteRoot + sep) ? absolute : undefined;
  };
  return {
    fileExists(relPath) {
      const absolute = toAbsolute(relPath);
      return absolute !== undefined && existsSync(absolute);
    },
    readFile(relPath) {
      const absolute = toAbsolute(relPath);
      if (absolute === undefined || !existsSync(absolute) || !statSync(absolute).isFile()) return undefined;
      return readFileSync(absolute, 'utf8');
    },
  };
}
