#!/usr/bin/env node
// Bundles one app (apps/<name>/src/main.ts → apps/<name>/dist/main.js) for the Docker images.
// Workspace libs are bundled in; npm packages stay external and come from the image's node_modules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = process.argv[2];
if (!app) {
  process.stderr.write('usage: node tools/build-app.mjs <api|worker|cli>\n');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

await build({
  entryPoints: [path.join(root, 'apps', app, 'src', 'main.ts')],
  outfile: path.join(root, 'apps', app, 'dist', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  // Bundled CommonJS dependencies may call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __reelforgeCreateRequire } from 'node:module'; const require = __reelforgeCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
process.stdout.write(`built apps/${app}/dist/main.js\n`);
