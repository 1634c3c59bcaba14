import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@reelforge/config';
import type { JobView } from '@reelforge/db';
import { runFfmpeg } from '@reelforge/ffmpeg';
import { freePort } from '@reelforge/process';
import { masterKey, outputPrefix } from '@reelforge/storage';
import { ReelforgeClient } from '../api.client.js';
import { startDevStack } from '../dev-stack.js';
import { formatDuration, ProgressPrinter } from '../progress.bar.js';

export interface DemoOptions {
  config: Config;
  /** A video to transcode; a 10 s 1080p test clip is generated when absent. */
  input: string | undefined;
  log: (line: string) => void;
}

/**
 * The whole product in one command: services, migrations, API and worker, then a real upload
 * through HTTP, live progress, and the location of the finished master playlist.
 */
export async function runDemo({ config, input, log }: DemoOptions): Promise<number> {
  const started = Date.now();
  const source = input ? path.resolve(input) : await generateDemoClip(config.embeddedDir, log);
  if (!existsSync(source)) {
    log(`error: ${source} does not exist; pass a path to a video file: npm run demo -- path/to/video.mp4`);
    return 2;
  }
  // The demo's own API lives only while it runs; the URLs it prints name where `npm start` serves them.
  const servedAt = config.http.publicBaseUrl ?? `http://localhost:${config.http.port}`;
  const stack = await startDevStack({ config, port: await freePort(), log, appOutput: 'quiet', publicBaseUrl: servedAt });
  try {
    const client = new ReelforgeClient(stack.apiUrl, stack.apiToken);
    log(`uploading ${source}…`);
    const upload = await client.upload(source);
    log(`uploaded as file ${upload.fileId} (${(upload.sizeBytes / 1e6).toFixed(1)} MB, ${upload.durationS?.toFixed(1) ?? '?'} s)`);
    const job = await client.transcode(upload.fileId);
    log(`transcode job ${job.jobId} ${job.status}`);
    const final = await follow(client, upload.fileId, stack.exited);
    if (final.status !== 'completed') {
      log(`transcode ${final.status}: ${final.error?.code ?? ''} ${final.error?.message ?? ''}`);
      return 1;
    }
    log('renditions:');
    for (const r of final.renditions) {
      const size = r.width ? `${r.width}x${r.height} @ ${r.fps} fps` : 'audio';
      log(`  ${String(r.name).padEnd(6)} ${size.padEnd(22)} ${Math.round(Number(r.averageBandwidth ?? 0) / 1000)} kbps avg  ${r.codecs}`);
    }
    // The completed attempt (the job's last) wrote under its own prefix.
    const local = config.storage.driver === 'local' ? path.join(config.storage.rootDir, masterKey(outputPrefix(final.fileId, final.jobId, final.attempts))) : undefined;
    log(`done in ${formatDuration((Date.now() - started) / 1000)}`);
    log(`master playlist: ${final.hlsUrl}`);
    if (local) log(`on disk: ${local}`);
    log(`watch it: run \`npm start\`, then open ${servedAt}/watch/${upload.fileId}`);
    return 0;
  } finally {
    await stack.stop();
  }
}

async function follow(
  client: ReelforgeClient,
  fileId: string,
  appExited: Promise<{ app: string; code: number | null }>,
): Promise<JobView> {
  const printer = new ProgressPrinter(process.stdout);
  let crashed: string | undefined;
  void appExited.then(({ app, code }) => {
    crashed = `the ${app} process exited unexpectedly (code ${code})`;
  });
  try {
    for (;;) {
      if (crashed) throw new Error(crashed);
      const status = await client.status(fileId);
      printer.update({ stage: status.stage ?? status.status, percent: status.progress, etaSeconds: null });
      if (status.status === 'completed' || status.status === 'failed' || status.status === 'cancelled') return status;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    printer.done();
  }
}

async function generateDemoClip(embeddedDir: string, log: (line: string) => void): Promise<string> {
  const dir = path.join(embeddedDir, 'demo');
  const file = path.join(dir, 'demo-1080p-10s.mp4');
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  log('generating a 10 s 1080p30 test clip with ffmpeg…');
  await runFfmpeg([
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=10',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=10',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k',
    '-movflags', '+faststart', '-shortest', file,
  ]);
  return file;
}
