import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import { tokenMatches } from './bearer-auth.middleware.js';
import { createHash } from 'node:crypto';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardOptions {
  queues: Queue[];
  credentials: { user: string; password: string } | undefined;
  /** BULL_BOARD_READ_ONLY: the board shows queues but its API refuses every change. */
  readOnly: boolean;
  production: boolean;
  logger: Logger;
}

/**
 * Bull Board has no auth of its own. With credentials it sits behind HTTP basic auth (constant-time
 * compare); without them it is off in production and answers only loopback clients in development.
 */
export function bullBoardRouter({ queues, credentials, readOnly, production, logger }: BullBoardOptions): { path: string; handlers: RequestHandler[] } | undefined {
  if (!credentials && production) {
    logger.warn('Bull Board is disabled: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to enable it in production');
    return undefined;
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  // A board login must not become a way to edit, promote or delete jobs unless an operator opted in.
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: readOnly })), serverAdapter });
  const guard = credentials ? basicAuth(credentials) : loopbackOnly;
  if (!credentials) logger.warn(`Bull Board at ${BULL_BOARD_PATH} has no credentials: open to localhost only (development)`);
  return { path: BULL_BOARD_PATH, handlers: [guard, serverAdapter.getRouter() as Router] };
}

function basicAuth(credentials: { user: string; password: string }): RequestHandler {
  const expected = [createHash('sha256').update(`${credentials.user}:${credentials.password}`).digest()];
  return (req, res, next) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '');
    const presented = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (match && tokenMatches(presented, expected)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Basic realm="Reelforge queues", charset="UTF-8"').status(401).type('text/plain').send('Authentication required.');
  };
}

const loopbackOnly: RequestHandler = (req, res, next) => {
  const ip = req.socket.remoteAddress ?? '';
  if (ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1') {
    next();
    return;
  }
  res.status(403).type('text/plain').send('Bull Board without credentials is available from localhost only.');
};
