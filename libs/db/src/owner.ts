/**
 * The owner that rows made with an installation token (`API_TOKENS`) belong to. Owner names starting
 * with `@` are reserved, so no API key can be created for it and borrow the administrators' rows.
 */
export const ADMIN_OWNER = '@admin';

/** What an owner name may be: 1-200 printable ASCII characters, no spaces (it appears in logs, CLI tables and URLs). */
export function isOwnerName(owner: string): boolean {
  return /^[\x21-\x7e]{1,200}$/.test(owner);
}

/** Names API keys may not be given: everything the installation keeps for itself. */
export function isReservedOwner(owner: string): boolean {
  return owner.startsWith('@');
}
