import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AppSpec } from './app-spec.schema.js';
import { appSpecSchema } from './app-spec.schema.js';
import type { Problem } from './problem.model.js';
import { error } from './problem.model.js';

export type ParsedAppSpec = { readonly ok: true; readonly spec: AppSpec } | { readonly ok: false; readonly problems: Problem[] };

/** YAML text → typed spec, or problems that name the YAML line or the spec field at fault. */
export function parseAppSpec(text: string): ParsedAppSpec {
  const document = parseDocument(text);
  const [firstError] = document.errors;
  // Later YAML errors are mostly knock-on effects of the first one: report that one only.
  if (firstError !== undefined) return { ok: false, problems: [yamlProblem(firstError)] };
  const raw: unknown = document.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [error({ component: 'app', field: 'yaml', message: 'the spec is not a YAML mapping', fix: 'start the file with top-level keys such as name:, services:, workers:' })],
    };
  }
  const parsed = appSpecSchema.safeParse(raw);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => shapeProblem(raw, issue)) };
}

interface YamlErrorLike {
  readonly message: string;
  readonly linePos?: readonly { line: number; col: number }[] | undefined;
}

function yamlProblem(yamlError: YamlErrorLike): Problem {
  const position = yamlError.linePos?.[0];
  const firstLine = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const where = position === undefined ? 'YAML syntax' : `line ${position.line}, column ${position.col}`;
  return error({
    component: 'app',
    field: 'yaml',
    message: `${where}: ${firstLine}`,
    fix: position === undefined
      ? 'fix the YAML syntax (indent with spaces; list items start with "- ")'
      : `fix the YAML at line ${position.line} (indent with spaces; list items start with "- ")`,
  });
}

type Path = readonly PropertyKey[];
const COMPONENT_SECTIONS = new Set(['services', 'workers', 'jobs', 'databases', 'static_sites', 'functions']);

function shapeProblem(raw: object, issue: z.core.$ZodIssue): Problem {
  const { component, field } = locate(raw, issue.path);
  if (issue.code === 'invalid_type') {
    const actual = valueAt(raw, issue.path);
    if (actual === undefined) {
      return error({ component, field, message: 'missing', fix: `add ${lastKey(issue.path)}: <${issue.expected}>` });
    }
    return error({ component, field, message: `expected ${issue.expected}, got ${describe(actual)}`, fix: typeFix(issue.expected) });
  }
  return error({ component, field, message: issue.message, fix: 'correct the value (see the App Platform app spec reference)' });
}

/** Turns a zod path into the component it belongs to and a readable field path. */
function locate(raw: object, path: Path): { component: string; field: string } {
  const [section, index, ...rest] = path;
  if (typeof section === 'string' && COMPONENT_SECTIONS.has(section) && typeof index === 'number') {
    const name = (valueAt(raw, [section, index, 'name']) as unknown) ?? `${section}[${index}]`;
    return { component: String(name), field: fieldPath(raw, [section, index], rest) || section };
  }
  return { component: 'app', field: fieldPath(raw, [], path) || 'spec' };
}

/** `envs[2].value` reads better as `envs.SPACES_BUCKET.value`. */
function fieldPath(raw: object, base: Path, rest: Path): string {
  const parts: string[] = [];
  rest.forEach((segment, i) => {
    const previous = rest[i - 1];
    const key = previous === 'envs' ? valueAt(raw, [...base, ...rest.slice(0, i + 1), 'key']) : undefined;
    if (typeof segment === 'number' && typeof key === 'string') {
      parts.push(key);
    } else if (typeof segment === 'number') {
      parts[parts.length - 1] = `${parts.at(-1) ?? ''}[${segment}]`;
    } else {
      parts.push(String(segment));
    }
  });
  return parts.join('.');
}

function valueAt(raw: unknown, path: Path): unknown {
  let current: unknown = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function lastKey(path: Path): string {
  return String(path.at(-1) ?? 'value');
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function typeFix(expected: string): string {
  switch (expected) {
    case 'number':
      return 'write a number without quotes';
    case 'string':
      return 'write a string (quote it if YAML reads it as a number or boolean)';
    case 'boolean':
      return 'write true or false without quotes';
    case 'array':
      return 'make it a YAML list (items start with "- ")';
    case 'object':
      return 'make it a mapping of key: value pairs';
    default:
      return `write a ${expected}`;
  }
}
