import { describe, expect, it } from '@jest/globals';
import type { Problem } from '../src/index.js';
import { formatProblem, validateAppSpec } from '../src/index.js';
import { API_DOCKERFILE, MINIMAL_SPEC, WORKER_DOCKERFILE, errorLines, fixtureRepo, minimalSpecWith } from './spec-fixtures.js';

const validate = (text: string, repo = fixtureRepo()): Problem[] => validateAppSpec(text, repo);
const errors = (text: string, repo = fixtureRepo()): string[] => errorLines(validate(text, repo));
const warnings = (text: string): string[] => validate(text).filter((p) => p.severity === 'warning').map(formatProblem);

// Credential-shaped strings are assembled at run time so the repository never contains one.
const spacesKey = ['DO', '00', 'Q7RM2XKVB9TZ4HWP'].join('');
const awsKeyId = ['AK', 'IA', 'Q3EGRXHZ7W4KJ5NM'].join('');
const privateKeyHeader = ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
const urlWithPassword = ['postgres://app', 'hunter2@db.example.test/app'].join(':');

describe('the minimal fixture spec', () => {
  it('when validated, then it has no problems at all', () => {
    expect(validate(MINIMAL_SPEC).map(formatProblem)).toEqual([]);
  });
});

describe('names', () => {
  it('when the app name has capitals, then the naming rule is given', () => {
    expect(errors(minimalSpecWith('name: reelforge', 'name: Reelforge'))).toEqual([
      'app: name: "Reelforge" is not a valid app name → use 2–32 lowercase letters, digits or dashes, starting with a letter and not ending with a dash',
    ]);
  });

  it('when two components share a name, then both places are named', () => {
    expect(errors(minimalSpecWith('  - name: migrate', '  - name: worker'))).toContain(
      'worker: name: "worker" is used twice (workers[0] and jobs[0]) → names must be unique across services, workers, jobs and databases: rename one',
    );
  });
});

