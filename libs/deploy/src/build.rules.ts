import { REPO_PATTERN, SOURCE_FIELDS } from './app-spec.reference.js';
import type { SpecComponent } from './app-spec.schema.js';
import type { ComponentRole } from './component-requirements.table.js';
import { COMPONENT_ROLES, MEDIA_TOOL_PACKAGES, requirementOf } from './component-requirements.table.js';
import type { Problem } from './problem.model.js';
import { error, warning } from './problem.model.js';
import { joinRepoPath } from './repo-view.port.js';
import { isPlaceholder } from './secret-value.detector.js';
import type { ComponentBuild, SpecContext } from './spec-context.js';
import { inBuildContext } from './spec-context.js';

const ROOT_CONTEXT_FIX = 'set source_dir: / (the Dockerfiles build from the monorepo root)';
const EXPECTED_ROLE: Record<SpecComponent['kind'], ComponentRole> = { service: 'api', worker: 'worker', job: 'migrate' };

/** Source, build context and Dockerfile of every service, worker and job. */
export function checkBuilds(ctx: SpecContext): Problem[] {
  return ctx.components.flatMap((component) => [...checkSource(component), ...checkDockerBuild(ctx, component)]);
}

function checkSource(component: SpecComponent): Problem[] {
  const { label, spec } = component;
  const sources = SOURCE_FIELDS.filter((field) => spec[field] !== undefined);
  if (sources.length === 0) {
    return [
      error({
        component: label,
        field: 'source',
        message: 'no source',
        fix: `add github: { repo: <owner>/reelforge, branch: main } (exactly one of ${SOURCE_FIELDS.join(', ')})`,
      }),
    ];
  }
  if (sources.length > 1) {
    return [error({ component: label, field: sources.join(', '), message: `${sources.length} sources`, fix: `keep exactly one of ${SOURCE_FIELDS.join(', ')}` })];
  }
  const problems: Problem[] = [];
  for (const field of ['github', 'gitlab', 'bitbucket'] as const) {
    const source = spec[field];
    if (source === undefined) continue;
    if (source.repo === undefined || !REPO_PATTERN.test(source.repo)) {
      problems.push(
        error({ component: label, field: `${field}.repo`, message: source.repo === undefined ? 'missing' : `"${source.repo}" is not owner/repo`, fix: `set repo: <owner>/reelforge` }),
      );
    }
    if (source.repo !== undefined && isPlaceholder(source.repo)) {
      problems.push(warning({ component: label, field: `${field}.repo`, message: `placeholder "${source.repo}" not replaced`, fix: 'set repo to your fork, e.g. <owner>/reelforge' }));
    }
    if (source.branch === undefined) {
      problems.push(warning({ component: label, field: `${field}.branch`, message: 'not set', fix: 'set branch: main (the branch App Platform deploys)' }));
    }
  }
  if (spec.git !== undefined && spec.git.repo_clone_url === undefined) {
    problems.push(error({ component: label, field: 'git.repo_clone_url', message: 'missing', fix: 'set repo_clone_url to the https clone URL of your fork' }));
  }
  return problems;
}

function checkDockerBuild(ctx: SpecContext, component: SpecComponent): Problem[] {
  const { label, spec, kind } = component;
  const expected = requirementOf(EXPECTED_ROLE[kind]);
  if (spec.image !== undefined) {
    return spec.dockerfile_path === undefined
      ? []
      : [warning({ component: label, field: 'dockerfile_path', message: 'ignored: the component deploys a prebuilt image', fix: 'remove dockerfile_path or build from the repository instead of image' })];
  }
  if (spec.dockerfile_path === undefined) {
    if (spec.environment_slug !== undefined) return [];
    return [
      error({
        component: label,
        field: 'dockerfile_path',
        message: 'missing, so App Platform would look for a plain Dockerfile or fall back to a buildpack',
        fix: `set dockerfile_path: ${expected.dockerfile}`,
      }),
    ];
  }
  const build = ctx.build(component);
  if (build === undefined) return [];
  const contextProblems = checkSourceDir(ctx, component, build);
  if (build.dockerfile === undefined) return [...contextProblems, missingDockerfile(ctx, component, build, expected.dockerfile)];
  return [
    ...contextProblems,
    ...(contextProblems.length === 0 ? checkContextCopies(ctx, component, build) : []),
    ...checkRoleFits(ctx, component, build),
    ...checkImageUser(component, build),
    ...checkMediaTools(ctx, component, build),
  ];
}

function checkSourceDir({ repo }: SpecContext, { label, spec }: SpecComponent, build: ComponentBuild): Problem[] {
  const written = spec.source_dir ?? '/';
  if (build.sourceDir === undefined) {
    return [error({ component: label, field: 'source_dir', message: `"${written}" points outside the repository`, fix: ROOT_CONTEXT_FIX })];
  }
  if (build.sourceDir !== '' && !repo.fileExists(build.sourceDir)) {
    return [error({ component: label, field: 'source_dir', message: `"${written}" does not exist in the repository`, fix: ROOT_CONTEXT_FIX })];
  }
  return [];
}

