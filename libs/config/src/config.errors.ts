import { AppError } from '@reelforge/errors';

/** Raised once at start-up with every bad or missing variable, so an operator fixes them in one pass. */
export class ConfigError extends AppError<'invalid_config'> {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      'invalid_config',
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
  }
}

export interface ConfigProblem {
  variable: string;
  message: string;
}