describe('sources and builds', () => {
  it('when a component has two sources, then exactly one is asked for', () => {
    const text = minimalSpecWith('    dockerfile_path: Dockerfile.worker', '    dockerfile_path: Dockerfile.worker\n    git: { repo_clone_url: "https://github.com/acme/reelforge.git" }');
    expect(errors(text)).toEqual(['worker: github, git: 2 sources → keep exactly one of github, gitlab, bitbucket, git, image']);
  });

  it('when dockerfile_path is missing, then the buildpack fallback is explained', () => {
    expect(errors(minimalSpecWith('    dockerfile_path: Dockerfile.worker\n', ''))).toEqual([
      'worker: dockerfile_path: missing, so App Platform would look for a plain Dockerfile or fall back to a buildpack → set dockerfile_path: Dockerfile.worker',
    ]);
  });

  it('when dockerfile_path is written relative to source_dir, then the root-relative path is suggested', () => {
    const repo = fixtureRepo({ 'apps/worker/Dockerfile': API_DOCKERFILE });
    const text = minimalSpecWith('    dockerfile_path: Dockerfile.worker', '    source_dir: apps/worker\n    dockerfile_path: Dockerfile');
    expect(errors(text, repo)).toEqual([
      'worker: dockerfile_path: "Dockerfile" does not exist at the repository root (dockerfile_path is relative to the repository root, not to source_dir) → set dockerfile_path: apps/worker/Dockerfile',
    ]);
  });

  it('when source_dir climbs out of the repository, then it is refused', () => {
    expect(errors(minimalSpecWith('    dockerfile_path: Dockerfile.worker', '    source_dir: ../elsewhere\n    dockerfile_path: Dockerfile.worker'))).toEqual([
      'worker: source_dir: "../elsewhere" points outside the repository → set source_dir: / (the Dockerfiles build from the monorepo root)',
    ]);
  });

  it('when a service builds the worker image, then the API Dockerfile is asked for', () => {
    const lines = errors(minimalSpecWith('    dockerfile_path: Dockerfile.api\n    http_port', '    dockerfile_path: Dockerfile.worker\n    http_port'));
    expect(lines).toContain(
      'api: dockerfile_path: runs "node apps/worker/dist/main.js" (the worker), which does not belong under services → set dockerfile_path: Dockerfile.api',
    );
  });

  it('when the job runs the API instead of the migrations, then the migrate command is given', () => {
    expect(errors(minimalSpecWith('    run_command: node apps/cli/dist/main.js migrate\n', ''))).toContain(
      'migrate: dockerfile_path: runs "node apps/api/dist/main.js" (the api), which does not belong under jobs → set run_command: node apps/cli/dist/main.js migrate',
    );
  });

  it('when a COPY source uses a wildcard, then the directory before it must be in the build context', () => {
    const dockerfile = API_DOCKERFILE.replace('COPY . .', 'COPY libs/*/package.json ./');
    expect(errors(MINIMAL_SPEC, fixtureRepo({ 'Dockerfile.api': dockerfile, 'libs/db/package.json': '{}' }))).toEqual([]);
    expect(errors(MINIMAL_SPEC, fixtureRepo({ 'Dockerfile.api': dockerfile }))).toEqual([
      'api: source_dir: Dockerfile.api copies "libs/*/package.json" (line 4), which is not in the build context "/" → add "libs/*/package.json" to the repository or fix line 4 of Dockerfile.api',
      'migrate: source_dir: Dockerfile.api copies "libs/*/package.json" (line 4), which is not in the build context "/" → add "libs/*/package.json" to the repository or fix line 4 of Dockerfile.api',
    ]);
  });

  it('when the image runs as root, then a USER is suggested', () => {
    const repo = fixtureRepo({ 'Dockerfile.api': API_DOCKERFILE.replace('USER node\n', '') });
    const lines = validate(MINIMAL_SPEC, repo).map(formatProblem);
    expect(lines).toContain('warning: api: dockerfile_path: Dockerfile.api runs as root → add USER node to the final stage');
  });

  it('when the source is a prebuilt image, then no Dockerfile is required', () => {
    const text = minimalSpecWith(
      '    github: { repo: acme/reelforge, branch: main }\n    dockerfile_path: Dockerfile.worker',
      '    image: { registry_type: DOCR, repository: reelforge-worker, tag: "1" }',
    );
    expect(errors(text)).toEqual([]);
  });
});

describe('ports and health checks', () => {
  it('when PORT disagrees with http_port, then App Platform routing is explained', () => {
    const text = minimalSpecWith('      - { key: BULL_BOARD_USER', '      - { key: PORT, scope: RUN_TIME, value: "4000" }\n      - { key: BULL_BOARD_USER');
    expect(errors(text)).toEqual([
      'api: http_port: 3000 but PORT is 4000, so the API listens on 4000 → set http_port: 4000 (or remove PORT: App Platform then sets PORT to http_port)',
    ]);
  });

  it('when http_port is omitted, then the 8080 default is named', () => {
    expect(errors(minimalSpecWith('    http_port: 3000\n', ''))).toEqual([
      'api: http_port: not set (App Platform then routes to 8080) but Dockerfile.api EXPOSEs 3000 → set http_port: 3000',
    ]);
  });

  it('when a worker declares http_port, then it is refused', () => {
    expect(errors(minimalSpecWith('    instance_count: 2', '    instance_count: 2\n    http_port: 3001'))).toEqual([
      "worker: http_port: workers receive no HTTP traffic → remove http_port (check the worker's health port with liveness_health_check)",
    ]);
  });

  it("when the worker's liveness check uses the wrong port, then its health port is given", () => {
    const text = minimalSpecWith('    instance_count: 2', '    instance_count: 2\n    liveness_health_check: { http_path: /readyz, port: 3000 }');
    expect(errors(text)).toEqual([
      'worker: liveness_health_check.http_path: "/readyz" is not a route the worker serves → use /healthz',
      'worker: liveness_health_check.port: 3000 but the worker listens on 3001 → set port: 3001 (or remove it to use the component\'s port)',
      'worker: liveness_health_check.port: 3000 but Dockerfile.worker EXPOSEs 3001 → set port: 3001',
    ]);
  });

  it('when the service has no health check, then /healthz is suggested', () => {
    expect(warnings(minimalSpecWith('    health_check: { http_path: /healthz }\n', ''))).toEqual([
      'warning: api: health_check.http_path: not set, so App Platform only checks that the port accepts TCP connections → set health_check: { http_path: /healthz }',
    ]);
  });
});

