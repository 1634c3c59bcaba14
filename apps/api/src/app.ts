import { randomUUID } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { cacheControlFor, LOCAL_PLAYLIST_CACHE_CONTROL } from '@reelforge/storage';
import { bearerAuth, type ApiKeyLookup } from './http/bearer-auth.middleware.js';
import { redactQueryCredentials, redactUrlCredentials } from './http/url-credential.redactor.js';
import { notFoundHandler, problemMiddleware } from './http/problem.middleware.js';
import { healthRoutes, type DependencyCheck } from './routes/health.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js';
import { mediaRoutes } from './routes/media.routes.js';
import type { JobControlService } from './media/job-control.service.js';
import type { JobStatusReader } from './media/job-status.reader.js';
import type { MediaService } from './media/media.service.js';

export interface AppDeps {
  logger: Logger;
  media: MediaService;
  status: JobStatusReader;
  jobControl: JobControlService;
  apiTokens: string[];
  /** API keys from the database (owner-scoped), accepted besides API_TOKENS. */
  apiKeys?: ApiKeyLookup;
  maxUploadBytes: number;
  /** Express `trust proxy` (TRUST_PROXY): whose X-Forwarded-* headers decide scheme, host and client IP. */
  trustProxy: boolean | number | string;
  /** Parent directory for each upload's temporary spool directory. */
  uploadTmpDir: string;
  /** The most an upload may take (UPLOAD_DEADLINE_S, in milliseconds). */
  uploadDeadlineMs: number;
  readiness: Record<string, DependencyCheck>;
  /** Directory served read-only under /media/hls when storage is local. */
  localHlsDir: string | undefined;
  bullBoard: { path: string; handlers: RequestHandler[] } | undefined;
  /** Observes every request for /metrics. */
  httpMetrics?: RequestHandler;
  /** Routers outside the bearer token (/metrics guards itself, /openapi.json, /app, GET /api/events with its stream token). */
  publicRoutes?: Router[];
  /** Further routers under /api, behind the bearer token (live progress). */
  apiRoutes?: Router[];
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // The event stream's one-time token travels in the URL (EventSource sends no headers): keep it out of logs.
      serializers: {
        req: (req: { url?: string; query?: Record<string, unknown> }) => ({
          ...req,
          ...(req.url !== undefined ? { url: redactUrlCredentials(req.url) } : {}),
          ...(req.query ? { query: redactQueryCredentials(req.query) } : {}),
        }),
      },
    }),
  );
  if (deps.httpMetrics) app.use(deps.httpMetrics);

  app.use(healthRoutes(deps.readiness, deps.logger));
  for (const router of deps.publicRoutes ?? []) app.use(router);
  if (deps.bullBoard) app.use(deps.bullBoard.path, ...deps.bullBoard.handlers);
  if (deps.localHlsDir) {
    // Only the HLS output is public; uploaded originals stay private.
    app.use(
      '/media/hls',
      (_req, res, next) => {
        res.set('Access-Control-Allow-Origin', '*');
        next();
      },
      express.static(deps.localHlsDir, {
        index: false,
        dotfiles: 'deny',
        fallthrough: true,
        // The same lifetimes S3 objects get as metadata; playlists are revalidated (see LOCAL_PLAYLIST_CACHE_CONTROL).
        setHeaders: (res, filePath) => {
          res.setHeader('Cache-Control', filePath.endsWith('.m3u8') ? LOCAL_PLAYLIST_CACHE_CONTROL : cacheControlFor(filePath));
        },
      }),
    );
  }
  app.use('/api', bearerAuth(deps.apiTokens, deps.apiKeys));
  app.use(
    mediaRoutes({
      media: deps.media,
      status: deps.status,
      maxUploadBytes: deps.maxUploadBytes,
      uploadTmpDir: deps.uploadTmpDir,
      uploadDeadlineMs: deps.uploadDeadlineMs,
    }),
  );
  app.use(jobsRoutes({ jobControl: deps.jobControl }));
  for (const router of deps.apiRoutes ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(problemMiddleware(deps.logger));
  return app;
}
