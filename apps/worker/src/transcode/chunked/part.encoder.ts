import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Chunk, ChunkKey, ChunksRepository, StoredSegment } from '@reelforge/db';
import { runFfmpeg, type FfmpegProgress } from '@reelforge/ffmpeg';
import type { PublishedSegment } from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import type { StorageDriver } from '@reelforge/storage';
import { SEGMENT_FILE, PLAYLIST_FILE, SegmentUploader } from '../segment.uploader.js';

/** Where a part's storyboard thumbnails go, inside its output folder (uploaded beside its segments). */
export const PART_THUMBNAILS_DIR = 'storyboard-thumbs';

export interface PartEncodeOptions {
  key: ChunkKey;
  /** The claimed row: the segments an earlier run of the part recorded stay named. */
  claimed: Chunk;
  args: string[];
  /** Renditions this part writes (every video rung, or the audio). */
  names: readonly string[];
  /** Where ffmpeg writes; uploaded under `keyPrefix`. */
  outputDir: string;
  keyPrefix: string;
  /** Maps an ffmpeg progress report to 0-1 of this part. */
  fractionAt: (progress: FfmpegProgress) => number;
  signal: AbortSignal;
  /** Called after every change recorded in Postgres (the job's playlists are republished then). */
  onRecorded: () => Promise<void>;
  pollIntervalMs?: number;
}

export class PartSupersededError extends Error {
  constructor(key: ChunkKey) {
    super(`part ${key.kind} ${key.index} of job ${key.jobId} is no longer this worker's`);
  }
}

/**
 * Runs one part's ffmpeg and publishes as it goes: finished segments are uploaded, the part's row
 * records the stored ones (and its progress), and `onRecorded` republishes the job's playlists. At
 * the end the thumbnails are uploaded and the row is completed with the full segment lists.
 */
export async function encodePart(
  deps: { storage: StorageDriver; chunks: ChunksRepository; workerId: string; orphanGuard?: OrphanGuard },
  options: PartEncodeOptions,
): Promise<Chunk> {
  const { storage, chunks, workerId } = deps;
  const { key, outputDir, keyPrefix, names } = options;
  await mkdir(path.join(outputDir, PART_THUMBNAILS_DIR), { recursive: true });
  const uploader = new SegmentUploader({ storage, localDir: outputDir, keyPrefix });
  let fraction = 0;
  let recorded = JSON.stringify(options.claimed.segments);
  let failure: unknown;
  const aborter = new AbortController();
  const signal = AbortSignal.any([options.signal, aborter.signal]);

  const storedLists = async (ended: boolean): Promise<Record<string, StoredSegment[]>> => {
    const sizes = uploader.sizes();
    const lists: Record<string, StoredSegment[]> = {};
    for (const name of names) {
      // A part planned past the input's real end writes one 0 s segment: it holds nothing to play.
      const stored = ((await uploader.storedSegments(name, ended)) ?? []).filter((segment) => segment.durationS > 0);
      const current = withSizes(name, stored, sizes);
      const earlier = options.claimed.segments[name] ?? [];
      // A re-run writes the same segments again; until it passes what a playlist may name already, that stays.
      lists[name] = current.length >= earlier.length ? current : earlier;
    }
    return lists;
  };
  const tick = async () => {
    await uploader.uploadMatching((rel) => SEGMENT_FILE.test(rel));
    const segments = await storedLists(false);
    const text = JSON.stringify(segments);
    const row = await chunks.recordProgress(key, { workerId, progress: fraction, segments });
    if (!row) throw new PartSupersededError(key);
    if (text !== recorded) {
      recorded = text;
      await options.onRecorded();
    }
  };

  let ticking: Promise<void> | undefined;
  const timer = setInterval(() => {
    ticking ??= tick()
      .catch((err: unknown) => {
        failure ??= err;
        aborter.abort(err);
      })
      .finally(() => {
        ticking = undefined;
      });
  }, options.pollIntervalMs ?? 500);
  try {
    await runFfmpeg(options.args, {
      signal,
      orphanGuard: deps.orphanGuard,
      onProgress: (p) => {
        fraction = Math.min(1, Math.max(fraction, options.fractionAt(p)));
      },
    });
  } catch (err) {
    throw failure ?? err;
  } finally {
    clearInterval(timer);
    await ticking;
    await uploader.settle();
  }
  if (failure !== undefined) throw failure;
  await uploader.uploadMatching((rel) => SEGMENT_FILE.test(rel));
  const segments = await storedLists(true);
  await uploader.uploadMatching((rel) => !PLAYLIST_FILE.test(rel) && !SEGMENT_FILE.test(rel));
  const thumbnails = [...uploader.sizes().keys()].filter((rel) => rel.startsWith(`${PART_THUMBNAILS_DIR}/`)).length;
  const completed = await chunks.complete(key, { workerId, segments, thumbnails });
  if (!completed) throw new PartSupersededError(key);
  await options.onRecorded();
  return completed;
}

function withSizes(name: string, segments: readonly PublishedSegment[], sizes: ReadonlyMap<string, number>): StoredSegment[] {
  return segments.map((segment) => ({ uri: segment.uri, durationS: segment.durationS, bytes: sizes.get(`${name}/${segment.uri}`) ?? 0 }));
}