describe('env values', () => {
  it('when a scope is written RUN_AND_BUILD, then RUN_AND_BUILD_TIME is suggested', () => {
    expect(errors(minimalSpecWith('{ key: BULL_BOARD_USER, scope: RUN_TIME', '{ key: BULL_BOARD_USER, scope: RUN_AND_BUILD'))).toEqual([
      'api: envs.BULL_BOARD_USER.scope: "RUN_AND_BUILD" is not a valid scope → use RUN_TIME, BUILD_TIME or RUN_AND_BUILD_TIME (omitted = RUN_AND_BUILD_TIME); did you mean RUN_AND_BUILD_TIME?',
    ]);
  });

  it('when every valid scope is used, then none is flagged', () => {
    const text = minimalSpecWith(
      '      - { key: BULL_BOARD_USER, scope: RUN_TIME, value: admin }',
      '      - { key: BULL_BOARD_USER, scope: RUN_AND_BUILD_TIME, value: admin }\n      - { key: LOG_LEVEL, scope: BUILD_TIME, value: info }\n      - { key: QUEUE_PREFIX, value: rf }',
    );
    expect(validate(text)).toEqual([]);
  });

  it('when a type is misspelled, then SECRET is suggested once', () => {
    expect(errors(minimalSpecWith('{ key: API_TOKENS, scope: RUN_TIME, type: SECRET }', '{ key: API_TOKENS, scope: RUN_TIME, type: secret }'))).toEqual([
      'api: envs.API_TOKENS.type: "secret" is not a valid type → use GENERAL or SECRET (omitted = GENERAL); did you mean SECRET?',
    ]);
  });

  it('when a secret has no type, then SECRET is required even without a value', () => {
    expect(errors(minimalSpecWith('{ key: API_TOKENS, scope: RUN_TIME, type: SECRET }', '{ key: API_TOKENS, scope: RUN_TIME }'))).toEqual([
      'api: envs.API_TOKENS: secret not typed SECRET → set type: SECRET so the value entered in the App Platform console / doctl is stored encrypted',
    ]);
  });

  it('when a SECRET carries its value in the file, then the value must go', () => {
    expect(errors(minimalSpecWith('{ key: API_TOKENS, scope: RUN_TIME, type: SECRET }', '{ key: API_TOKENS, scope: RUN_TIME, type: SECRET, value: tok1 }'))).toEqual([
      'api: envs.API_TOKENS: secret in plain text → remove the value and put it in the App Platform console / doctl, not in this file',
    ]);
  });

  it('when a SECRET holds an App Platform encrypted value, then it is accepted', () => {
    expect(errors(minimalSpecWith('{ key: API_TOKENS, scope: RUN_TIME, type: SECRET }', '{ key: API_TOKENS, scope: RUN_TIME, type: SECRET, value: "EV[1:abc:def]" }'))).toEqual([]);
  });

  it('when a secret may reach the image build, then RUN_TIME is advised', () => {
    expect(warnings(minimalSpecWith('{ key: API_TOKENS, scope: RUN_TIME, type: SECRET }', '{ key: API_TOKENS, type: SECRET }'))).toEqual([
      'warning: api: envs.API_TOKENS.scope: omitted (RUN_AND_BUILD_TIME), so the secret is also passed to the image build → set scope: RUN_TIME',
    ]);
  });

  it.each([
    ['a DigitalOcean Spaces access key', spacesKey],
    ['an AWS access key id', awsKeyId],
    ['a private key', `${privateKeyHeader}MIIE`],
    ['a URL with a password in it', urlWithPassword],
  ])('when a GENERAL value looks like %s, then it is flagged and rotation asked for', (shape, value) => {
    const text = minimalSpecWith('{ key: BULL_BOARD_USER, scope: RUN_TIME, value: admin }', `{ key: BULL_BOARD_USER, scope: RUN_TIME, value: "${value}" }`);
    expect(errors(text)).toEqual([
      `api: envs.BULL_BOARD_USER: value looks like ${shape} → remove it from this file, revoke and rotate it (git history keeps it), and set the new one as type: SECRET in the App Platform console / doctl`,
    ]);
  });

  it('when a value is a YAML number, then quoting is asked for', () => {
    expect(errors(minimalSpecWith('    instance_count: 2\n    envs:\n', '    instance_count: 2\n    envs:\n      - { key: WORKER_CONCURRENCY, scope: RUN_TIME, value: 2 }\n'))).toEqual([
      'worker: envs.WORKER_CONCURRENCY.value: number 2 is not a string → quote it: value: "2"',
    ]);
  });

  it('when a key is declared twice, then the duplicate is flagged', () => {
    expect(errors(minimalSpecWith('      - { key: BULL_BOARD_USER, scope: RUN_TIME, value: admin }', '      - { key: BULL_BOARD_USER, scope: RUN_TIME, value: admin }\n      - { key: BULL_BOARD_USER, scope: RUN_TIME, value: ops }'))).toEqual([
      'api: envs.BULL_BOARD_USER: declared twice → keep one entry per key',
    ]);
  });
});

