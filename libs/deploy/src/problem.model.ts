/** One finding of a deploy check. Only errors fail a run; warnings are advice. */
export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** Component name as written in the spec (`api`, `worker`, `db`), or `app` for top-level fields. */
  readonly component: string;
  /** Field path inside the component, e.g. `dockerfile_path` or `envs.SPACES_BUCKET.scope`. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

type ProblemText = Omit<Problem, 'severity'>;

export function error(problem: ProblemText): Problem {
  return { severity: 'error', ...problem };
}

export function warning(problem: ProblemText): Problem {
  return { severity: 'warning', ...problem };
}

/** `component: field: what is wrong → how to fix` (warnings carry a `warning:` prefix). */
export function formatProblem(problem: Problem): string {
  const line = `${problem.component}: ${problem.field}: ${problem.message} → ${problem.fix}`;
  return problem.severity === 'warning' ? `warning: ${line}` : line;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Errors first, then warnings, then a one-line summary. */
export function formatProblems(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const lines = [...errors, ...warnings].map(formatProblem);
  lines.push(summary(errors.length, warnings.length));
  return lines.join('\n');
}

function summary(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return '✓ no problems';
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return errors === 0 ? `✓ ${counts}` : `✗ ${counts}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
