// Pure parsers for `ffmpeg -version`, `-encoders` and `-filters` output.

/** `ffmpeg version 5.1.9-0+deb12u1 Copyright …` → `5.1.9-0+deb12u1`; null when absent. */
export function parseVersion(output: string, program: 'ffmpeg' | 'ffprobe'): string | null {
  const match = new RegExp(`^${program} version (\\S+)`, 'm').exec(output);
  return match === null ? null : (match[1] as string);
}

/** Encoder names from `ffmpeg -hide_banner -encoders` (rows like ` V....D libx264   libx264 H.264 …`). */
export function parseEncoderNames(output: string): Set<string> {
  const names = new Set<string>();
  const table = output.slice(output.indexOf('------') + 1);
  for (const match of table.matchAll(/^ ?[VAS][.A-Z]{5} (\S+)/gm)) names.add(match[1] as string);
  return names;
}

/** Filter names from `ffmpeg -hide_banner -filters` (rows like ` .SC zscale   V->V   Apply …`). */
export function parseFilterNames(output: string): Set<string> {
  const names = new Set<string>();
  for (const match of output.matchAll(/^ ?[T.][S.][C.] (\S+)\s+\S*->\S*\s/gm)) names.add(match[1] as string);
  return names;
}