describe('bindings', () => {
  it('when REDIS_URL is bound to ${cache.REDIS_URL}, then DATABASE_URL is named as the Valkey URL', () => {
    expect(errors(minimalSpecWith('{ key: REDIS_URL, scope: RUN_TIME, value: "${cache.DATABASE_URL}" }', '{ key: REDIS_URL, scope: RUN_TIME, value: "${cache.REDIS_URL}" }'))).toEqual([
      'api: envs.REDIS_URL: "${cache.REDIS_URL}" is not a variable database "cache" provides → use ${cache.DATABASE_URL} (for Valkey/Redis it is the rediss:// URL)',
    ]);
  });

  it('when DATABASE_URL is bound to the Valkey database, then the engine mix-up is named', () => {
    expect(errors(minimalSpecWith('{ key: DATABASE_URL, scope: RUN_TIME, value: "${db.DATABASE_URL}" }', '{ key: DATABASE_URL, scope: RUN_TIME, value: "${cache.DATABASE_URL}" }'))).toEqual([
      'api: envs.DATABASE_URL: bound to "cache", a VALKEY database → bind it to a PG database',
    ]);
  });

  it('when a database binding is also given to the build, then RUN_TIME is advised', () => {
    expect(warnings(minimalSpecWith('{ key: DATABASE_URL, scope: RUN_TIME, value: "${db.DATABASE_URL}" }\n      - { key: REDIS_URL', '{ key: DATABASE_URL, value: "${db.DATABASE_URL}" }\n      - { key: REDIS_URL'))).toEqual([
      'warning: api: envs.DATABASE_URL.scope: omitted (RUN_AND_BUILD_TIME), but database bindings are resolved at run time only → set scope: RUN_TIME',
    ]);
  });

  it('when app-wide and component bindings are used, then they are accepted', () => {
    const text = minimalSpecWith(
      '      - { key: BULL_BOARD_USER',
      '      - { key: PUBLIC_BASE_URL, scope: RUN_TIME, value: "${APP_URL}" }\n      - { key: QUEUE_PREFIX, scope: RUN_TIME, value: "${worker.QUEUE_PREFIX}" }\n      - { key: BULL_BOARD_USER',
    );
    expect(validate(text)).toEqual([]);
  });
});

