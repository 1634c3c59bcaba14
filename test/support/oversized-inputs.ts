import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg } from '@reelforge/ffmpeg';
import { fixtureDir } from '@reelforge/ffmpeg/testing';

/**
 * Small files that break one input limit each: cheap to make (a few hundred KB at most), costly only
 * for whoever would encode them. Written to this process's fixture directory (cleanupFixtures removes it).
 */
export const OVERSIZED_INPUTS = {
  /** One 8192x8192 frame: 67 Mpixel, twice the 8K UHD default. */
  'huge-frame': ['-f', 'lavfi', '-i', 'color=c=gray:s=8192x8192:r=1', '-frames:v', '1'],
  /** 8 s at 64x64: long for a lowered MAX_INPUT_DURATION_S. */
  'long-low-res': ['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=5', '-t', '8'],
  /** 200 fps, above the 120 fps default. */
  'high-fps': ['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=200', '-t', '0.1'],
  /** One video and three audio streams: four in all. */
  'four-streams': [
    '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '1', '-map', '0:v', '-map', '1:a', '-map', '1:a', '-map', '1:a', '-c:a', 'aac',
  ],
} as const satisfies Record<string, readonly string[]>;

export type OversizedInput = keyof typeof OVERSIZED_INPUTS;

export async function makeOversizedInput(kind: OversizedInput): Promise<string> {
  await mkdir(fixtureDir(), { recursive: true });
  const target = path.join(fixtureDir(), `${kind}.mp4`);
  await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-y', ...OVERSIZED_INPUTS[kind], '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', target]);
  return target;
}
