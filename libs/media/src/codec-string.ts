import { UnsupportedInputError } from './media.errors.js';

interface LevelLimits {
  name: string;
  idc: number;
  /** Macroblocks per second, macroblocks per frame, max bitrate and CPB size (kbit, baseline units). */
  maxMbps: number;
  maxFs: number;
  maxBrKbps: number;
  maxCpbKbits: number;
}

/** ITU-T H.264 Table A-1 (level 1b omitted: never the lowest that fits for High profile). */
const H264_LEVELS: readonly LevelLimits[] = [
  { name: '1.0', idc: 10, maxMbps: 1_485, maxFs: 99, maxBrKbps: 64, maxCpbKbits: 175 },
  { name: '1.1', idc: 11, maxMbps: 3_000, maxFs: 396, maxBrKbps: 192, maxCpbKbits: 500 },
  { name: '1.2', idc: 12, maxMbps: 6_000, maxFs: 396, maxBrKbps: 384, maxCpbKbits: 1_000 },
  { name: '1.3', idc: 13, maxMbps: 11_880, maxFs: 396, maxBrKbps: 768, maxCpbKbits: 2_000 },
  { name: '2.0', idc: 20, maxMbps: 11_880, maxFs: 396, maxBrKbps: 2_000, maxCpbKbits: 2_000 },
  { name: '2.1', idc: 21, maxMbps: 19_800, maxFs: 792, maxBrKbps: 4_000, maxCpbKbits: 4_000 },
  { name: '2.2', idc: 22, maxMbps: 20_250, maxFs: 1_620, maxBrKbps: 4_000, maxCpbKbits: 4_000 },
  { name: '3.0', idc: 30, maxMbps: 40_500, maxFs: 1_620, maxBrKbps: 10_000, maxCpbKbits: 10_000 },
  { name: '3.1', idc: 31, maxMbps: 108_000, maxFs: 3_600, maxBrKbps: 14_000, maxCpbKbits: 14_000 },
  { name: '3.2', idc: 32, maxMbps: 216_000, maxFs: 5_120, maxBrKbps: 20_000, maxCpbKbits: 20_000 },
  { name: '4.0', idc: 40, maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 20_000, maxCpbKbits: 25_000 },
  { name: '4.1', idc: 41, maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 50_000, maxCpbKbits: 62_500 },
  { name: '4.2', idc: 42, maxMbps: 522_240, maxFs: 8_704, maxBrKbps: 50_000, maxCpbKbits: 62_500 },
  { name: '5.0', idc: 50, maxMbps: 589_824, maxFs: 22_080, maxBrKbps: 135_000, maxCpbKbits: 135_000 },
  { name: '5.1', idc: 51, maxMbps: 983_040, maxFs: 36_864, maxBrKbps: 240_000, maxCpbKbits: 240_000 },
  { name: '5.2', idc: 52, maxMbps: 2_073_600, maxFs: 36_864, maxBrKbps: 240_000, maxCpbKbits: 240_000 },
  { name: '6.0', idc: 60, maxMbps: 4_177_920, maxFs: 139_264, maxBrKbps: 240_000, maxCpbKbits: 240_000 },
  { name: '6.1', idc: 61, maxMbps: 8_355_840, maxFs: 139_264, maxBrKbps: 480_000, maxCpbKbits: 480_000 },
  { name: '6.2', idc: 62, maxMbps: 16_711_680, maxFs: 139_264, maxBrKbps: 800_000, maxCpbKbits: 800_000 },
];

/** High profile may use 1.25× the baseline bitrate and CPB limits (Table A-2, cpbBrVclFactor 1250). */
const HIGH_PROFILE_BITRATE_FACTOR = 1.25;
const HIGH_PROFILE_IDC = 100;

export interface H264Level {
  name: string;
  idc: number;
}

export interface LevelInput {
  width: number;
  height: number;
  fps: number;
  maxrateKbps: number;
  bufsizeKbps: number;
}

/** The lowest H.264 level whose frame size, macroblock rate, bitrate and buffer limits all fit. */
export function pickH264Level(input: LevelInput): H264Level {
  const widthMbs = Math.ceil(input.width / 16);
  const heightMbs = Math.ceil(input.height / 16);
  const frameMbs = widthMbs * heightMbs;
  const level = H264_LEVELS.find((limits) => {
    const maxSideMbs = Math.sqrt(limits.maxFs * 8);
    return (
      frameMbs <= limits.maxFs &&
      widthMbs <= maxSideMbs &&
      heightMbs <= maxSideMbs &&
      frameMbs * input.fps <= limits.maxMbps &&
      input.maxrateKbps <= limits.maxBrKbps * HIGH_PROFILE_BITRATE_FACTOR &&
      input.bufsizeKbps <= limits.maxCpbKbits * HIGH_PROFILE_BITRATE_FACTOR
    );
  });
  if (!level) {
    throw new UnsupportedInputError(`${input.width}x${input.height} at ${input.fps} fps exceeds every H.264 level`);
  }
  return { name: level.name, idc: level.idc };
}

/** RFC 6381 "avc1.PPCCLL": profile_idc, constraint flags (none for High), level_idc, in hex. */
export function avc1HighCodecString(level: H264Level): string {
  const hex = (value: number): string => value.toString(16).padStart(2, '0');
  return `avc1.${hex(HIGH_PROFILE_IDC)}00${hex(level.idc)}`;
}

/** AAC-LC, what ffmpeg's native aac encoder produces by default. */
export const AAC_LC_CODEC_STRING = 'mp4a.40.2';
