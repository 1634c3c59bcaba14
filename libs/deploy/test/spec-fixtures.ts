import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Document } from 'yaml';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { Problem, RepoView } from '../src/index.js';
import { formatProblem } from '../src/index.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function committedSpecText(): string {
  return readFileSync(new URL('../../../.do/app.yaml', import.meta.url), 'utf8');
}

/** The committed spec with one edit applied through the YAML document (fails loudly if the path is gone). */
export function mutatedSpec(edit: (doc: Document) => void): string {
  const doc = parseDocument(committedSpecText());
  edit(doc);
  return doc.toString();
}

/** Index of `key` in `<section>[componentIndex].envs`. */
export function envIndex(doc: Document, section: string, componentIndex: number, key: string): number {
  const envs = doc.getIn([section, componentIndex, 'envs']);
  if (!isSeq(envs)) throw new Error(`${section}[${componentIndex}] has no envs`);
  const index = envs.items.findIndex((item) => isMap(item) && item.get('key') === key);
  if (index < 0) throw new Error(`${section}[${componentIndex}] has no env ${key}`);
  return index;
}

export function errorLines(problems: readonly Problem[]): string[] {
  return problems.filter((p) => p.severity === 'error').map(formatProblem);
}

/** In-memory repository: files by path; every parent directory of a file exists. */
export function memoryRepo(files: Record<string, string>): RepoView {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
  }
  return {
    fileExists: (relPath) => relPath in files || dirs.has(relPath),
    readFile: (relPath) => files[relPath],
  };
}

export const API_DOCKERFILE = [
  'FROM node:22-bookworm-slim AS build',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'COPY . .',
  'FROM node:22-bookworm-slim',
  'RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini',
  'COPY --from=build /app/apps/api/dist ./apps/api/dist',
  'USER node',
  'EXPOSE 3000',
  'ENTRYPOINT ["/usr/bin/tini", "--"]',
  'CMD ["node", "apps/api/dist/main.js"]',
].join('\n');

export const WORKER_DOCKERFILE = API_DOCKERFILE.replaceAll('apps/api', 'apps/worker').replace('EXPOSE 3000', 'EXPOSE 3001');

/** A minimal monorepo with both Dockerfiles, for specs written inline in tests. */
export function fixtureRepo(extra: Record<string, string> = {}): RepoView {
  return memoryRepo({
    'package.json': '{}',
    'package-lock.json': '{}',
    'apps/api/package.json': '{}',
    'apps/worker/package.json': '{}',
    'Dockerfile.api': API_DOCKERFILE,
    'Dockerfile.worker': WORKER_DOCKERFILE,
    ...extra,
  });
}

/** A complete, valid spec in the fixture repo; tests override parts of it. */
export const MINIMAL_SPEC = `
name: reelforge
region: nyc
services:
  - name: api
    github: { repo: acme/reelforge, branch: main }
    dockerfile_path: Dockerfile.api
    http_port: 3000
    health_check: { http_path: /healthz }
    envs:
      - { key: DATABASE_URL, scope: RUN_TIME, value: "\${db.DATABASE_URL}" }
      - { key: REDIS_URL, scope: RUN_TIME, value: "\${cache.DATABASE_URL}" }
      - { key: STORAGE_DRIVER, scope: RUN_TIME, value: s3 }
      - { key: SPACES_BUCKET, scope: RUN_TIME, value: media }
      - { key: SPACES_REGION, scope: RUN_TIME, value: nyc3 }
      - { key: SPACES_ENDPOINT, scope: RUN_TIME, value: "https://s3.example.test" }
      - { key: SPACES_ACCESS_KEY, scope: RUN_TIME, type: SECRET }
      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }
      - { key: API_TOKENS, scope: RUN_TIME, type: SECRET }
      - { key: BULL_BOARD_USER, scope: RUN_TIME, value: admin }
      - { key: BULL_BOARD_PASSWORD, scope: RUN_TIME, type: SECRET }
workers:
  - name: worker
    github: { repo: acme/reelforge, branch: main }
    dockerfile_path: Dockerfile.worker
    instance_count: 2
    envs:
      - { key: DATABASE_URL, scope: RUN_TIME, value: "\${db.DATABASE_URL}" }
      - { key: REDIS_URL, scope: RUN_TIME, value: "\${cache.DATABASE_URL}" }
      - { key: STORAGE_DRIVER, scope: RUN_TIME, value: s3 }
      - { key: SPACES_BUCKET, scope: RUN_TIME, value: media }
      - { key: SPACES_REGION, scope: RUN_TIME, value: nyc3 }
      - { key: SPACES_ENDPOINT, scope: RUN_TIME, value: "https://s3.example.test" }
      - { key: SPACES_ACCESS_KEY, scope: RUN_TIME, type: SECRET }
      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }
jobs:
  - name: migrate
    kind: PRE_DEPLOY
    github: { repo: acme/reelforge, branch: main }
    dockerfile_path: Dockerfile.api
    run_command: node apps/cli/dist/main.js migrate
    envs:
      - { key: DATABASE_URL, scope: RUN_TIME, value: "\${db.DATABASE_URL}" }
databases:
  - { name: db, engine: PG, production: true, cluster_name: pg-cluster }
  - { name: cache, engine: VALKEY, production: true, cluster_name: valkey-cluster }
`;

/** MINIMAL_SPEC with one line replaced; throws if `from` is not in it, so a test cannot pass vacuously. */
export function minimalSpecWith(from: string, to: string): string {
  if (!MINIMAL_SPEC.includes(from)) throw new Error(`fixture does not contain: ${from}`);
  return MINIMAL_SPEC.replace(from, to);
}
