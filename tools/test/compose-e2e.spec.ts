import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRepoFile, repoRoot } from './deploy-files.js';

// Opt-in: builds the images and runs the whole stack. Needs REELFORGE_DOCKER_E2E=1, a Docker engine
// with the compose plugin, ffmpeg on the host (to make a clip), and free ports 3000, 9000, 9001.
const PROJECT = 'reelforge-e2e';
const API = 'http://127.0.0.1:3000';

function skipReason(): string | undefined {
  if (process.env.REELFORGE_DOCKER_E2E !== '1') return 'set REELFORGE_DOCKER_E2E=1 to run it';
  const info = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 20_000 });
  if (info.status !== 0) return 'no Docker engine answers `docker info`';
  return undefined;
}

const reason = skipReason();
const describeE2e = reason === undefined ? describe : describe.skip;
if (reason !== undefined) {
  // Printed so a skipped run says why instead of looking green by accident.
  process.stdout.write(`compose end-to-end test skipped: ${reason}\n`);
}

let work: string;
let envFile: string;
let token: string;

function compose(args: string[], timeoutMs = 600_000): string {
  const result = spawnSync('docker', ['compose', '--project-name', PROJECT, '--env-file', envFile, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0) throw new Error(`docker compose ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describeE2e(`docker compose end-to-end${reason === undefined ? '' : ` (skipped: ${reason})`}`, () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'reelforge-compose-e2e-'));
    envFile = join(work, '.env');
    token = randomBytes(16).toString('hex');
    const secrets: Record<string, string> = {
      POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
      SPACES_ACCESS_KEY: randomBytes(8).toString('hex'),
      SPACES_SECRET_KEY: randomBytes(16).toString('hex'),
      API_TOKENS: token,
      BULL_BOARD_PASSWORD: randomBytes(12).toString('hex'),
      WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    };
    const env = readRepoFile('.env.example').replace(/^([A-Z_]+)=change-me$/gm, (_, key: string) => `${key}=${secrets[key] ?? 'change-me'}`);
    writeFileSync(envFile, env);
    const clip = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', join(work, 'clip.mp4')],
      { encoding: 'utf8' },
    );
    if (clip.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${clip.stderr}`);
    compose(['config', '--quiet'], 60_000);
    compose(['up', '--detach', '--build', '--wait', '--wait-timeout', '300'], 1_200_000);
  }, 1_500_000);

  afterAll(() => {
    try {
      compose(['down', '--volumes', '--remove-orphans'], 300_000);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 360_000);

  it('when the stack is up, then the API is live and ready and two workers run', async () => {
    expect((await fetch(`${API}/healthz`)).status).toBe(200);
    expect((await fetch(`${API}/readyz`)).status).toBe(200);
    const workers = compose(['ps', '--status', 'running', '--quiet', 'worker']).trim().split('\n').filter(Boolean);
    expect(workers).toHaveLength(2);
  });

  it('when a clip is uploaded and transcoded, then its master playlist is served from the bucket', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const form = new FormData();
    form.append('file', new Blob([readFileSync(join(work, 'clip.mp4'))], { type: 'video/mp4' }), 'clip.mp4');
    const upload = await fetch(`${API}/api/media/upload`, { method: 'POST', headers: auth, body: form });
    expect(upload.status).toBe(201);
    const { fileId } = (await upload.json()) as { fileId: string };
    const submit = await fetch(`${API}/api/media/transcode`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ fileId }) });
    expect(submit.status).toBe(202);
    const done = await until(
      'the transcode to finish',
      async () => {
        const status = (await (await fetch(`${API}/api/media/transcode/${fileId}`, { headers: auth })).json()) as { status: string; hlsUrl?: string };
        if (status.status === 'failed') throw new Error(JSON.stringify(status));
        return status.status === 'completed' ? status : undefined;
      },
      300_000,
    );
    const playlist = await fetch(done.hlsUrl ?? '');
    expect(playlist.status).toBe(200);
    expect(await playlist.text()).toMatch(/^#EXTM3U/);
  }, 360_000);
});
