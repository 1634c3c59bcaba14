#!/usr/bin/env node
// Bundles the web app (apps/web/src/main.ts → apps/web/dist/app.js) for browsers; the API serves it at /app.
// tus-js-client is bundled in; hls.js is not: the page loads the copy /assets/hls.min.js serves for /watch.
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
});
const bytes = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ?? Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes;
process.stdout.write(`built apps/web/dist/app.js (${bytes} bytes)\n`);
