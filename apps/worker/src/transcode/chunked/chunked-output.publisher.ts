import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChunksRepository, JobsRepository, type Job } from '@reelforge/db';
import { mediaPlaylistUri, plannedBitrates, writeEventPlaylist, writeMasterPlaylist, type TranscodePlan } from '@reelforge/media';
import { LIVE_PLAYLIST_CACHE_CONTROL, masterKey, outputPrefix, type StorageDriver } from '@reelforge/storage';
import type pg from 'pg';
import { renditionRecords } from '../rendition.records.js';
import { assemblePartPlaylists } from './part-playlists.js';

/** Which chunked attempt to publish, and its plan (from Postgres). */
export interface ChunkedTarget {
  jobId: string;
  fileId: string;
  attempt: number;
  plan: TranscodePlan;
}

export interface PublishOutcome {
  /** False when the attempt is no longer the job's running one: nothing was written. */
  current: boolean;
  /** Every part is encoded and the playlists end. */
  ended: boolean;
  /** 0-1 of the input encoded. */
  progress: number;
  /** The job row, when this call made the attempt playable. */
  becamePlayable: Job | null;
}

/**
 * Publishes a chunked attempt's rendition playlists from its parts' rows, whichever worker finished
 * whichever part: under the job's publish lock, so writers of one job take turns and each playlist
 * only grows. Once every rendition names a segment (the poster was stored when the job was split),
 * the master goes out with the planned bitrates and the job is marked playable, as a one-pass encode does.
 */
export class ChunkedOutputPublisher {
  constructor(private readonly deps: { pool: pg.Pool; storage: StorageDriver }) {}

  async publish(target: ChunkedTarget, scratchDir: string): Promise<PublishOutcome> {
    const { storage } = this.deps;
    const { jobId, fileId, attempt, plan } = target;
    return ChunksRepository.underPublishLock(this.deps.pool, jobId, async (db) => {
      const jobs = new JobsRepository(db);
      const job = await jobs.findById(jobId);
      if (!job || job.status !== 'processing' || job.attempts !== attempt) return { current: false, ended: false, progress: 0, becamePlayable: null };
      const parts = await new ChunksRepository(db).list(jobId);
      const names = [...plan.renditions.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
      const assembled = assemblePartPlaylists(parts, { attempt, videoNames: plan.renditions.map((r) => r.name), audioName: plan.audio?.name ?? null });
      const prefix = outputPrefix(fileId, jobId, attempt);
      for (const name of names) {
        const segments = assembled.segments.get(name) ?? [];
        if (segments.length === 0) continue;
        const local = path.join(scratchDir, `${name}.m3u8`);
        await writeFile(local, writeEventPlaylist({ segments, targetDurationS: plan.segmentSeconds, ended: assembled.ended }));
        await storage.putFile(`${prefix}/${mediaPlaylistUri(name)}`, local, assembled.ended ? {} : { cacheControl: LIVE_PLAYLIST_CACHE_CONTROL });
      }
      let becamePlayable: Job | null = null;
      if (job.playableAt === null && names.every((name) => (assembled.segments.get(name)?.length ?? 0) > 0)) {
        const local = path.join(scratchDir, 'master.m3u8');
        await writeFile(local, writeMasterPlaylist({ plan, measurements: plannedBitrates(plan) }));
        await storage.putFile(masterKey(prefix), local, { cacheControl: LIVE_PLAYLIST_CACHE_CONTROL });
        becamePlayable = await jobs.markPlayable(jobId, { outputPrefix: prefix, renditions: renditionRecords(plan, {}), attempt });
      }
      return { current: true, ended: assembled.ended, progress: assembled.progress, becamePlayable };
    });
  }
}
