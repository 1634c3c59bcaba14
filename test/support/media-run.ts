import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probeMedia } from '@reelforge/ffmpeg';
import type { StorageDriver } from '@reelforge/storage';
import { onlyOutputPrefix } from './hls-output.js';
import { submitTranscode, uploadFile } from './http.js';

export interface SubmittedMedia {
  fileId: string;
  jobId: string;
  /** What POST /api/media/upload answered (display size after rotation, duration). */
  upload: { width: number | null; height: number | null; durationS: number | null };
}

/** Uploads a file through the API and starts its transcode; fails loudly on any non-2xx answer. */
export async function uploadAndSubmit(baseUrl: string, file: string, body: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<SubmittedMedia> {
  const upload = await uploadFile(baseUrl, file, path.basename(file), headers);
  if (upload.status !== 201) throw new Error(`upload of ${path.basename(file)}: ${upload.status} ${await upload.text()}`);
  const uploaded = (await upload.json()) as SubmittedMedia['upload'] & { fileId: string };
  const submit = await submitTranscode(baseUrl, { fileId: uploaded.fileId, ...body }, headers);
  if (submit.status !== 202) throw new Error(`submit of ${path.basename(file)}: ${submit.status} ${await submit.text()}`);
  const { jobId } = (await submit.json()) as { jobId: string };
  return { fileId: uploaded.fileId, jobId, upload: { width: uploaded.width, height: uploaded.height, durationS: uploaded.durationS } };
}

/** The source's duration as ffprobe reads it (measured from the packets when the container states none), the reference the output is held to. */
export async function sourceDurationS(file: string): Promise<number> {
  return (await probeMedia(file)).info.durationS;
}

/** Copies the file's one transcode output (master.m3u8 and all) from storage into a new temp directory (caller removes it). */
export async function downloadHlsOutput(storage: StorageDriver, fileId: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-hls-'));
  const prefix = `${await onlyOutputPrefix(storage, fileId)}/`;
  try {
    const keys: string[] = [];
    for await (const object of storage.list(prefix)) keys.push(object.key);
    await Promise.all(keys.map((key) => storage.downloadToFile(key, path.join(dir, ...key.slice(prefix.length).split('/')))));
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
