/**
 * Read-only view of the repository the spec deploys. Injected so the validator stays pure and tests
 * can hand it an in-memory tree. Paths are relative to the repository root, `/`-separated.
 */
export interface RepoView {
  /** True for an existing file or directory. */
  fileExists(relPath: string): boolean;
  /** File contents, or undefined when the file does not exist. */
  readFile(relPath: string): string | undefined;
}

/**
 * Normalises a spec path (`/`, `./apps/api/`, `apps//api`) to a repo-relative one (``, `apps/api`).
 * Returns undefined for paths that climb out of the repository.
 */
export function normalizeRepoPath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

export function joinRepoPath(...paths: string[]): string | undefined {
  return normalizeRepoPath(paths.join('/'));
}
