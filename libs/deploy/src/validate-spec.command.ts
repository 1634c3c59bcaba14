import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { validateAppSpec } from './app-spec.validator.js';
import { createFsRepoView } from './fs-repo-view.adapter.js';
import { formatProblems, hasErrors } from './problem.model.js';

export const DEFAULT_SPEC_PATH = '.do/app.yaml';

export interface CommandResult {
  /** 0: no errors (warnings allowed); 1: the spec has errors; 2: the spec could not be read. */
  readonly exitCode: number;
  readonly output: string;
}

/** `reelforge validate-spec [path]`: reads the spec and the repository from disk, never the network. */
export function runValidateSpec(path: string = DEFAULT_SPEC_PATH, repoRoot: string = process.cwd()): CommandResult {
  const absolute = isAbsolute(path) ? path : resolve(repoRoot, path);
  const fromRoot = relative(repoRoot, absolute);
  const shown = fromRoot === '' || fromRoot.startsWith('..') ? absolute : fromRoot;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { exitCode: 2, output: `${shown}: cannot read the app spec (${reason}) → pass its path: reelforge validate-spec <path>` };
  }
  const problems = validateAppSpec(text, createFsRepoView(repoRoot));
  return { exitCode: hasErrors(problems) ? 1 : 0, output: `${shown}\n${formatProblems(problems)}` };
}
