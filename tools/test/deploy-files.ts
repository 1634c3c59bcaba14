import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Shared readers for the deploy-artifact tests (not a spec file itself). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function readRepoFile(relPath: string): string {
  return readFileSync(join(repoRoot, relPath), 'utf8');
}

export function repoFileExists(relPath: string): boolean {
  return existsSync(join(repoRoot, relPath));
}

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { replicas?: number };
  ports?: string[];
  volumes?: string[];
  container_name?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml with YAML merge keys (`<<: *anchor`) resolved, as Compose does. */
export function readCompose(): { text: string; compose: ComposeFile } {
  const text = readRepoFile('docker-compose.yml');
  return { text, compose: parse(text, { merge: true }) as ComposeFile };
}

/** Names documented in .env.example, set (`NAME=`) or commented out (`# NAME=`). */
export function envExampleEntries(): Map<string, { value: string; commented: boolean }> {
  const entries = new Map<string, { value: string; commented: boolean }>();
  for (const line of readRepoFile('.env.example').split('\n')) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[2] !== undefined) entries.set(match[2], { value: match[3] ?? '', commented: match[1] !== undefined });
  }
  return entries;
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}` references; `$$` escapes are not references. */
export function interpolations(text: string): { name: string; required: boolean }[] {
  return [...text.replaceAll('$$', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g)].map((m) => ({
    name: m[1] ?? '',
    required: (m[2] ?? '').endsWith('?'),
  }));
}
