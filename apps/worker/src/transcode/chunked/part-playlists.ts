import type { Chunk } from '@reelforge/db';
import type { PublishedSegment } from '@reelforge/media';

export interface PartPlaylists {
  /** Per rendition (video and audio): the segments its playlist may name now, in play order. */
  segments: Map<string, PublishedSegment[]>;
  /** Every part is encoded: the playlists are complete and end. */
  ended: boolean;
  /** 0-1: the share of the input's video (or audio, without video) already encoded. */
  progress: number;
}

export interface PartPlaylistsOptions {
  /** The running attempt: its playlists live under its own prefix. */
  attempt: number;
  videoNames: readonly string[];
  audioName: string | null;
}

/**
 * What a chunked attempt's rendition playlists may name, from its parts' rows: for each video
 * rendition the segments of every finished part in order, then what the first unfinished part has
 * stored so far, and nothing past it (a playlist never skips a gap, and only grows). The audio
 * rendition is one part of its own. A part kept from an earlier attempt is named where it lies,
 * relative to this attempt's rendition folder (`../../<attempt>/<rendition>/<segment>`).
 */
export function assemblePartPlaylists(parts: readonly Chunk[], options: PartPlaylistsOptions): PartPlaylists {
  const video = parts.filter((part) => part.kind === 'video').sort((a, b) => a.index - b.index);
  const audio = parts.find((part) => part.kind === 'audio');
  video.forEach((part, i) => {
    if (part.index !== i) throw new RangeError(`video part ${i} is missing`);
  });
  if (options.audioName !== null && !audio) throw new RangeError('the audio part is missing');

  const segments = new Map<string, PublishedSegment[]>();
  for (const name of options.videoNames) {
    const named: PublishedSegment[] = [];
    for (const part of video) {
      named.push(...partSegments(part, name, options.attempt));
      if (part.state !== 'completed') break;
    }
    segments.set(name, named);
  }
  if (options.audioName !== null && audio) segments.set(options.audioName, partSegments(audio, options.audioName, options.attempt));

  const all = [...video, ...(audio ? [audio] : [])];
  const measured = video.length > 0 ? video : all;
  const totalS = measured.reduce((sum, part) => sum + part.durationS, 0);
  const doneS = measured.reduce((sum, part) => sum + part.durationS * (part.state === 'completed' ? 1 : part.progress), 0);
  return { segments, ended: all.every((part) => part.state === 'completed'), progress: totalS > 0 ? doneS / totalS : 0 };
}

function partSegments(part: Chunk, name: string, attempt: number): PublishedSegment[] {
  const stored = part.segments[name] ?? [];
  const prefix = part.attempt === attempt ? '' : `../../${part.attempt}/${name}/`;
  return stored.map((segment) => ({ uri: `${prefix}${segment.uri}`, durationS: segment.durationS }));
}
