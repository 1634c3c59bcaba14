import { Router } from 'express';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

/** Serves the OpenAPI document built once at start-up; public, like the routes' shapes it describes. */
export function openApiRoutes(document: OpenApiDocument): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return router;
}
