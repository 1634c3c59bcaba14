import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { COMPONENT_REQUIREMENTS, credentialShapeOf, isSecretEnvName, parseDockerfile } from '../../libs/deploy/src/index.js';
import type { ComposeService } from './deploy-files.js';
import { envExampleEntries, interpolations, readCompose, readRepoFile, repoFileExists } from './deploy-files.js';

// Static checks of docker-compose.yml; test/containers/compose.containers.spec.ts brings the stack up for real.
const { text, compose } = readCompose();
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const dependsOn = (s: ComposeService): Record<string, { condition?: string }> =>
  Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((n) => [n, {}])) : (s.depends_on ?? {});
const commandOf = (s: ComposeService): string[] => (Array.isArray(s.command) ? s.command : (s.command ?? '').split(/\s+/));
const builtDockerfile = (s: ComposeService): string | undefined => {
  if (s.build === undefined) return undefined;
  const build = typeof s.build === 'string' ? { context: s.build } : s.build;
  return join(build.context ?? '.', build.dockerfile ?? 'Dockerfile');
};

describe('docker-compose.yml', () => {
  it('when a service is built, then its build context and Dockerfile exist', () => {
    const built = Object.values(services).filter((s) => s.build !== undefined);
    expect(built.length).toBeGreaterThanOrEqual(3);
    for (const s of built) {
      const build = typeof s.build === 'string' ? { context: s.build } : (s.build ?? {});
      expect(repoFileExists(build.context ?? '.')).toBe(true);
      expect(repoFileExists(builtDockerfile(s) ?? '')).toBe(true);
    }
  });

  it('when it references ${VAR}, then .env.example documents VAR, and sets every required one', () => {
    const documented = envExampleEntries();
    const references = interpolations(text);
    expect(references.length).toBeGreaterThan(0);
    expect(references.map((r) => r.name).filter((name) => !documented.has(name))).toEqual([]);
    expect(references.filter((r) => r.required && documented.get(r.name)?.commented !== false).map((r) => r.name)).toEqual([]);
  });

  it('when a service depends on another, then the target exists and can reach the awaited state', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const [name, s] of Object.entries(services)) {
      for (const [target, { condition = 'service_started' }] of Object.entries(dependsOn(s))) {
        expect({ name, target, exists: target in services, condition: conditions.includes(condition) }).toEqual({ name, target, exists: true, condition: true });
        if (condition === 'service_healthy') {
          const awaited = service(target);
          const dockerfile = builtDockerfile(awaited);
          const hasCheck = awaited.healthcheck?.test !== undefined || (dockerfile !== undefined && parseDockerfile(readRepoFile(dockerfile)).healthcheck !== undefined);
          expect({ target, hasCheck }).toEqual({ target, hasCheck: true });
        }
      }
    }
  });

  it('when redis starts, then it never evicts keys and keeps an append-only file', () => {
    const command = commandOf(service('redis')).join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--appendonly yes/);
  });

  it('when workers start, then there are at least two and nothing stops them from scaling', () => {
    const worker = service('worker');
    expect(worker.deploy?.replicas).toBeGreaterThan(1);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
  });

  it('when the stack starts, then migrations run to completion before the API and the workers', () => {
    expect(commandOf(service('migrate'))).toEqual(COMPONENT_REQUIREMENTS.components.migrate.command);
    expect(dependsOn(service('migrate')).postgres?.condition).toBe('service_healthy');
    for (const name of ['api', 'worker']) {
      expect({ name, condition: dependsOn(service(name)).migrate?.condition }).toEqual({ name, condition: 'service_completed_successfully' });
    }
  });

  it('when the bucket is set up, then the init script applies the committed policies and never a canned one', () => {
    const script = commandOf(service('minio-init')).join(' ');
    expect(script).toMatch(/mc mb --ignore-existing "local\/\$\$SPACES_BUCKET"/);
    expect(script).toMatch(/mc anonymous set-json \/tmp\/public-hls\.json "local\/\$\$SPACES_BUCKET"/);
    expect(script).toMatch(/mc admin policy attach local reelforge-app --user "\$\$SPACES_ACCESS_KEY"/);
    // `mc anonymous set download` also allows ListBucket: anyone could enumerate every file id.
    expect(script).not.toMatch(/mc anonymous set (download|public|upload)/);
    expect(service('minio-init').volumes).toContain('./deploy/minio:/policies:ro');
  });

  it('when MinIO starts, then its root user is not the app\'s: the app gets a user of its own', () => {
    const minio = service('minio').environment ?? {};
    expect({ user: minio.MINIO_ROOT_USER, password: minio.MINIO_ROOT_PASSWORD }).toEqual({
      user: expect.stringMatching(/^\$\{MINIO_ROOT_USER:\?/),
      password: expect.stringMatching(/^\$\{MINIO_ROOT_PASSWORD:\?/),
    });
    for (const role of ['api', 'worker']) expect(String(service(role).environment?.SPACES_ACCESS_KEY)).toMatch(/^\$\{SPACES_ACCESS_KEY:\?/);
  });

  it('when Compose v1 (docker-compose 1.29, Debian 12) reads it, then nothing in it is v2-only', () => {
    expect(Object.keys(compose)).not.toContain('name');
  });

  it('when an image is pulled, then it is pinned to a major version or a release tag', () => {
    const pulled = Object.entries(services).filter(([, s]) => s.build === undefined);
    expect(pulled.length).toBeGreaterThanOrEqual(4);
    for (const [name, s] of pulled) {
      expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/:(\d+(\.\d+)*(-[a-z0-9]+)?|RELEASE\.[0-9T-]+Z)$/) });
    }
  });

  it('when a component starts, then it gets every env var the deploy table says it needs, with media on S3', () => {
    for (const role of ['api', 'worker', 'migrate'] as const) {
      const env = service(role).environment ?? {};
      const missing = COMPONENT_REQUIREMENTS.components[role].required.filter((key) => !(key in env));
      expect({ role, missing }).toEqual({ role, missing: [] });
    }
    expect(service('api').environment?.STORAGE_DRIVER).toBe('s3');
    expect(service('worker').environment?.STORAGE_DRIVER).toBe('s3');
  });

  it('when a secret is passed in, then it comes from .env, never from the file itself', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (!isSecretEnvName(key)) continue;
        const literal = String(value).replace(/\$\{[^}]*\}/g, '');
        const fromEnv = String(value).includes('${') && credentialShapeOf(literal) === undefined;
        const credentialFree = !String(value).includes('${') && !/:\/\/[^/@]*@/.test(String(value));
        expect({ name, key, ok: fromEnv || credentialFree }).toEqual({ name, key, ok: true });
      }
    }
  });
});

