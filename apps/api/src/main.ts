import { createLogger, loadConfigOrExit } from '@reelforge/config';
import { createApiRuntime } from './api.runtime.js';
import { clientErrorHandler } from './http/client-error.handler.js';

const config = loadConfigOrExit('api');
const logger = createLogger(config, 'reelforge-api');

try {
  const runtime = createApiRuntime(config, logger);
  const server = runtime.app.listen(config.http.port, () => logger.info({ port: config.http.port }, 'reelforge api listening'));
  // Uploads can be long: let a request body take its time, but drop idle connections.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', clientErrorHandler);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Event streams never finish by themselves; their clients reconnect to another replica.
    runtime.endStreams();
    await closed;
    await runtime.close();
    logger.info('api stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'reelforge api failed to start');
  process.exit(1);
}
