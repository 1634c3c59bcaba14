// Pure: how each test clip is made from ffmpeg's lavfi sources (testsrc2 moves, sine beeps).

export const FIXTURE_KINDS = [
  'landscape-720p',
  'landscape-1080p',
  'small-360p',
  'tiny-240p',
  'odd-853x479',
  'ultrawide',
  'portrait',
  'rotated-90',
  'fps60',
  'vfr',
  'ten-bit',
  'hdr-pq',
  'no-audio',
  'audio-only',
  'surround-5.1',
  'multi-audio',
  'mov',
  'mkv',
  'webm',
  'recording-vp9',
  'recording-vp8',
  'recording-fmp4',
  'recording-empty',
  'corrupt',
  'truncated',
  'zero-byte',
  'png-renamed',
  'text-renamed',
] as const;

export type FixtureKind = (typeof FIXTURE_KINDS)[number];

export type FixtureExt = 'mp4' | 'mov' | 'mkv' | 'webm' | 'm4a';

/** ffmpeg arguments without the output path, for a clip of `durationS` seconds. */
type ArgsFor = (durationS: number) => string[];

export type FixtureRecipe =
  /** One ffmpeg run writes the fixture. */
  | { type: 'encode'; ext: FixtureExt; defaultDurationS: number; args: ArgsFor }
  /** `source` is encoded to a temp file, then `ffmpeg -i <temp> ...remuxArgs <fixture>`. */
  | { type: 'remux'; ext: FixtureExt; defaultDurationS: number; source: ArgsFor; remuxArgs: string[] }
  /** `source` is encoded to a temp file whose bytes `damage` turns into the fixture. */
  | { type: 'damage'; ext: FixtureExt; defaultDurationS: number; source: ArgsFor; damage: (bytes: Buffer) => Buffer }
  /** Not media at all. */
  | { type: 'bytes'; ext: FixtureExt; bytes: () => Buffer };

const DEFAULT_DURATION_S = 2;

const video = (size: string, rate = 30): string[] => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`];
const sine = (frequency = 440): string[] => ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000`];
const x264 = (pixFmt = 'yuv420p'): string[] => ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', pixFmt];
const aac = (bitrate = '96k'): string[] => ['-c:a', 'aac', '-b:a', bitrate];
const seconds = (durationS: number): string[] => ['-t', String(durationS)];
const faststart = ['-movflags', '+faststart'];

/** A plain h264/aac clip: the base of most kinds. */
const avClip =
  (size: string, rate = 30, extra: string[] = []): ArgsFor =>
  (d) => [...video(size, rate), ...sine(), ...seconds(d), ...x264(), ...aac(), ...extra];

const tenBit = (d: number, color: string[]): string[] => [
  ...video('1280x720'),
  ...sine(),
  ...seconds(d),
  ...x264('yuv420p10le'),
  '-profile:v',
  'high10',
  ...color,
  ...aac(),
  ...faststart,
];

/**
 * Like a browser's MediaRecorder: the sources end by themselves (no `-t`, which would hand the muxer a
 * duration to write), and the muxer never seeks back. WebM in live mode has no Duration and no Cues,
 * as MediaRecorder writes it; ffprobe then states no duration at all.
 */
