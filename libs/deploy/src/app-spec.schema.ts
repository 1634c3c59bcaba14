import { z } from 'zod';

/**
 * Shape of the App Platform app spec fields the validator reads (field names from the App Platform
 * app spec reference). Loose objects: fields we do not check pass through untouched. Enum-like fields
 * (scope, type, kind, engine) stay plain strings so the rules can say which values are valid.
 */

const envVarSchema = z.looseObject({
  key: z.string(),
  // App Platform wants strings; numbers and booleans are accepted here so a rule can say "quote it".
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  scope: z.string().optional(),
  type: z.string().optional(),
});

const repoSourceSchema = z.looseObject({
  repo: z.string().optional(),
  branch: z.string().optional(),
  deploy_on_push: z.boolean().optional(),
});

const gitSourceSchema = z.looseObject({
  repo_clone_url: z.string().optional(),
  branch: z.string().optional(),
});

const imageSourceSchema = z.looseObject({
  registry_type: z.string().optional(),
  registry: z.string().optional(),
  repository: z.string().optional(),
  tag: z.string().optional(),
  digest: z.string().optional(),
});

const healthCheckSchema = z.looseObject({
  http_path: z.string().optional(),
  path: z.string().optional(),
  port: z.number().int().optional(),
});

const componentSchema = z.looseObject({
  name: z.string().optional(),
  github: repoSourceSchema.optional(),
  gitlab: repoSourceSchema.optional(),
  bitbucket: repoSourceSchema.optional(),
  git: gitSourceSchema.optional(),
  image: imageSourceSchema.optional(),
  source_dir: z.string().optional(),
  dockerfile_path: z.string().optional(),
  environment_slug: z.string().optional(),
  build_command: z.string().optional(),
  run_command: z.string().optional(),
  envs: z.array(envVarSchema).optional(),
  instance_count: z.number().int().optional(),
  instance_size_slug: z.string().optional(),
  autoscaling: z
    .looseObject({
      min_instance_count: z.number().int().optional(),
      max_instance_count: z.number().int().optional(),
      metrics: z.looseObject({ cpu: z.looseObject({ percent: z.number().int().optional() }).optional() }).optional(),
    })
    .optional(),
  http_port: z.number().int().optional(),
  internal_ports: z.array(z.number().int()).optional(),
  health_check: healthCheckSchema.optional(),
  liveness_health_check: healthCheckSchema.optional(),
  routes: z.array(z.looseObject({ path: z.string().optional() })).optional(),
  kind: z.string().optional(),
});

const databaseSchema = z.looseObject({
  name: z.string().optional(),
  engine: z.string().optional(),
  version: z.string().optional(),
  production: z.boolean().optional(),
  cluster_name: z.string().optional(),
  db_name: z.string().optional(),
  db_user: z.string().optional(),
});

const namedSchema = z.looseObject({ name: z.string().optional() });

const ingressSchema = z.looseObject({
  rules: z
    .array(z.looseObject({ component: z.looseObject({ name: z.string().optional() }).optional() }))
    .optional(),
});

export const appSpecSchema = z.looseObject({
  name: z.string().optional(),
  region: z.string().optional(),
  envs: z.array(envVarSchema).optional(),
  services: z.array(componentSchema).optional(),
  workers: z.array(componentSchema).optional(),
  jobs: z.array(componentSchema).optional(),
  static_sites: z.array(namedSchema).optional(),
  functions: z.array(namedSchema).optional(),
  databases: z.array(databaseSchema).optional(),
  ingress: ingressSchema.optional(),
});

export type AppSpec = z.infer<typeof appSpecSchema>;
export type ComponentSpec = z.infer<typeof componentSchema>;
export type DatabaseSpec = z.infer<typeof databaseSchema>;
export type EnvVarSpec = z.infer<typeof envVarSchema>;

/** The three component sections that run containers, with their singular kind. */
export const RUNNABLE_SECTIONS = [
  { section: 'services', kind: 'service' },
  { section: 'workers', kind: 'worker' },
  { section: 'jobs', kind: 'job' },
] as const;

export type RunnableKind = (typeof RUNNABLE_SECTIONS)[number]['kind'];

/** A service, worker or job together with where it sits in the spec. */
export interface SpecComponent {
  readonly kind: RunnableKind;
  /** Name used in problem lines: the component's name, or `services[0]` when it has none. */
  readonly label: string;
  readonly spec: ComponentSpec;
}

export function runnableComponents(spec: AppSpec): SpecComponent[] {
  return RUNNABLE_SECTIONS.flatMap(({ section, kind }) =>
    (spec[section] ?? []).map((component, index) => ({
      kind,
      label: component.name ?? `${section}[${index}]`,
      spec: component,
    })),
  );
}
