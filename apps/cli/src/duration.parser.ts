const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Pure: `90s`, `15m`, `24h`, `7d` or `0` to milliseconds; undefined for anything else. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