const recordedSources = (d: number): string[] => [
  ...['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=30:duration=${d}`],
  ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${d}`],
];
const liveWebm = ['-c:a', 'libopus', '-b:a', '64k', '-live', '1', '-f', 'webm'];
const realtimeVpx = (codec: string): string[] => ['-c:v', codec, '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k'];
const fragmentedMp4 = ['-movflags', 'frag_keyframe+empty_moov+default_base_moof+skip_trailer'];
/** Frames dropped unevenly after the first second (30 fps, then every third), like a busy tab's capture. */
const droppedFrames = ['-vf', "select='lt(n,30)+not(mod(n,3))'", '-fps_mode', 'vfr'];

/** Deterministic noise (LCG) so a damaged fixture is the same on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** Keeps the header (faststart moov) intact so probing succeeds; overwrites 40–60 % of the data. */
function overwriteMiddle(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const start = Math.floor(out.length * 0.4);
  const end = Math.floor(out.length * 0.6);
  noise(end - start, 0x5eed).copy(out, start);
  return out;
}

/** First 30 % of an mp4 whose moov is at the end: nothing left to describe the samples. */
function keepFirstThird(bytes: Buffer): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * 0.3)));
}

export const FIXTURE_RECIPES: Record<FixtureKind, FixtureRecipe> = {
  'landscape-720p': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('1280x720', 30, faststart) },
  'landscape-1080p': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('1920x1080', 30, faststart) },
  'small-360p': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('640x360', 30, faststart) },
  'tiny-240p': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('426x240', 30, faststart) },
  // 4:2:0 cannot have odd dimensions (testsrc2 and libx264 round them down), so this one is 4:4:4.
  'odd-853x479': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    args: (d) => [...video('854x480'), ...sine(), ...seconds(d), '-vf', 'scale=853:479', ...x264('yuv444p'), ...aac(), ...faststart],
  },
  ultrawide: { type: 'encode', ext: 'mp4', defaultDurationS: 1, args: avClip('2560x1080', 30, faststart) },
  portrait: { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('720x1280', 30, faststart) },
  // ffmpeg 5.1 turns the `rotate` tag into a Display Matrix when stream-copying into mp4.
  'rotated-90': {
    type: 'remux',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    source: avClip('1280x720'),
    remuxArgs: ['-c', 'copy', '-metadata:s:v:0', 'rotate=90', ...faststart],
  },
  fps60: { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: avClip('1280x720', 60, faststart) },
  // 30 fps for the first second, then every third frame (10 fps), timestamps kept as they are.
  vfr: {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    args: (d) => [...video('640x360'), ...sine(), ...seconds(d), '-vf', "select='lt(n,30)+not(mod(n,3))'", '-fps_mode', 'vfr', ...x264(), ...aac(), ...faststart],
  },
  'ten-bit': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: (d) => tenBit(d, []) },
  'hdr-pq': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    args: (d) => tenBit(d, ['-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-color_range', 'tv']),
  },
  'no-audio': { type: 'encode', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, args: (d) => [...video('640x360'), ...seconds(d), ...x264(), ...faststart] },
  'audio-only': { type: 'encode', ext: 'm4a', defaultDurationS: DEFAULT_DURATION_S, args: (d) => [...sine(), ...seconds(d), ...aac(), ...faststart] },
  'surround-5.1': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    args: (d) => [
      ...video('640x360'),
      '-f',
      'lavfi',
      '-i',
      'aevalsrc=exprs=sin(440*2*PI*t)|sin(550*2*PI*t)|sin(660*2*PI*t)|0.1*sin(55*2*PI*t)|sin(330*2*PI*t)|sin(880*2*PI*t):channel_layout=5.1:sample_rate=48000',
      ...seconds(d),
      ...x264(),
      ...aac('192k'),
      ...faststart,
    ],
  },
  'multi-audio': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: DEFAULT_DURATION_S,
    args: (d) => [
      ...video('640x360'),
      ...sine(440),
      ...sine(660),
      ...['-map', '0:v', '-map', '1:a', '-map', '2:a'],
      ...seconds(d),
      ...x264(),
      ...aac(),
      ...['-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=spa'],
      ...faststart,
    ],
  },
  mov: { type: 'encode', ext: 'mov', defaultDurationS: DEFAULT_DURATION_S, args: avClip('640x360', 30, faststart) },
  mkv: { type: 'encode', ext: 'mkv', defaultDurationS: DEFAULT_DURATION_S, args: avClip('640x360') },
  // VP9 is slow to encode: tiny and short, realtime settings.
  webm: {
    type: 'encode',
    ext: 'webm',
    defaultDurationS: 1,
    args: (d) => [...video('320x240'), ...sine(), ...seconds(d), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', '-c:a', 'libopus', '-b:a', '64k'],
  },
  // VP9 + Opus, variable frame rate, no duration or cues: what Chrome's MediaRecorder writes.
  'recording-vp9': {
    type: 'encode',
    ext: 'webm',
    defaultDurationS: 2,
    args: (d) => [...recordedSources(d), ...droppedFrames, ...realtimeVpx('libvpx-vp9'), ...liveWebm],
  },
  // VP8 + Opus, no duration or cues: Firefox's and older Chrome's MediaRecorder default.
  'recording-vp8': { type: 'encode', ext: 'webm', defaultDurationS: 2, args: (d) => [...recordedSources(d), ...realtimeVpx('libvpx'), ...liveWebm] },
  // Fragmented MP4 (H.264 + AAC) as Safari's and Chrome's MediaRecorder write it: an empty moov with
  // no duration, then moof/mdat pairs, and no mfra index at the end.
  'recording-fmp4': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: 2,
    args: (d) => [...recordedSources(d), ...x264(), ...aac(), ...fragmentedMp4],
  },
  // A recording stopped before its first fragment: the streams are described, but there is not one packet.
  'recording-empty': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: 1,
    args: (d) => [...recordedSources(d), '-frames:v', '0', '-frames:a', '0', ...x264(), ...aac(), ...fragmentedMp4],
  },
  corrupt: { type: 'damage', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, source: avClip('640x360', 30, faststart), damage: overwriteMiddle },
  truncated: { type: 'damage', ext: 'mp4', defaultDurationS: DEFAULT_DURATION_S, source: avClip('640x360'), damage: keepFirstThird },
  'zero-byte': { type: 'bytes', ext: 'mp4', bytes: () => Buffer.alloc(0) },
  'png-renamed': {
    type: 'encode',
    ext: 'mp4',
    defaultDurationS: 1,
    // image2pipe writes the raw PNG whatever the file is called.
    args: () => [...video('320x240'), '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe'],
  },
  'text-renamed': { type: 'bytes', ext: 'mp4', bytes: () => Buffer.from('This is a text file, not a video.\n'.repeat(20), 'utf8') },
};
