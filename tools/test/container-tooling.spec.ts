import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { debianMirrorFrom } from '../containers/base-image.standin.js';
import { STAND_IN_IMAGES, standInOverride } from '../containers/compose.stack.js';
import { PROJECT_IMAGES } from '../containers/project-images.js';
import { TEST_CONTAINER_LABEL } from '../containers/test-containers.js';
import type { ComposeService } from './deploy-files.js';
import { readCompose } from './deploy-files.js';

describe('debianMirrorFrom', () => {
  it('when the sources are deb822 stanzas, then the first bookworm deb URI is the mirror', () => {
    const sources = [
      'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\nComponents: main\n',
      'Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n',
    ];
    expect(debianMirrorFrom(sources)).toBe('http://mirror.example/debian');
  });

  it('when the sources are one-line entries, options included, then the bookworm one is the mirror', () => {
    expect(debianMirrorFrom(['# deb http://old.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://line.example/debian bookworm main contrib\n'])).toBe(
      'http://line.example/debian',
    );
  });

  it('when no source names bookworm, then there is no mirror', () => {
    expect(debianMirrorFrom(['Types: deb\nURIs: http://mirror.example/debian\nSuites: trixie\n', 'deb http://x.example/debian sid main\n', ''])).toBeUndefined();
  });
});

describe('the stand-in override for the compose test', () => {
  const override = parse(standInOverride()) as { services: Record<string, ComposeService & { labels?: string[] }> };
  const { compose } = readCompose();

  it('when it swaps images, then only the four public services get another image', () => {
    const swapped = Object.entries(override.services).filter(([, s]) => s.image !== undefined);
    expect(Object.fromEntries(swapped.map(([name, s]) => [name, s.image]))).toEqual({
      postgres: STAND_IN_IMAGES.postgres.tag,
      redis: STAND_IN_IMAGES.redis.tag,
      minio: STAND_IN_IMAGES.s3.tag,
      'minio-init': STAND_IN_IMAGES.s3.tag,
    });
  });

  it("when it touches Reelforge's own services, then it only labels them, so they run as users run them", () => {
    for (const name of ['migrate', 'api', 'worker']) expect({ name, service: override.services[name] }).toEqual({ name, service: { labels: [TEST_CONTAINER_LABEL] } });
  });

  it('when the images are built for the tests, then they carry the tags docker-compose.yml runs', () => {
    expect(compose.services.api?.image).toBe(PROJECT_IMAGES.api.tag);
    expect(compose.services.worker?.image).toBe(PROJECT_IMAGES.worker.tag);
    expect(compose.services.migrate?.image).toBe(PROJECT_IMAGES.api.tag);
  });
});
