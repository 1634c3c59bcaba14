import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.loader.js';

/**
 * JSON logs in production (one object per line, for log shippers); pretty lines in a development
 * terminal. `destination` replaces stdout (tests capture the lines with it) and is always JSON.
 */
export function createLogger(config: Pick<Config, 'env' | 'logLevel'>, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.secretAccessKey', '*.password'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    ...(config.env === 'development' && process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
