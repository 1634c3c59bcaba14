import { pino, type Logger } from 'pino';
import type { Config } from './config.loader.js';

/** JSON logs in production (one object per line, for log shippers); pretty lines in development. */
export function createLogger(config: Pick<Config, 'env' | 'logLevel'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.secretAccessKey', '*.password'], censor: '[redacted]' },
    ...(config.env === 'development' && process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
