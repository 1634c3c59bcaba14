import type { ConfigProblem } from './config.errors.js';

type RawEnv = Record<string, string | undefined>;

/** `.env.example` ships every secret as `change-me…`; a copy that reaches production unedited is refused. */
const PLACEHOLDER = /^change-me/i;

/** Credentials read from the environment: none may still be a placeholder in production. */
export const SECRET_VARIABLES = ['SPACES_ACCESS_KEY', 'SPACES_SECRET_KEY', 'API_TOKENS', 'BULL_BOARD_PASSWORD', 'WEBHOOK_SECRET', 'METRICS_TOKEN'] as const;
/** Connection URLs whose password is a secret too (compose builds DATABASE_URL from POSTGRES_PASSWORD). */
const URLS_WITH_PASSWORDS = ['DATABASE_URL', 'REDIS_URL'] as const;

/**
 * Shared secrets someone could guess at over the network (bearer tokens, the Bull Board password,
 * HMAC keys). 32 characters in production: `openssl rand -hex 16` or more, out of reach of guessing.
 * Outside production only the HMAC key and the metrics token keep the 16 they always needed.
 */
export const MIN_SECRET_LENGTH = {
  production: { API_TOKENS: 32, BULL_BOARD_PASSWORD: 32, WEBHOOK_SECRET: 32, METRICS_TOKEN: 32 },
  other: { WEBHOOK_SECRET: 16, METRICS_TOKEN: 16 },
} as const satisfies Record<string, Partial<Record<(typeof SECRET_VARIABLES)[number], number>>>;

const GENERATE = 'generate one with `openssl rand -hex 32`';

/** Comma-separated values as API_TOKENS is read: trimmed, empty entries dropped. */
export function listItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Placeholders and short secrets, one problem per variable, never quoting a value. Reads the raw
 * strings so these are reported together with every other bad variable.
 */
export function secretProblems(raw: RawEnv): ConfigProblem[] {
  const production = raw.NODE_ENV === 'production';
  const minimums: Partial<Record<string, number>> = production ? MIN_SECRET_LENGTH.production : MIN_SECRET_LENGTH.other;
  const problems: ConfigProblem[] = [];
  for (const variable of SECRET_VARIABLES) {
    const value = raw[variable];
    if (value === undefined) continue;
    const message = valuesProblem(variable === 'API_TOKENS' ? listItems(value) : [value], production, minimums[variable]);
    if (message !== undefined) problems.push({ variable, message });
  }
  if (production) {
    for (const variable of URLS_WITH_PASSWORDS) {
      if (PLACEHOLDER.test(passwordOf(raw[variable]))) {
        problems.push({ variable, message: `its password is still the "change-me" placeholder: ${GENERATE} (letters and digits only)` });
      }
    }
  }
  return problems;
}

function valuesProblem(values: readonly string[], production: boolean, minLength: number | undefined): string | undefined {
  const which = (index: number) => (values.length === 1 ? '' : `entry ${index + 1} of ${values.length} `);
  const placeholder = production ? values.findIndex((v) => PLACEHOLDER.test(v)) : -1;
  if (placeholder >= 0) return `${which(placeholder)}is still the "change-me" placeholder: ${GENERATE}`;
  const short = minLength === undefined ? -1 : values.findIndex((v) => v.length < minLength);
  if (short < 0) return undefined;
  return production
    ? `${which(short)}has fewer than ${minLength} characters, the minimum in production: ${GENERATE}`
    : `${which(short)}has fewer than ${minLength} characters: use at least ${minLength}`;
}

function passwordOf(url: string | undefined): string {
  try {
    return decodeURIComponent(new URL(url ?? '').password);
  } catch {
    return '';
  }
}