describe('required env and topology', () => {
  it('when STORAGE_DRIVER is local, then the ephemeral disk is explained', () => {
    expect(errors(minimalSpecWith('{ key: STORAGE_DRIVER, scope: RUN_TIME, value: s3 }', '{ key: STORAGE_DRIVER, scope: RUN_TIME, value: local }'))).toEqual([
      `api: envs.STORAGE_DRIVER: "local" keeps media on the instance's disk, which App Platform wipes on every deploy and does not share between instances → set value: s3 (with the SPACES_* variables)`,
    ]);
  });

  it('when the migrate job lacks DATABASE_URL, then the binding to add is spelled out', () => {
    expect(errors(minimalSpecWith('    envs:\n      - { key: DATABASE_URL, scope: RUN_TIME, value: "${db.DATABASE_URL}" }\ndatabases', 'databases'))).toEqual([
      'migrate: envs.DATABASE_URL: missing (the migrate needs it) → add { key: DATABASE_URL, scope: RUN_TIME, value: ${db.DATABASE_URL} }',
    ]);
  });

  it('when the worker gets API_TOKENS, then least privilege is advised', () => {
    expect(warnings(minimalSpecWith('      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }\njobs', '      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }\n      - { key: API_TOKENS, scope: RUN_TIME, type: SECRET }\njobs'))).toEqual([
      'warning: worker: envs.API_TOKENS: the worker does not use it → remove it (give each component only the secrets it needs)',
    ]);
  });

  it('when there is one worker and no migration job, then both are warned about', () => {
    const text = minimalSpecWith('    instance_count: 2', '    instance_count: 1').replace(/jobs:[\s\S]*?databases:/, 'databases:');
    expect(warnings(text)).toEqual([
      'warning: worker: instance_count: 1: one worker means transcoding stops while it restarts or deploys → set instance_count: 2 or more',
      'warning: app: jobs: no PRE_DEPLOY job runs the migrations → add a job with kind: PRE_DEPLOY and run_command: node apps/cli/dist/main.js migrate',
    ]);
  });

  it('when the job kind is misspelled, then the kinds are listed', () => {
    expect(errors(minimalSpecWith('kind: PRE_DEPLOY', 'kind: PREDEPLOY'))).toEqual([
      'migrate: kind: "PREDEPLOY" is not a valid job kind → use one of PRE_DEPLOY, POST_DEPLOY, FAILED_DEPLOY',
    ]);
  });

  it('when a database engine is unknown or a production database has no cluster, then both are flagged', () => {
    const text = minimalSpecWith('{ name: db, engine: PG, production: true, cluster_name: pg-cluster }', '{ name: db, engine: POSTGRES, production: true }')
      .replace('{ name: cache, engine: VALKEY, production: true, cluster_name: valkey-cluster }', '{ name: cache, engine: VALKEY, production: true }');
    expect(errors(text)).toEqual([
      'db: engine: "POSTGRES" is not a valid engine → use one of PG, MYSQL, REDIS, VALKEY, MONGODB, KAFKA, OPENSEARCH',
      'cache: cluster_name: missing: a production database attaches to an existing cluster → create one (doctl databases create ... --engine valkey) and set cluster_name to its name',
    ]);
  });

  it('when a field has the wrong YAML type, then the expected type is named', () => {
    expect(errors(minimalSpecWith('    http_port: 3000', '    http_port: "3000"'))).toEqual([
      'api: http_port: expected number, got string "3000" → write a number without quotes',
    ]);
  });
});

