// Pure: which URLs a player needs before it can start (master, every rendition playlist, its first segment).
import HLS from 'hls-parser';

/** Every media playlist the master names (video variants and their audio renditions), in order, once each. */
export function renditionPlaylistUris(masterText: string): string[] {
  const master = HLS.parse(masterText);
  if (!master.isMasterPlaylist) throw new Error('not a master playlist');
  const uris = [...master.variants.map((v) => v.uri), ...master.variants.flatMap((v) => v.audio.flatMap((a) => (a.uri ? [a.uri] : [])))];
  return [...new Set(uris)];
}

/** The first segment a media playlist names; null while it names none yet. */
export function firstSegmentUri(mediaText: string): string | null {
  const playlist = HLS.parse(mediaText);
  if (playlist.isMasterPlaylist) throw new Error('not a media playlist');
  return playlist.segments[0]?.uri ?? null;
}

/** `uri` as a player resolves it against the playlist that names it. */
export function resolveUri(uri: string, base: string): string {
  return new URL(uri, base).toString();
}
