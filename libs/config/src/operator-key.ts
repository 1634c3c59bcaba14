/** 32 bytes, as 64 hex digits or base64/base64url (43 characters, optional `=`); undefined for anything else. Pure. */
export function decodeKey32(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}
