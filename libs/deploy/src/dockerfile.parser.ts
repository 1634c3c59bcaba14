/**
 * A small, pure Dockerfile reader: just enough to check that an image fits the component that runs
 * it (final-stage EXPOSE / CMD / ENTRYPOINT / USER / HEALTHCHECK) and that every COPY source exists in
 * the build context. Not a full parser: heredocs and variable expansion are not interpreted.
 */

export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface DockerStage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

export interface ContextSource {
  readonly path: string;
  readonly line: number;
}

export interface DockerfileFacts {
  readonly stages: readonly DockerStage[];
  /** Ports EXPOSEd by the final stage (or the stages it is built FROM). */
  readonly expose: readonly number[];
  /** CMD of the final stage; shell form is split on whitespace. */
  readonly command: readonly string[] | undefined;
  readonly entrypoint: readonly string[] | undefined;
  readonly user: string | undefined;
  readonly healthcheck: string | undefined;
  /** Packages `apt-get install`ed by the final stage (or the stages it is built FROM). */
  readonly aptPackages: readonly string[];
  /** COPY/ADD sources taken from the build context (not `--from=` another stage or image). */
  readonly contextSources: readonly ContextSource[];
  /** Names declared with ARG or ENV in any stage. */
  readonly argNames: readonly string[];
  readonly envNames: readonly string[];
}

export function parseDockerfile(text: string): DockerfileFacts {
  const stages = splitStages(logicalLines(text));
  const final = stages.at(-1);
  const inherited = (keyword: string): DockerInstruction | undefined =>
    final === undefined ? undefined : lastInChain(stages, final, keyword);
  const all = stages.flatMap((s) => s.instructions);
  return {
    stages,
    expose: final === undefined ? [] : exposedPorts(stages, final),
    command: optionalCommand(inherited('CMD')),
    entrypoint: optionalCommand(inherited('ENTRYPOINT')),
    user: inherited('USER')?.args.trim(),
    healthcheck: inherited('HEALTHCHECK')?.args.trim(),
    aptPackages: final === undefined ? [] : stageChain(stages, final).flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => aptInstalls(i.args))),
    contextSources: all.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').flatMap(copySources),
    argNames: all.filter((i) => i.keyword === 'ARG').map((i) => (i.args.trim().split(/[=\s]/)[0] ?? '')),
    envNames: all.filter((i) => i.keyword === 'ENV').flatMap((i) => envNames(i.args)),
  };
}

/** Joins `\` continuations, drops comments and blank lines. */
function logicalLines(text: string): DockerInstruction[] {
  const result: DockerInstruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    const continues = trimmed.endsWith('\\');
    pending += (pending === '' ? '' : ' ') + (continues ? trimmed.slice(0, -1).trim() : trimmed);
    if (continues) return;
    const [keyword = '', ...rest] = pending.split(/\s+/);
    result.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine });
    pending = '';
  });
  return result;
}

function splitStages(instructions: DockerInstruction[]): DockerStage[] {
  const stages: { from: string; name: string | undefined; instructions: DockerInstruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const tokens = instruction.args.split(/\s+/).filter((t) => !t.startsWith('--'));
      const asIndex = tokens.findIndex((t) => t.toUpperCase() === 'AS');
      stages.push({ from: tokens[0] ?? '', name: asIndex >= 0 ? tokens[asIndex + 1] : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Follows `FROM <stage>` parents so a final stage inherits CMD/USER/... as Docker does. */
function stageChain(stages: readonly DockerStage[], stage: DockerStage): DockerStage[] {
  const chain: DockerStage[] = [stage];
  let current = stage;
  for (;;) {
    const parent = stages.find((s) => s.name !== undefined && s.name === current.from && !chain.includes(s));
    if (parent === undefined) return chain;
    chain.push(parent);
    current = parent;
  }
}

function lastInChain(stages: readonly DockerStage[], stage: DockerStage, keyword: string): DockerInstruction | undefined {
  for (const s of stageChain(stages, stage)) {
    const found = s.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function exposedPorts(stages: readonly DockerStage[], stage: DockerStage): number[] {
  return stageChain(stages, stage)
    .flatMap((s) => s.instructions.filter((i) => i.keyword === 'EXPOSE'))
    .flatMap((i) => i.args.split(/\s+/))
    .map((token) => Number.parseInt(token.split('/')[0] ?? '', 10))
    .filter((port) => Number.isInteger(port));
}

function optionalCommand(instruction: DockerInstruction | undefined): string[] | undefined {
  return instruction === undefined ? undefined : commandTokens(instruction.args);
}

/** Exec form (`["node", "main.js"]`) or shell form (`node main.js`). */
export function commandTokens(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((t) => typeof t === 'string')) return parsed;
    } catch {
      // Docker itself treats an invalid JSON array as shell form.
    }
  }
  return trimmed.split(/\s+/).filter((t) => t !== '');
}

function copySources(instruction: DockerInstruction): ContextSource[] {
  const tokens = commandTokens(instruction.args);
  if (tokens.some((t) => t.startsWith('--from='))) return [];
  const paths = tokens.filter((t) => !t.startsWith('--'));
  return paths
    .slice(0, -1)
    .filter((path) => !/^[a-z]+:\/\//i.test(path))
    .map((path) => ({ path, line: instruction.line }));
}

function envNames(args: string): string[] {
  const trimmed = args.trim();
  if (!trimmed.includes('=')) return [trimmed.split(/\s+/)[0] ?? ''];
  return [...trimmed.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '');
}

/** Package names from every `apt-get install` / `apt install` in a shell command (options and version pins dropped). */
function aptInstalls(command: string): string[] {
  return command.split(/&&|\|\||;|\|/).flatMap((part) => {
    const tokens = part.trim().split(/\s+/);
    const apt = tokens.findIndex((token) => token === 'apt-get' || token === 'apt');
    const install = apt < 0 ? -1 : tokens.indexOf('install', apt + 1);
    return install < 0 ? [] : tokens.slice(install + 1).filter((token) => !token.startsWith('-')).map((token) => token.split('=')[0] ?? token);
  });
}
