import { BENCH_TOKEN } from './bench.stack.js';
import { firstSegmentUri, renditionPlaylistUris, resolveUri } from './hls.first-segments.js';

const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
const POLL_MS = 50;

interface StatusView {
  status: string;
  playable: boolean;
  hlsUrl: string | null;
  error: { code: string; message: string } | null;
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/**
 * Polls GET /api/media/transcode/:fileId (as a client would) until it says playable, and returns its
 * hlsUrl rebased on `baseUrl` (the stack sets no PUBLIC_BASE_URL, so hlsUrl names the default port).
 */
export async function waitUntilPlayable(baseUrl: string, fileId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${baseUrl}/api/media/transcode/${fileId}`, { headers: auth });
    const view = (await res.json()) as StatusView;
    if (view.playable && view.hlsUrl) return new URL(new URL(view.hlsUrl).pathname, baseUrl).toString();
    if (['failed', 'cancelled', 'completed'].includes(view.status) && !view.playable) {
      throw new Error(`job for ${fileId} ended ${view.status} without becoming playable: ${view.error?.message ?? ''}`);
    }
    if (Date.now() > deadline) throw new Error(`${fileId} not playable after ${timeoutMs / 1000} s (status ${view.status})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Fetches what a player needs to start: the master, every rendition playlist it names, and each
 * one's first segment. Throws naming the first URL that does not answer 200 with content.
 * Returns how many files were fetched.
 */
export async function fetchFirstSegments(masterUrl: string): Promise<number> {
  const master = await fetchText(masterUrl);
  if (master.status !== 200) throw new Error(`${masterUrl}: HTTP ${master.status}`);
  const playlists = renditionPlaylistUris(master.text).map((uri) => resolveUri(uri, masterUrl));
  const fetched = await Promise.all(
    playlists.map(async (playlistUrl) => {
      const playlist = await fetchText(playlistUrl);
      if (playlist.status !== 200) throw new Error(`${playlistUrl}: HTTP ${playlist.status}`);
      const first = firstSegmentUri(playlist.text);
      if (!first) throw new Error(`${playlistUrl} names no segment although the job is playable`);
      const segmentUrl = resolveUri(first, playlistUrl);
      const segment = await fetch(segmentUrl);
      const bytes = (await segment.arrayBuffer()).byteLength;
      if (segment.status !== 200 || bytes === 0) throw new Error(`${segmentUrl}: HTTP ${segment.status}, ${bytes} bytes`);
      return 2;
    }),
  );
  return 1 + fetched.reduce((a, b) => a + b, 0);
}

/** POST …/cancel: the benchmark needs the job's first segments only. */
export async function cancelTranscode(baseUrl: string, fileId: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth });
  await res.body?.cancel();
  if (res.status >= 300) throw new Error(`cancel of ${fileId} refused: HTTP ${res.status}`);
}
