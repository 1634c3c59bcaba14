import type { AppSpec, DatabaseSpec, EnvVarSpec, SpecComponent } from './app-spec.schema.js';
import { runnableComponents } from './app-spec.schema.js';
import type { ComponentRole } from './component-requirements.table.js';
import { COMPONENT_ROLES, requirementOf } from './component-requirements.table.js';
import type { DockerfileFacts } from './dockerfile.parser.js';
import { commandTokens, parseDockerfile } from './dockerfile.parser.js';
import type { RepoView } from './repo-view.port.js';
import { joinRepoPath, normalizeRepoPath } from './repo-view.port.js';

/** What every rule needs to know about the spec and the repository, computed once per run. */
export interface SpecContext {
  readonly spec: AppSpec;
  readonly repo: RepoView;
  readonly components: readonly SpecComponent[];
  readonly databases: ReadonlyMap<string, DatabaseSpec>;
  /** Names a `${name.VAR}` binding may refer to. */
  readonly componentNames: ReadonlySet<string>;
  /** Build facts for a component built from a Dockerfile in this repo (undefined otherwise). */
  build(component: SpecComponent): ComponentBuild | undefined;
  /** Which Reelforge process the component runs. */
  role(component: SpecComponent): RoleGuess;
  /** Component envs over app-level envs, by key (component wins, as on App Platform). */
  envs(component: SpecComponent): ReadonlyMap<string, EnvVarSpec>;
}

export interface ComponentBuild {
  /** Repo-relative build context ('' for the root); undefined when source_dir climbs out of the repo. */
  readonly sourceDir: string | undefined;
  /** Repo-relative Dockerfile path as resolved by App Platform (from the repository root). */
  readonly dockerfilePath: string;
  readonly dockerfile: DockerfileFacts | undefined;
}

export interface RoleGuess {
  readonly role: ComponentRole;
  /** True when read from run_command or the Dockerfile's CMD; false when assumed from the section. */
  readonly detected: boolean;
  /** The command the role was read from, for messages. */
  readonly command: readonly string[] | undefined;
}

const ROLE_BY_KIND: Record<SpecComponent['kind'], ComponentRole> = { service: 'api', worker: 'worker', job: 'migrate' };

export function createSpecContext(spec: AppSpec, repo: RepoView): SpecContext {
  const components = runnableComponents(spec);
  const databases = new Map((spec.databases ?? []).flatMap((db) => (db.name === undefined ? [] : [[db.name, db] as const])));
  const componentNames = new Set([
    ...components.map((c) => c.spec.name).filter((n): n is string => n !== undefined),
    ...[...(spec.static_sites ?? []), ...(spec.functions ?? [])].map((c) => c.name).filter((n): n is string => n !== undefined),
  ]);
  const dockerfiles = new Map<string, DockerfileFacts | undefined>();
  const readDockerfile = (path: string): DockerfileFacts | undefined => {
    if (!dockerfiles.has(path)) {
      const text = repo.readFile(path);
      dockerfiles.set(path, text === undefined ? undefined : parseDockerfile(text));
    }
    return dockerfiles.get(path);
  };

  const build = (component: SpecComponent): ComponentBuild | undefined => {
    const { dockerfile_path: dockerfilePath, source_dir: sourceDir, image } = component.spec;
    if (image !== undefined || dockerfilePath === undefined) return undefined;
    const resolved = normalizeRepoPath(dockerfilePath) ?? dockerfilePath;
    return { sourceDir: normalizeRepoPath(sourceDir ?? '/'), dockerfilePath: resolved, dockerfile: readDockerfile(resolved) };
  };

  const role = (component: SpecComponent): RoleGuess => {
    const runCommand = component.spec.run_command;
    const command = runCommand !== undefined ? commandTokens(runCommand) : build(component)?.dockerfile?.command;
    const detected = command === undefined ? undefined : roleOfCommand(command);
    return detected !== undefined
      ? { role: detected, detected: true, command }
      : { role: ROLE_BY_KIND[component.kind], detected: false, command };
  };

  const envs = (component: SpecComponent): ReadonlyMap<string, EnvVarSpec> =>
    new Map([...(spec.envs ?? []), ...(component.spec.envs ?? [])].map((env) => [env.key, env]));

  return { spec, repo, components, databases, componentNames, build, role, envs };
}

/** Matches `node apps/api/dist/main.js` style commands (also `/app/apps/...`, extra flags). */
export function roleOfCommand(command: readonly string[]): ComponentRole | undefined {
  const matches = (role: ComponentRole): boolean => {
    const [, script, ...args] = requirementOf(role).command;
    const scriptAt = command.findIndex((token) => script !== undefined && (token === script || token.endsWith(`/${script}`)));
    return scriptAt >= 0 && args.every((arg) => command.slice(scriptAt + 1).includes(arg));
  };
  return COMPONENT_ROLES.find(matches);
}

/** Repo path of `relPath` inside the component's build context. */
export function inBuildContext(build: ComponentBuild, relPath: string): string | undefined {
  return build.sourceDir === undefined ? undefined : joinRepoPath(build.sourceDir, relPath);
}
