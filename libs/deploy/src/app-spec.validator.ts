import { parseAppSpec } from './app-spec.parser.js';
import { checkBuilds } from './build.rules.js';
import { checkEnvRequirements } from './env-requirements.rules.js';
import { checkEnvValues } from './env-values.rules.js';
import { checkNames } from './names.rules.js';
import { checkPorts } from './ports.rules.js';
import type { Problem } from './problem.model.js';
import type { RepoView } from './repo-view.port.js';
import { checkScaling } from './scaling.rules.js';
import { createSpecContext } from './spec-context.js';
import { checkTopology } from './topology.rules.js';

/**
 * Checks an App Platform app spec against the platform's rules and against the repository it deploys,
 * offline. Pure: the repository is read only through `repo`.
 */
export function validateAppSpec(specText: string, repo: RepoView): Problem[] {
  const parsed = parseAppSpec(specText);
  if (!parsed.ok) return parsed.problems;
  const ctx = createSpecContext(parsed.spec, repo);
  return [checkNames, checkBuilds, checkPorts, checkEnvValues, checkEnvRequirements, checkScaling, checkTopology].flatMap((rule) => rule(ctx));
}
