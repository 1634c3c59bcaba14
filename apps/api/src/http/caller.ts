import { ADMIN_OWNER } from '@reelforge/db';
import type { Response } from 'express';

/**
 * Who is asking. Rows a caller creates belong to `owner`. Installation tokens (API_TOKENS) are
 * administrators: their rows belong to ADMIN_OWNER and they may see every owner's rows.
 */
export interface Caller {
  owner: string;
  admin: boolean;
}

export const ADMIN_CALLER: Caller = { owner: ADMIN_OWNER, admin: true };

export function ownerCaller(owner: string): Caller {
  return { owner, admin: false };
}

/** The caller bearerAuth established; every route under /api runs after it. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('callerOf used on a route that bearerAuth does not guard');
  return caller;
}

/** A row is visible to its owner and to administrators; to anyone else it does not exist (404). */
export function mayAccess(caller: Caller, rowOwner: string): boolean {
  return caller.admin || caller.owner === rowOwner;
}
