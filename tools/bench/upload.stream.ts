import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const CHUNK = Buffer.alloc(1024 * 1024);
/** ISO BMFF box header: 32-bit size (header included) and type. */
const BOX_HEADER_BYTES = 8;
const MAX_BOX_BYTES = 2 ** 32 - 1;

export interface StreamedUpload {
  status: number;
  body: string;
  ms: number;
}

/**
 * POSTs a multipart upload of exactly `totalBytes` file bytes, generated while sending: a real
 * faststart MP4 followed by one `free` box of zeros. Players and ffprobe skip `free` boxes, so the
 * API's sniff accepts it, and a GiB-sized body needs neither a GiB-sized clip nor the disk for one.
 */
export async function streamPaddedMp4(url: URL, token: string, mp4Path: string, totalBytes: number): Promise<StreamedUpload> {
  const mp4 = await readFile(mp4Path);
  const padBytes = totalBytes - mp4.length;
  if (padBytes < BOX_HEADER_BYTES || padBytes > MAX_BOX_BYTES) throw new RangeError(`cannot pad a ${mp4.length}-byte clip to ${totalBytes} bytes`);
  const boxHeader = Buffer.alloc(BOX_HEADER_BYTES);
  boxHeader.writeUInt32BE(padBytes, 0);
  boxHeader.write('free', 4, 'latin1');
  const boundary = `reelforge-bench-${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="large.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  const started = performance.now();
  const req = http.request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + totalBytes + tail.length),
    },
  });
  let failure: Error | undefined;
  let answered = false;
  const response = new Promise<StreamedUpload>((resolve, reject) => {
    // Kept for the whole request: a server that answers early (413, 422) makes later writes fail too.
    req.on('error', (err) => {
      failure ??= err;
      reject(err);
    });
    req.once('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.once('error', reject);
    });
  });
  response.catch(() => undefined);
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (answered || failure) return false;
    if (!req.write(chunk)) await Promise.race([once(req, 'drain').catch(() => undefined), response.catch(() => undefined)]);
    return true;
  };
  await write(head);
  await write(mp4);
  await write(boxHeader);
  for (let left = padBytes - BOX_HEADER_BYTES; left > 0; left -= CHUNK.length) {
    if (!(await write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))) break;
  }
  await write(tail);
  req.end();
  return response;
}
