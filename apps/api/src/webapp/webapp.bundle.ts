import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where tools/build-web.mjs writes the web app's browser bundle: beside this source file's app in the
 * repository, or under the working directory where the Docker image copies it (like MIGRATIONS_DIR).
 */
export const WEB_APP_BUNDLE_CANDIDATES = [
  fileURLToPath(new URL('../../../web/dist/app.js', import.meta.url)),
  path.resolve('apps', 'web', 'dist', 'app.js'),
];

export interface WebAppBundle {
  code: Buffer;
  /** Short content hash: the page names the script by it, so a new build is never served from a stale cache. */
  version: string;
}

/** Reads the bundle once it exists (a development checkout may build it after the API started). */
export class WebAppBundleLoader {
  private loaded: WebAppBundle | undefined;

  constructor(private readonly candidates: readonly string[] = WEB_APP_BUNDLE_CANDIDATES) {}

  async load(): Promise<WebAppBundle | null> {
    if (this.loaded) return this.loaded;
    const file = this.candidates.find((candidate) => existsSync(candidate));
    if (!file) return null;
    const code = await readFile(file);
    this.loaded = { code, version: createHash('sha256').update(code).digest('hex').slice(0, 12) };
    return this.loaded;
  }
}
