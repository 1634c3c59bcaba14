import { describe, expect, it } from '@jest/globals';
import { parseDockerfile } from '../src/index.js';

describe('parseDockerfile', () => {
  it('when the final stage is built FROM an earlier stage, then CMD, USER and EXPOSE are inherited', () => {
    const facts = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM node:22-bookworm-slim AS base',
        'USER node',
        'EXPOSE 3000/tcp',
        'CMD ["node", "apps/api/dist/main.js"]',
        '',
        'FROM base AS runtime',
        'ENV NODE_ENV=production LOG_LEVEL=info',
      ].join('\n'),
    );
    expect(facts.stages.map((s) => [s.from, s.name])).toEqual([
      ['node:22-bookworm-slim', 'base'],
      ['base', 'runtime'],
    ]);
    expect(facts.command).toEqual(['node', 'apps/api/dist/main.js']);
    expect(facts.user).toBe('node');
    expect(facts.expose).toEqual([3000]);
    expect(facts.envNames).toEqual(['NODE_ENV', 'LOG_LEVEL']);
  });

  it('when instructions continue over lines with comments between, then they are joined with the first line number', () => {
    const facts = parseDockerfile(
      ['FROM debian:12', 'RUN apt-get update \\', '# a comment inside the command', ' && apt-get install -y tini', 'COPY package.json \\', '     package-lock.json ./'].join('\n'),
    );
    const [stage] = facts.stages;
    expect(stage?.instructions.map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['RUN', 'apt-get update && apt-get install -y tini', 2],
      ['COPY', 'package.json package-lock.json ./', 5],
    ]);
    expect(facts.contextSources).toEqual([
      { path: 'package.json', line: 5 },
      { path: 'package-lock.json', line: 5 },
    ]);
  });

  it('when COPY takes files from another stage or carries flags, then only build-context sources are listed', () => {
    const facts = parseDockerfile(
      ['FROM a AS build', 'COPY --chown=node:node apps ./apps', 'FROM b', 'COPY --from=build /app/dist ./dist', 'ADD https://example.test/x.tgz /tmp/', 'COPY ["libs", "./libs"]'].join('\n'),
    );
    expect(facts.contextSources.map((s) => s.path)).toEqual(['apps', 'libs']);
  });

  it('when CMD is in shell form and ARG declares a default, then both are read', () => {
    const facts = parseDockerfile(['FROM x', 'ARG NODE_VERSION=22', 'ENTRYPOINT ["/usr/bin/tini", "--"]', 'CMD node apps/worker/dist/main.js'].join('\n'));
    expect(facts.command).toEqual(['node', 'apps/worker/dist/main.js']);
    expect(facts.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(facts.argNames).toEqual(['NODE_VERSION']);
    expect(facts.user).toBeUndefined();
  });
});

describe('parseDockerfile aptPackages', () => {
  it('when the final stage and its parents apt-get install packages, then those are listed without options or pins', () => {
    const facts = parseDockerfile(
      [
        'FROM debian:12 AS build',
        'RUN apt-get update && apt-get install -y build-essential',
        'FROM debian:12 AS base',
        'RUN apt-get -y install --no-install-recommends tini=0.19.0-1 ; echo done',
        'FROM base AS runtime',
        'RUN apt-get update \\',
        ' && apt-get install -y --no-install-recommends ffmpeg ca-certificates \\',
        ' && rm -rf /var/lib/apt/lists/*',
        'RUN apt install -y curl | tee /tmp/log',
      ].join('\n'),
    );
    expect(facts.aptPackages).toEqual(['ffmpeg', 'ca-certificates', 'curl', 'tini']);
  });
});
