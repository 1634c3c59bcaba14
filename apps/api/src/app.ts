import { randomUUID } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { bearerAuth } from './http/bearer-auth.middleware.js';
import { notFoundHandler, problemMiddleware } from './http/problem.middleware.js';
import { healthRoutes, type DependencyCheck } from './routes/health.routes.js';
import { mediaRoutes } from './routes/media.routes.js';
import type { MediaService } from './media/media.service.js';

export interface AppDeps {
  logger: Logger;
  media: MediaService;
  apiTokens: string[];
  maxUploadBytes: number;
  readiness: Record<string, DependencyCheck>;
  /** Directory served read-only under /media/hls when storage is local. */
  localHlsDir: string | undefined;
  bullBoard: { path: string; handlers: RequestHandler[] } | undefined;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.use(healthRoutes(deps.readiness));
  if (deps.bullBoard) app.use(deps.bullBoard.path, ...deps.bullBoard.handlers);
  if (deps.localHlsDir) {
    // Only the HLS output is public; uploaded originals stay private.
    app.use(
      '/media/hls',
      (_req, res, next) => {
        res.set('Access-Control-Allow-Origin', '*');
        next();
      },
      express.static(deps.localHlsDir, { index: false, dotfiles: 'deny', fallthrough: true, immutable: false }),
    );
  }
  app.use('/api', bearerAuth(deps.apiTokens));
  app.use(mediaRoutes({ media: deps.media, maxUploadBytes: deps.maxUploadBytes }));
  app.use(notFoundHandler);
  app.use(problemMiddleware(deps.logger));
  return app;
}
