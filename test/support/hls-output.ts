import { fileOutputFolder, MASTER_PLAYLIST_NAME, type StorageDriver } from '@reelforge/storage';
import HLS from 'hls-parser';

export interface HlsOutputReport {
  playlists: string[];
  segments: number;
}

async function readText(storage: StorageDriver, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.getStream(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The output prefix of the file's one transcode attempt in storage (`hls/<fileId>/<jobId>/<attempt>`):
 * the folder of its only master playlist. Throws when there is none or more than one.
 */
export async function onlyOutputPrefix(storage: StorageDriver, fileId: string): Promise<string> {
  const masters: string[] = [];
  for await (const { key } of storage.list(fileOutputFolder(fileId))) if (key.endsWith(`/${MASTER_PLAYLIST_NAME}`)) masters.push(key);
  if (masters.length !== 1) throw new Error(`expected one master playlist under ${fileOutputFolder(fileId)}, found ${masters.length}`);
  return masters[0]!.slice(0, -MASTER_PLAYLIST_NAME.length - 1);
}

/**
 * Throws unless the file's one master playlist parses, every playlist it names parses as a finished
 * media playlist, and every segment those name exists and is not empty.
 */
export async function assertWholeHlsOutput(storage: StorageDriver, fileId: string): Promise<HlsOutputReport> {
  const prefix = await onlyOutputPrefix(storage, fileId);
  const master = HLS.parse(await readText(storage, `${prefix}/master.m3u8`));
  if (!master.isMasterPlaylist) throw new Error('master.m3u8 is not a master playlist');
  const uris = new Set([...master.variants.map((v) => v.uri), ...master.variants.flatMap((v) => v.audio.map((a) => a.uri!))]);
  let segments = 0;
  for (const uri of uris) {
    const playlist = HLS.parse(await readText(storage, `${prefix}/${uri}`));
    if (playlist.isMasterPlaylist) throw new Error(`${uri} is not a media playlist`);
    if (!playlist.endlist) throw new Error(`${uri} has no #EXT-X-ENDLIST: it is not finished`);
    if (playlist.segments.length === 0) throw new Error(`${uri} names no segments`);
    const dir = uri.split('/').slice(0, -1).join('/');
    for (const segment of playlist.segments) {
      const stat = await storage.stat(`${prefix}/${dir}/${segment.uri}`);
      if (!stat || stat.bytes === 0) throw new Error(`${uri} names ${segment.uri}, which is missing or empty`);
      segments += 1;
    }
  }
  return { playlists: [...uris], segments };
}