describe('what the images carry', () => {
  const withoutFfmpeg = (dockerfile: string): string => dockerfile.replace('apt-get install -y --no-install-recommends ffmpeg tini', 'apt-get install -y --no-install-recommends tini');

  it('when the API image does not install ffmpeg, then the API is flagged for ffprobe and the migrate job is not', () => {
    expect(errors(MINIMAL_SPEC, fixtureRepo({ 'Dockerfile.api': withoutFfmpeg(API_DOCKERFILE) }))).toEqual([
      "api: dockerfile_path: Dockerfile.api does not install ffmpeg, but the api sniffs every upload with ffprobe before a job is accepted → add ffmpeg to the apt-get install line of the final stage of Dockerfile.api (Debian's ffmpeg package carries ffprobe)",
    ]);
  });

  it('when the worker image does not install ffmpeg, then the worker is flagged', () => {
    expect(errors(MINIMAL_SPEC, fixtureRepo({ 'Dockerfile.worker': withoutFfmpeg(WORKER_DOCKERFILE) }))).toEqual([
      "worker: dockerfile_path: Dockerfile.worker does not install ffmpeg, but the worker probes and transcodes every job with ffprobe and ffmpeg → add ffmpeg to the apt-get install line of the final stage of Dockerfile.worker (Debian's ffmpeg package carries ffprobe and ffmpeg)",
    ]);
  });

  it('when ffmpeg is installed only in a build stage, then the runtime image still lacks it', () => {
    const dockerfile = withoutFfmpeg(API_DOCKERFILE).replace('WORKDIR /app', 'WORKDIR /app\nRUN apt-get update && apt-get install -y ffmpeg');
    expect(errors(MINIMAL_SPEC, fixtureRepo({ 'Dockerfile.api': dockerfile }))[0]).toMatch(/^api: dockerfile_path: Dockerfile\.api does not install ffmpeg/);
  });

  it('when the service runs a prebuilt image, then its contents cannot be checked and nothing is claimed', () => {
    const text = minimalSpecWith(
      '    github: { repo: acme/reelforge, branch: main }\n    dockerfile_path: Dockerfile.api',
      '    image: { registry_type: DOCR, repository: reelforge-api, tag: "1" }',
    );
    expect(errors(text, fixtureRepo({ 'Dockerfile.api': withoutFfmpeg(API_DOCKERFILE) })).filter((line) => line.startsWith('api:'))).toEqual([]);
  });
});

describe('SPACES_ACL', () => {
  const acl = '      - { key: SPACES_ACL, scope: RUN_TIME, value: public-read }';

  it('when the worker sets it, then nothing is flagged: it makes the HLS output public', () => {
    expect(validate(minimalSpecWith('      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }\njobs', `      - { key: SPACES_SECRET_KEY, scope: RUN_TIME, type: SECRET }\n${acl}\njobs`))).toEqual([]);
  });

  it('when the API sets it, then a warning says uploads stay private and where it belongs', () => {
    expect(warnings(minimalSpecWith('      - { key: BULL_BOARD_USER', `${acl}\n      - { key: BULL_BOARD_USER`))).toEqual([
      'warning: api: envs.SPACES_ACL: set for the API, which stores only uploaded originals: they stay private whatever SPACES_ACL says → set SPACES_ACL on the worker only: it applies to the HLS output the workers write',
    ]);
  });

  it('when the app-wide envs set it, then the API is named and the app-wide entry blamed', () => {
    expect(warnings(minimalSpecWith('region: nyc\n', `region: nyc\nenvs:\n  - { key: SPACES_ACL, scope: RUN_TIME, value: public-read }\n`))).toEqual([
      'warning: api: envs.SPACES_ACL: set for the API by the app-wide envs, which stores only uploaded originals: they stay private whatever SPACES_ACL says → set SPACES_ACL on the worker only, not app-wide: it applies to the HLS output the workers write',
    ]);
  });
});