describe('.env.example', () => {
  it('when it names a secret, then its value is a change-me placeholder', () => {
    const entries = [...envExampleEntries()];
    expect(entries.length).toBeGreaterThan(5);
    for (const [key, { value }] of entries) {
      expect({ key, shape: credentialShapeOf(value) }).toEqual({ key, shape: undefined });
      if (isSecretEnvName(key)) expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^change-me/) });
    }
  });
});

describe('the MinIO policies in deploy/minio', () => {
  type Statement = { Effect: string; Principal?: unknown; Action: string[]; Resource: string[] };
  const policy = (file: string): Statement[] =>
    (JSON.parse(readRepoFile(`deploy/minio/${file}`).replaceAll('BUCKET', 'reelforge')) as { Statement: Statement[] }).Statement;

  it('when anonymous players read the bucket, then they may GET objects under hls/ and nothing else', () => {
    expect(policy('public-hls.policy.json').map(({ Effect, Action, Resource }) => ({ Effect, Action, Resource }))).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::reelforge/hls/*'] },
    ]);
  });

  it('when the app uses its own user, then it reaches this bucket only and administers nothing', () => {
    const statements = policy('app-user.policy.json');
    expect(statements.flatMap((s) => s.Resource).filter((r) => r !== 'arn:aws:s3:::reelforge' && r !== 'arn:aws:s3:::reelforge/*')).toEqual([]);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.includes('*') || a.startsWith('admin:') || !a.startsWith('s3:'))).toEqual([]);
    expect(statements.every((s) => s.Effect === 'Allow' && s.Principal === undefined)).toBe(true);
  });
});
