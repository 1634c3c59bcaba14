/** Rung heights the page offers, tallest first (the seed's upload form offered the same ladder). */
export const RUNG_HEIGHTS = [2160, 1440, 1080, 720, 480, 360, 240] as const;

/** Heights checked when the user picks none: the usual web ladder, as far as the source reaches. */
const DEFAULT_HEIGHTS = [1080, 720, 480, 360];

/**
 * The rungs a source of `sourceHeight` pixels can feed: none taller than the source (upscaling wastes
 * bits). A source smaller than every rung gets its own height as the one rung. Unknown height (the
 * browser could not read the file): every rung, and the server's planner drops the ones too tall.
 */
export function rungChoices(sourceHeight: number | null): { height: number; checked: boolean }[] {
  if (sourceHeight === null || !Number.isFinite(sourceHeight) || sourceHeight <= 0) {
    return RUNG_HEIGHTS.map((height) => ({ height, checked: DEFAULT_HEIGHTS.includes(height) }));
  }
  const fitting = RUNG_HEIGHTS.filter((height) => height <= sourceHeight);
  if (fitting.length === 0) return [{ height: Math.max(2, Math.floor(sourceHeight / 2) * 2), checked: true }];
  const defaults = fitting.filter((height) => DEFAULT_HEIGHTS.includes(height));
  const checked = new Set(defaults.length > 0 ? defaults : fitting.slice(0, 1));
  return fitting.map((height) => ({ height, checked: checked.has(height) }));
}

/** What the form holds, as typed: empty fields mean "the installation's default". */
export interface TranscodeForm {
  heights: number[];
  segmentSeconds: string;
  priority: string;
  webhookUrl: string;
}

export interface TranscodeBody {
  fileId: string;
  ladder?: { rungs?: { height: number }[]; segmentSeconds?: number };
  priority?: number;
  webhookUrl?: string;
}

/** The body of POST /api/media/transcode: only what the user set, so the server fills in its defaults. Pure. */
export function transcodeRequestBody(fileId: string, form: TranscodeForm): TranscodeBody {
  const body: TranscodeBody = { fileId };
  const ladder: NonNullable<TranscodeBody['ladder']> = {};
  const heights = [...new Set(form.heights)].sort((a, b) => b - a);
  if (heights.length > 0) ladder.rungs = heights.map((height) => ({ height }));
  const segment = form.segmentSeconds.trim();
  if (segment !== '') ladder.segmentSeconds = Number(segment);
  if (Object.keys(ladder).length > 0) body.ladder = ladder;
  const priority = form.priority.trim();
  if (priority !== '') body.priority = Number(priority);
  const webhook = form.webhookUrl.trim();
  if (webhook !== '') body.webhookUrl = webhook;
  return body;
}
