import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { itRequiring, type ItFn } from './requirement.js';

/** Debian's chromium (tools/run.mjs installs it for `npm test`); found through PATH like `which`. */
export function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return null;
}

/** `it` for a test that drives `chromium` (findChromium's answer): never skipped quietly, never in CI. */
export function itWithChromium(chromium: string | null): ItFn {
  return itRequiring(chromium === null ? 'there is no `chromium` on PATH' : null, "apt-get install chromium (Debian's package; `npm test` installs it when missing)");
}

/**
 * Headless chromium with a throwaway profile. The flags keep it off the network: this machine has
 * none, and chromium would otherwise retry its background connections many times at start.
 */
export async function launchChromium(
  executablePath: string,
  options: Pick<BrowserContextOptions, 'viewport' | 'httpCredentials'> & { extraArgs?: string[] } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'reelforge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: options.viewport ?? { width: 800, height: 600 },
    ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(options.extraArgs ?? [])],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
