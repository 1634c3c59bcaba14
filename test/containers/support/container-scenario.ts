import { randomBytes } from 'node:crypto';
import { describe } from '@jest/globals';
import HLS from 'hls-parser';

const skipped = process.env.REELFORGE_CONTAINERS_SKIPPED;
if (skipped) process.stdout.write(`container tests skipped: ${skipped}\n`);

/** `describe`, or `describe.skip` when the run opted out (REELFORGE_SKIP_CONTAINERS=1, refused under CI). */
export const describeContainers = skipped ? describe.skip : describe;

/** A production-strength random secret (hex, 48 characters). */
export const secret = (): string => randomBytes(24).toString('hex');

export interface ServedRendition {
  uri: string;
  segments: number;
  firstSegmentBytes: number;
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res;
}

/**
 * Fetches master.m3u8 the way a player does (over HTTP, from its public URL), then every video variant
 * and audio rendition it names and the first segment of each.
 */
export async function fetchHlsLadder(masterUrl: string): Promise<{ renditions: ServedRendition[]; audio: ServedRendition[] }> {
  const master = HLS.parse(await (await fetchOk(masterUrl)).text());
  if (!master.isMasterPlaylist) throw new Error(`${masterUrl} is not a master playlist`);
  const served = async (uri: string): Promise<ServedRendition> => {
    const playlistUrl = new URL(uri, masterUrl);
    const playlist = HLS.parse(await (await fetchOk(playlistUrl.href)).text());
    if (playlist.isMasterPlaylist || playlist.segments.length === 0) throw new Error(`${playlistUrl.href} names no segments`);
    const segment = await fetchOk(new URL(playlist.segments[0]!.uri, playlistUrl).href);
    return { uri, segments: playlist.segments.length, firstSegmentBytes: (await segment.arrayBuffer()).byteLength };
  };
  const audioUris = [...new Set(master.variants.flatMap((v) => v.audio.map((a) => a.uri).filter((u): u is string => u !== undefined)))];
  return {
    renditions: await Promise.all(master.variants.map((v) => served(v.uri))),
    audio: await Promise.all(audioUris.map(served)),
  };
}
