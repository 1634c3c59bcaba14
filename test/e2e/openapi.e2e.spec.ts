import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { TranscodeRequestSchema } from '../../apps/api/src/media/transcode.request.js';
import { openApiPath, type OpenApiDocument } from '../../apps/api/src/openapi/openapi.document.js';
import { HealthSchema, ProblemSchema } from '../../apps/api/src/openapi/response.schemas.js';
import { auth } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/** Operator UI, not part of the HTTP API. */
const UNDOCUMENTED_PREFIXES = ['/admin/queues'];

/** Every (method, path) Express routes, walking mounted routers; `all` routes are the 405 answers. */
function registeredRoutes(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${prefix}${String(layer.route!.path)}`);
    }
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack, `${prefix}${mount}`) : [];
  });
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

describe('GET /openapi.json', () => {
  let stack: TestStack;
  let document: OpenApiDocument;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('when fetched, then it is an OpenAPI 3.1 document whose references all resolve', () => {
    expect(document).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'Reelforge', version: expect.any(String) },
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      // Relative: the API is the origin that served this document, whatever host or proxy is in front.
      servers: [{ url: '/', description: expect.any(String) }],
      paths: expect.any(Object),
      components: { schemas: expect.any(Object), securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    });
    for (const ref of refsIn(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty([ref.split('/').at(-1)!]);
    }
    const operationIds = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const operation of Object.values(operations) as { operationId: string; parameters?: { name: string; in: string }[]; responses: object; security: object[] }[]) {
        expect(operationIds.has(operation.operationId)).toBe(false);
        operationIds.add(operation.operationId);
        expect(operation.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? []).toEqual(pathParams);
        expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
        expect(operation.responses).toHaveProperty('default.content.application/problem+json');
        for (const requirement of operation.security) for (const scheme of Object.keys(requirement)) expect(document.components.securitySchemes).toHaveProperty([scheme]);
      }
    }
  });

  it('when compared with the Express router, then every route is documented and every documented operation exists', () => {
    const routes = registeredRoutes((stack.api.app as unknown as { router: { stack: RouterLayer[] } }).router.stack).filter(
      (route) => !UNDOCUMENTED_PREFIXES.some((prefix) => route.split(' ')[1]!.startsWith(prefix)),
    );
    const routed = new Set(routes.map((route) => openApiPath(route)));
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)),
    );
    expect(routed.size).toBeGreaterThan(5);
    expect([...routed].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((operation) => !routed.has(operation))).toEqual([]);
  });

  it('when a request schema is documented, then it is the zod schema the route validates with', () => {
    const { $schema: _ignored, ...expected } = z.toJSONSchema(TranscodeRequestSchema, { io: 'input' }) as Record<string, unknown>;
    expect(document.components.schemas.TranscodeRequest).toEqual(expected);
    expect(document.paths['/api/media/transcode']?.post).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/TranscodeRequest' } } } },
      responses: { '202': expect.any(Object), '401': expect.any(Object), '422': expect.any(Object) },
    });
    expect(document.paths['/api/media/transcode/{fileId}/events']?.get).toHaveProperty(['responses', '200', 'content', 'text/event-stream']);
  });

  it('when routes answer, then the bodies match the documented shapes', async () => {
    HealthSchema.parse(await (await fetch(`${stack.baseUrl}/healthz`)).json());
    for (const res of [await fetch(`${stack.baseUrl}/api/media/transcode/nosuchfile`, { headers: auth }), await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST' })]) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      ProblemSchema.parse(await res.json());
    }
  });
});
