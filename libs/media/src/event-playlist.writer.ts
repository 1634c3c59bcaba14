/** One segment a media playlist may name: already in storage, its duration from ffmpeg's EXTINF. */
export interface PublishedSegment {
  /** Relative to the playlist, e.g. "seg_a1_00000.ts". */
  uri: string;
  durationS: number;
}

export interface EventPlaylistInput {
  /** In play order, contiguous from the first segment ffmpeg wrote; only segments already stored. */
  segments: readonly PublishedSegment[];
  /** The plan's segment length (EXT-X-TARGETDURATION, which must not change while the playlist grows). */
  targetDurationS: number;
  /** True once the encode finished and every segment is listed: appends #EXT-X-ENDLIST. */
  ended: boolean;
}

/** Floating-point EXTINF durations need version 3 (RFC 8216 §7); nothing here needs more. */
const MEDIA_PLAYLIST_VERSION = 3;

/**
 * A rendition's media playlist while it is being encoded and after. It stays an `EVENT` playlist to
 * the end: RFC 8216 §6.2.1 forbids changing EXT-X-PLAYLIST-TYPE, so the finished playlist is the same
 * text plus `#EXT-X-ENDLIST`, which players treat as VOD. A player can therefore start during the
 * encode and play on to the end without reloading anything but this playlist.
 *
 * The target duration is the plan's segment length, raised only if a segment's rounded duration
 * exceeds it (§4.3.3.1); keyframes forced on segment boundaries keep that from happening in practice.
 */
export function writeEventPlaylist(input: EventPlaylistInput): string {
  const { segments, ended } = input;
  if (segments.length === 0) throw new RangeError('an event playlist is published with at least one segment');
  if (segments.some((segment) => !(segment.durationS > 0))) throw new RangeError('segment durations must be positive');
  const target = Math.max(input.targetDurationS, ...segments.map((segment) => Math.round(segment.durationS)));
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${MEDIA_PLAYLIST_VERSION}`,
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...segments.flatMap((segment) => [`#EXTINF:${segment.durationS.toFixed(6)},`, segment.uri]),
    ...(ended ? ['#EXT-X-ENDLIST'] : []),
  ];
  return lines.join('\n') + '\n';
}

/**
 * The segments a playlist may name now: ffmpeg's list, cut at the first one not yet stored, so a
 * reader never meets a gap or a segment that is missing (uploads finish out of order).
 */
export function contiguousStoredSegments(listed: readonly PublishedSegment[], isStored: (uri: string) => boolean): PublishedSegment[] {
  const firstMissing = listed.findIndex((segment) => !isStored(segment.uri));
  return firstMissing === -1 ? [...listed] : listed.slice(0, firstMissing);
}
