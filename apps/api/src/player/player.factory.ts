import type { FilesRepository, JobsRepository } from '@reelforge/db';
import { localPublicUrl, type StorageDriver } from '@reelforge/storage';
import type { PlayerRoutesDeps } from '../routes/player.routes.js';
import { WatchStatusService } from './watch-status.service.js';

/**
 * Wires the public player to storage. Local output is served by this API under /media, so the page
 * uses root-relative URLs: they work whatever host and port the viewer reached the API on, with or
 * without PUBLIC_BASE_URL. Bucket or CDN output keeps its public URL, and its origin joins the CSP.
 */
export function createPlayerDeps(deps: { storage: StorageDriver; files: FilesRepository; jobs: JobsRepository }): PlayerRoutesDeps {
  const { storage, files, jobs } = deps;
  const local = storage.localPath('hls') !== null;
  const mediaUrl = local ? (key: string) => localPublicUrl('', key) : (key: string) => storage.publicUrl(key);
  return {
    watch: new WatchStatusService({ files, jobs, mediaUrl }),
    mediaOrigin: local ? null : new URL(storage.publicUrl('hls')).origin,
  };
}
