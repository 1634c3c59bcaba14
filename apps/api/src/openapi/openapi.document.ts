import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { API_OPERATIONS, NAMED_SCHEMAS, type ApiOperation, type OperationResponse } from './api.operations.js';

/** Version of the HTTP contract described here (not of the implementation). */
export const API_CONTRACT_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  jsonSchemaDialect: string;
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** `/api/media/transcode/:fileId` → `/api/media/transcode/{fileId}` (Express 5 wildcards `*name` too). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/[:*](\w+)/g, '{$1}');
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * The API itself, at the origin that serves this document. Relative, so it is right behind any
 * proxy or host name; a client generator reading the document from GET /openapi.json resolves it
 * against that URL. Not PUBLIC_BASE_URL: that is where the HLS output is read (a CDN or bucket
 * with S3 storage). `/`, not `/api`: the paths below already start at the origin.
 */
export const API_SERVERS: OpenApiDocument['servers'] = [{ url: '/', description: 'The origin serving this document (GET /openapi.json)' }];

/**
 * What the HTTP server answers before any route sees the request (clientErrorHandler), whatever the
 * operation: 400 invalid_http, 408 request_timeout (headers too slow), 431 header_fields_too_large.
 */
export const SERVER_PROBLEMS: readonly number[] = [400, 408, 431];

/**
 * Builds the OpenAPI 3.1 document from the zod schemas that validate requests (z.toJSONSchema emits
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1), so the document cannot disagree with validation.
 */
export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) {
    registry.add(schema, { id });
    idOf.set(schema, id);
  }
  // Request schemas are described as clients send them: fields with defaults are optional.
  const named = z.toJSONSchema(registry, { io: 'input', uri: (id) => ref(id).$ref }).schemas;
  const schemas = Object.fromEntries(Object.entries(named).map(([id, schema]) => [id, withoutSchemaKeywords(schema as JsonSchema)]));
  const schemaOf = (schema: z.ZodType | JsonSchema): JsonSchema => {
    if (!(schema instanceof z.ZodType)) return schema;
    const id = idOf.get(schema);
    return id ? ref(id) : withoutSchemaKeywords(z.toJSONSchema(schema, { io: 'input' }) as JsonSchema);
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const op of operations) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(op.responses)) responses[status] = responseObject(response, schemaOf);
    const problems = new Set([...SERVER_PROBLEMS, ...(op.security === 'bearer' || op.security === 'streamToken' ? [401] : []), ...(op.problems ?? [])]);
    // A status the operation documents with its own body (the watch page's HTML 404) keeps it.
    for (const status of [...problems].sort((a, b) => a - b)) responses[String(status)] ??= problemResponse(STATUS_CODES[status] ?? 'Error');
    responses.default = problemResponse('Unexpected error');
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: SECURITY[op.security],
      ...(op.parameters?.length
        ? { parameters: op.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, description: p.description, schema: schemaOf(p.schema) })) }
        : {}),
      ...(op.requestBody ? { requestBody: { required: true, content: { [op.requestBody.contentType]: { schema: schemaOf(op.requestBody.schema) } } } } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelforge',
      version: API_CONTRACT_VERSION,
      description: 'Upload a video, get adaptive HLS back, follow it live. Errors are application/problem+json with a stable `code`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: API_SERVERS,
    tags: [
      { name: 'media', description: 'Upload, transcode, status and live progress' },
      { name: 'jobs', description: 'Listing, cancel and retry' },
      { name: 'webhooks', description: 'Delivery log and redelivery' },
      { name: 'player', description: 'The public watch page and its assets' },
      { name: 'operations', description: 'Health, metrics and this document' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            "An API key (reelforge keys create): sees and acts on its owner's files and jobs only, anything else is 404. Or a token from API_TOKENS: an administrator, over every owner's rows.",
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set' },
        streamToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'A stream token from POST /api/events/stream-tokens: valid for 60 s, used up by the first request, scoped to the caller that asked for it.',
        },
      },
    },
  };
}

const SECURITY: Record<ApiOperation['security'], JsonSchema[]> = {
  bearer: [{ bearerAuth: [] }],
  // Open (no METRICS_TOKEN outside production) or the metrics token.
  metrics: [{}, { metricsToken: [] }],
  streamToken: [{ streamToken: [] }],
  none: [],
};

function responseObject(response: OperationResponse, schemaOf: (s: NonNullable<OperationResponse['schema']>) => JsonSchema): JsonSchema {
  if (!response.schema) return { description: response.description };
  const schema = schemaOf(response.schema);
  const events = response.events ? { $defs: Object.fromEntries(Object.entries(response.events).map(([name, data]) => [name, schemaOf(data)])) } : {};
  return { description: response.description, content: { [response.contentType ?? 'application/json']: { schema: { ...schema, ...events } } } };
}

function problemResponse(description: string): JsonSchema {
  return { description, content: { 'application/problem+json': { schema: ref('Problem') } } };
}

/** Component schemas live inside the document: their own $schema and $id would only mislead resolvers. */
function withoutSchemaKeywords(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
