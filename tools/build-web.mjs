#!/usr/bin/env node
// Bundles the web app (apps/web/src/main.ts → apps/web/dist/app.js) for browsers; the API serves it at /app.
// tus-js-client is bundled in; hls.js is not: the page loads the copy /assets/hls.min.js serves for /watch.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'apps', 'web', 'dist', 'app.js');

const result = await build({
  entryPoints: [path.join(root, 'apps', 'web', 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  format: 'iife',
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // Written below, each file under a temporary name and then renamed: an API starting meanwhile (tests
  // build this in parallel) reads the old bundle or the new one, never half of one.
  write: false,
});
for (const file of result.outputFiles) {
  await mkdir(path.dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
}
const bytes = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ?? Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes;
process.stdout.write(`built apps/web/dist/app.js (${bytes} bytes)\n`);
