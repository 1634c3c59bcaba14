import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  measureRendition,
  mediaPlaylistUri,
  writeMasterPlaylist,
  type BitrateMeasure,
  type TranscodePlan,
} from '@reelforge/media';
import { MASTER_PLAYLIST_NAME, type StorageDriver } from '@reelforge/storage';
import HLS from 'hls-parser';

export interface SerialUploadResult {
  /** Every file ffmpeg (and the image steps) wrote, uploaded after the encode. */
  uploadMs: number;
  /** Measuring the renditions, writing master.m3u8 and uploading it. */
  masterMs: number;
  files: number;
  bytes: number;
}

const SEGMENT = /\.(ts|m4s|aac)$/;
const PLAYLIST = /\.m3u8$/;

async function listFiles(dir: string, base = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, base), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(dir, path.join(base, e.name)) : [path.join(base, e.name)])));
  return nested.flat().sort();
}

/**
 * The encode-then-upload baseline: after ffmpeg is done, upload its output in the pipeline's order
 * (segments, playlists, the rest) with the same number of uploads in flight, then write and upload
 * master.m3u8 from measured segment sizes as TranscodeService does.
 */
export async function uploadAfterEncode(
  storage: StorageDriver,
  localDir: string,
  keyPrefix: string,
  plan: TranscodePlan,
  concurrency: number,
): Promise<SerialUploadResult> {
  const started = performance.now();
  const all = await listFiles(localDir);
  const ordered = [...all.filter((f) => SEGMENT.test(f)), ...all.filter((f) => PLAYLIST.test(f)), ...all.filter((f) => !SEGMENT.test(f) && !PLAYLIST.test(f))];
  const sizes = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < ordered.length; i = next++) {
      const rel = ordered[i]!;
      const key = `${keyPrefix}/${rel.split(path.sep).join('/')}`;
      sizes.set(rel.split(path.sep).join('/'), (await storage.putFile(key, path.join(localDir, rel))).bytes);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const uploaded = performance.now();

  const names = [...plan.renditions.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
  const measurements: Record<string, BitrateMeasure> = {};
  for (const name of names) {
    const parsed = HLS.parse(await readFile(path.join(localDir, mediaPlaylistUri(name)), 'utf8'));
    if (parsed.isMasterPlaylist) throw new Error(`${name} playlist is a master playlist`);
    const segments = parsed.segments.map((s) => ({ durationS: s.duration, bytes: sizes.get(`${name}/${s.uri}`) ?? 0 }));
    measurements[name] = measureRendition(segments, parsed.targetDuration);
  }
  const masterPath = path.join(localDir, MASTER_PLAYLIST_NAME);
  await writeFile(masterPath, writeMasterPlaylist({ plan, measurements }));
  await storage.putFile(`${keyPrefix}/${MASTER_PLAYLIST_NAME}`, masterPath);
  const bytes = [...sizes.values()].reduce((sum, b) => sum + b, 0) + (await stat(masterPath)).size;
  return { uploadMs: uploaded - started, masterMs: performance.now() - uploaded, files: ordered.length + 1, bytes };
}