function missingDockerfile({ repo }: SpecContext, { label, spec }: SpecComponent, build: ComponentBuild, expected: string): Problem {
  const written = spec.dockerfile_path ?? '';
  const underSourceDir = build.sourceDir === undefined ? undefined : joinRepoPath(build.sourceDir, written);
  if (underSourceDir !== undefined && underSourceDir !== build.dockerfilePath && repo.fileExists(underSourceDir)) {
    return error({
      component: label,
      field: 'dockerfile_path',
      message: `"${written}" does not exist at the repository root (dockerfile_path is relative to the repository root, not to source_dir)`,
      fix: `set dockerfile_path: ${underSourceDir}`,
    });
  }
  return error({
    component: label,
    field: 'dockerfile_path',
    message: `"${written}" does not exist in the repository (dockerfile_path is relative to the repository root)`,
    fix: `set dockerfile_path: ${expected}`,
  });
}

/** The build context is source_dir: every COPY source must be inside it, or the build fails. */
function checkContextCopies({ repo }: SpecContext, { label }: SpecComponent, build: ComponentBuild): Problem[] {
  for (const source of build.dockerfile?.contextSources ?? []) {
    // For a glob such as libs/*/package.json, check the directory before the first wildcard.
    const segments = source.path.split('/');
    const firstGlob = segments.findIndex((segment) => /[*?[]/.test(segment));
    const fixedPart = (firstGlob < 0 ? segments : segments.slice(0, firstGlob)).join('/');
    const inContext = inBuildContext(build, fixedPart);
    if (inContext !== undefined && (inContext === '' || repo.fileExists(inContext))) continue;
    const contextName = build.sourceDir === '' ? '/' : build.sourceDir;
    return [
      error({
        component: label,
        field: 'source_dir',
        message: `${build.dockerfilePath} copies "${source.path}" (line ${source.line}), which is not in the build context "${contextName}"`,
        fix: build.sourceDir === '' ? `add "${source.path}" to the repository or fix line ${source.line} of ${build.dockerfilePath}` : ROOT_CONTEXT_FIX,
      }),
    ];
  }
  return [];
}

function checkRoleFits(ctx: SpecContext, component: SpecComponent, build: ComponentBuild): Problem[] {
  const { label, kind, spec } = component;
  const guess = ctx.role(component);
  const field = spec.run_command !== undefined ? 'run_command' : 'dockerfile_path';
  const runs = guess.command === undefined ? `${build.dockerfilePath} has no CMD` : `"${guess.command.join(' ')}"`;
  if (!guess.detected) {
    return [
      warning({
        component: label,
        field,
        message: `cannot tell which Reelforge process ${runs} starts`,
        fix: `run one of: ${COMPONENT_ROLES.map((role) => requirementOf(role).command.join(' ')).join(' | ')}`,
      }),
    ];
  }
  if (requirementOf(guess.role).specKind === kind) return [];
  const expected = requirementOf(EXPECTED_ROLE[kind]);
  const fix =
    kind === 'job'
      ? `set run_command: ${expected.command.join(' ')}`
      : `set dockerfile_path: ${expected.dockerfile}${spec.run_command !== undefined ? ' and remove run_command' : ''}`;
  return [
    error({
      component: label,
      field,
      message: `runs ${runs} (the ${guess.role}), which does not belong under ${kind}s`,
      fix,
    }),
  ];
}

function checkImageUser({ label }: SpecComponent, build: ComponentBuild): Problem[] {
  const user = build.dockerfile?.user;
  if (user !== undefined && user !== 'root' && user !== '0') return [];
  return [warning({ component: label, field: 'dockerfile_path', message: `${build.dockerfilePath} runs as root`, fix: 'add USER node to the final stage' })];
}

/** The image must carry what its process spawns: the API sniffs uploads with ffprobe, the worker runs ffmpeg. */
function checkMediaTools(ctx: SpecContext, component: SpecComponent, build: ComponentBuild): Problem[] {
  const { role } = ctx.role(component);
  const media = requirementOf(role).mediaTools;
  if (media === null) return [];
  const installed = new Set(build.dockerfile?.aptPackages ?? []);
  const missing = [...new Set(media.tools.map((tool) => MEDIA_TOOL_PACKAGES[tool]))].filter((pkg) => !installed.has(pkg));
  return missing.map((pkg) =>
    error({
      component: component.label,
      field: 'dockerfile_path',
      message: `${build.dockerfilePath} does not install ${pkg}, but the ${role} ${media.why}`,
      fix: `add ${pkg} to the apt-get install line of the final stage of ${build.dockerfilePath} (Debian's ${pkg} package carries ${media.tools.join(' and ')})`,
    }),
  );
}
