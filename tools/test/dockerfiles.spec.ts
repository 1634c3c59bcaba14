import { describe, expect, it } from '@jest/globals';
import type { ComponentRole, DockerfileFacts } from '../../libs/deploy/src/index.js';
import { COMPONENT_REQUIREMENTS, isSecretEnvName, parseDockerfile } from '../../libs/deploy/src/index.js';
import { readRepoFile, repoFileExists } from './deploy-files.js';

// Static checks of what the Dockerfiles say; test/containers builds and runs the images for real.
const images: { role: ComponentRole; file: string }[] = [
  { role: 'api', file: 'Dockerfile.api' },
  { role: 'worker', file: 'Dockerfile.worker' },
];
const read = (file: string): { text: string; facts: DockerfileFacts } => {
  const text = readRepoFile(file);
  return { text, facts: parseDockerfile(text) };
};
const finalStageRuns = (facts: DockerfileFacts): string[] =>
  (facts.stages.at(-1)?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe.each(images)('$file', ({ role, file }) => {
  const { text, facts } = read(file);
  const requirement = COMPONENT_REQUIREMENTS.components[role];

  it('when built, then dependencies are installed, the repo is built and dev dependencies are left behind', () => {
    expect(facts.stages.map((s) => s.name)).toEqual(['manifests', 'deps', 'build', 'prod-deps', 'runtime']);
    const runs = facts.stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
    expect(runs).toContain('npm run build');
    expect(runs.some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    const runtimeCopies = (facts.stages.at(-1)?.instructions ?? []).filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(runtimeCopies).toContain('--from=prod-deps /app/node_modules ./node_modules');
  });

  it('when it runs, then it is Node 22 LTS on Debian slim', () => {
    const external = facts.stages.map((s) => s.from).filter((from) => !facts.stages.some((s) => s.name === from));
    expect(new Set(external)).toEqual(new Set(['node:22-bookworm-slim']));
  });

  it('when it runs, then it is the non-root node user under tini, in production mode', () => {
    expect(facts.user).toBe('node');
    expect(facts.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(finalStageRuns(facts).some((r) => /apt-get install -y --no-install-recommends .*\btini\b/.test(r))).toBe(true);
    expect(text).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('when it starts, then it runs its process, EXPOSEs its port and health-checks it without curl', () => {
    expect(facts.command).toEqual(requirement.command);
    expect(facts.expose).toEqual([requirement.listen?.defaultPort]);
    expect(facts.healthcheck).toContain(`process.env.${requirement.listen?.env} || ${requirement.listen?.defaultPort}`);
    expect(facts.healthcheck).toContain('/healthz');
    expect(facts.healthcheck).toContain('fetch(');
    expect(text).not.toMatch(/\bcurl\b|\bwget\b/);
  });

  it('when apt installs packages, then recommends are skipped and the lists removed in the same layer', () => {
    const aptRuns = facts.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'));
    expect(aptRuns.length).toBe(1);
    for (const run of aptRuns) {
      expect(run.args).toContain('--no-install-recommends');
      expect(run.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  it('when it is built, then no ARG or ENV can carry a secret into a layer', () => {
    expect([...facts.argNames, ...facts.envNames].filter(isSecretEnvName)).toEqual([]);
    expect(facts.argNames).toEqual([]);
  });

  it('when migrations run from this image, then the CLI and the migrations are at their repo paths', () => {
    const runtimeCopies = (facts.stages.at(-1)?.instructions ?? []).filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(runtimeCopies).toEqual(expect.arrayContaining(['--from=build /app/apps/cli/dist ./apps/cli/dist', '--from=build /app/libs/db/migrations ./libs/db/migrations']));
  });

  it('when it copies from the build context, then every source exists in the repository', () => {
    expect(facts.contextSources.map((s) => s.path).filter((path) => path !== '.' && !repoFileExists(path))).toEqual([]);
  });
});

describe('the npm install inside the images', () => {
  const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, { dev?: boolean; optional?: boolean; link?: boolean }> };

  it('when the manifests stage collects apps/*/package.json and libs/*/package.json, then every workspace is included', () => {
    const workspaces = Object.keys(lock.packages).filter((key) => key !== '' && !key.includes('node_modules/'));
    expect(workspaces.filter((key) => !/^(apps|libs)\/[^/]+$/.test(key) || !repoFileExists(`${key}/package.json`))).toEqual([]);
  });

  it('when dev and optional packages are omitted, then what the apps load at run time is still installed', () => {
    for (const name of ['hls.js', 'node-pg-migrate', 'bullmq', 'pg', 'busboy', '@aws-sdk/client-s3']) {
      const entry = lock.packages[`node_modules/${name}`];
      expect({ name, dev: entry?.dev ?? false, optional: entry?.optional ?? false }).toEqual({ name, dev: false, optional: false });
    }
  });
});

describe('ffmpeg', () => {
  // The API sniffs every upload with ffprobe, which Debian ships only inside its ffmpeg package.
  it.each(images)('when $file is built, then its runtime stage installs ffmpeg', ({ file }) => {
    expect(finalStageRuns(read(file).facts).some((r) => /apt-get install .*\bffmpeg\b/.test(r))).toBe(true);
  });
});

describe('.dockerignore', () => {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('when the build context is sent, then secrets, installs, VCS data and build output stay out', () => {
    expect(patterns).toEqual(expect.arrayContaining(['.env', '.env.*', '**/node_modules', '.git', '**/dist', '.reelforge', 'coverage']));
  });

  it('when the Dockerfiles COPY from the context, then none of their sources is ignored', () => {
    for (const source of ['apps', 'libs', 'package.json', 'package-lock.json']) expect(patterns).not.toContain(source);
    expect(patterns.some((p) => p.startsWith('!'))).toBe(false);
  });
});
