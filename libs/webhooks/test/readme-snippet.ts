import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const MARKER = '<!-- webhook-signature-snippet';

export type ReadmeVerify = (rawBody: string, header: string | undefined, secret: string, toleranceSeconds?: number) => boolean;

/** The README's verification code, exactly as a reader would copy it. */
function snippet(): string {
  const text = readFileSync(README, 'utf8');
  const from = text.indexOf(MARKER);
  if (from === -1) throw new Error('README.md lost the webhook-signature-snippet marker');
  const block = /```js\n([\s\S]*?)```/.exec(text.slice(from));
  if (!block) throw new Error('no ```js block after the webhook-signature-snippet marker');
  return block[1]!;
}

/** Writes the snippet to a module of its own and imports it, as a receiver would run it. */
export async function loadReadmeVerify(): Promise<{ verify: ReadmeVerify; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-readme-'));
  const file = path.join(dir, 'verify.mjs');
  await writeFile(file, snippet());
  const { verifyReelforgeSignature } = (await import(pathToFileURL(file).href)) as { verifyReelforgeSignature: ReadmeVerify };
  return { verify: verifyReelforgeSignature, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
