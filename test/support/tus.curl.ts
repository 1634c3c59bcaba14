import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CurlAnswer {
  status: number;
  /** Header names in lower case; the last value when a name repeats. */
  headers: Record<string, string>;
  body: string;
}

/** tus request headers every curl call in the tests sends. */
export const TUS_HEADERS = ['-H', 'Tus-Resumable: 1.0.0'];

/**
 * Runs the `curl` binary (as a user of the README's examples would) and parses what came back.
 * Only the last response counts: curl prints one header block per response it reads.
 */
export async function curl(args: string[]): Promise<CurlAnswer> {
  const { stdout } = await run('curl', ['-sS', '-i', ...args], { maxBuffer: 1024 * 1024 });
  const blocks = stdout.split(/\r\n\r\n/);
  let index = 0;
  while (index + 1 < blocks.length && /^HTTP\/[\d.]+ 1\d\d/.test(blocks[index]!)) index += 1;
  const [statusLine, ...lines] = blocks[index]!.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine ?? '')?.[1]), headers, body: blocks.slice(index + 1).join('\r\n\r\n') };
}
