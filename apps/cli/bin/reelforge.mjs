#!/usr/bin/env node
// `npx reelforge` / the `reelforge` bin. In a source checkout it runs src/main.ts through tsx, so it is
// never behind the code (a dist/ bundle left from an earlier build would be); where only the bundle
// exists (Docker images, an installed package) it runs dist/main.js.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function tsxRegister() {
  try {
    return (await import('tsx/esm/api')).register;
  } catch {
    return undefined;
  }
}

const register = existsSync(source) ? await tsxRegister() : undefined;
if (register) {
  register();
  await import(pathToFileURL(source).href);
} else if (existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  process.stderr.write('reelforge: neither the sources with tsx (npm install) nor a build (npm run build -w @reelforge/cli) were found\n');
  process.exit(78);
}
