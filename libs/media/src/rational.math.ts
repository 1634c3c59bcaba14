import type { Rational } from './media-info.schema.js';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function reduceRational(num: number, den: number): Rational {
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

/** "29.97" → 2997/100, exactly (no floating-point scaling). */
function decimalToRational(text: string): Rational | null {
  const [whole = '', fraction = ''] = text.split('.');
  const num = Number(whole + fraction);
  const den = 10 ** fraction.length;
  return num > 0 ? reduceRational(num, den) : null;
}

/** Parses ffprobe's "30000/1001", "4:3" or a plain number; null for "0/0", "N/A" and anything non-positive. */
export function parseRational(value: string | number | null | undefined): Rational | null {
  if (value === null || value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:[/:]\s*(\d+(?:\.\d+)?))?\s*$/.exec(String(value));
  if (!match?.[1]) return null;
  const num = decimalToRational(match[1]);
  const den = match[2] === undefined ? { num: 1, den: 1 } : decimalToRational(match[2]);
  if (!num || !den) return null;
  return reduceRational(num.num * den.den, num.den * den.num);
}

export function rationalToNumber(rational: Rational): number {
  return rational.num / rational.den;
}

/** ffmpeg's rational syntax: "30" or "30000/1001". */
export function formatRational(rational: Rational): string {
  return rational.den === 1 ? String(rational.num) : `${rational.num}/${rational.den}`;
}

export function divideRational(rational: Rational, divisor: number): Rational {
  return reduceRational(rational.num, rational.den * divisor);
}
