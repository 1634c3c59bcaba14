import { isOriginalKey } from './storage-key.layout.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  vtt: 'text/vtt',
  json: 'application/json',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * A finished playlist. Every attempt writes under its own folder, so a finished playlist is never
 * rewritten; the short lifetime only bounds how long a CDN may keep one it fetched just before the end.
 */
export const PLAYLIST_CACHE_CONTROL = 'public, max-age=10';
/**
 * A playlist published while its job still runs (EVENT playlists growing by a segment, the master
 * with planned bandwidth): players reload it every target duration (1 s at the shortest), so a shared
 * cache must not keep it longer than that or viewers stall behind the encode.
 */
export const LIVE_PLAYLIST_CACHE_CONTROL = 'public, max-age=1';
/**
 * What the API's `/media/hls` sends for any playlist of local storage: files there carry no per-object
 * headers, so live and finished playlists cannot be told apart by name; revalidating (ETag) is cheap
 * on one server and never serves a stale playlist.
 */
export const LOCAL_PLAYLIST_CACHE_CONTROL = 'no-cache';
/** Media segments (including packed-audio `.aac`) never change under the same key once written. */
export const SEGMENT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Posters and captions may be regenerated; an hour keeps CDN hits high without long staleness. */
export const ASSET_CACHE_CONTROL = 'public, max-age=3600';
/** Anything else (uploaded originals) is not meant for shared caches. */
export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/** Makes a browser save an original instead of rendering it. */
export const ORIGINAL_CONTENT_DISPOSITION = 'attachment';

function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** MIME type from the key's extension (case-insensitive), `application/octet-stream` otherwise. */
export function contentTypeFor(key: string): string {
  return CONTENT_TYPES[extensionOf(key)] ?? DEFAULT_CONTENT_TYPE;
}

/** `Cache-Control` for an object, chosen by its role in an HLS package. */
export function cacheControlFor(key: string): string {
  switch (extensionOf(key)) {
    case 'm3u8':
      return PLAYLIST_CACHE_CONTROL;
    case 'ts':
    case 'm4s':
    case 'aac':
      return SEGMENT_CACHE_CONTROL;
    case 'jpg':
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'vtt':
      return ASSET_CACHE_CONTROL;
    default:
      return PRIVATE_CACHE_CONTROL;
  }
}

export interface ObjectHeaders {
  contentType: string;
  cacheControl: string;
  /** Set for originals only. */
  contentDisposition: string | undefined;
  /** False for originals: the driver's canned ACL (`SPACES_ACL`) is never applied to them. */
  aclApplies: boolean;
}

/**
 * What an object is stored with, decided by its key so every driver and caller agrees. An original
 * is whatever a client sent, so its claimed type is never trusted: it is stored as opaque bytes a
 * browser downloads rather than renders (an HTML or SVG "video" must not run on the bucket's or
 * CDN's origin), kept out of shared caches, and left private — `requested` is ignored for it.
 * Everything else (HLS output) takes `requested` over the defaults for its extension.
 */
export function objectHeadersFor(key: string, requested: { contentType?: string; cacheControl?: string } = {}): ObjectHeaders {
  if (isOriginalKey(key)) {
    return {
      contentType: DEFAULT_CONTENT_TYPE,
      cacheControl: PRIVATE_CACHE_CONTROL,
      contentDisposition: ORIGINAL_CONTENT_DISPOSITION,
      aclApplies: false,
    };
  }
  return {
    contentType: requested.contentType ?? contentTypeFor(key),
    cacheControl: requested.cacheControl ?? cacheControlFor(key),
    contentDisposition: undefined,
    aclApplies: true,
  };
}
