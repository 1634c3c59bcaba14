/** Shapes of real credentials. A value matching one is a leak whatever the variable is called. */
const CREDENTIAL_SHAPES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'a DigitalOcean Spaces access key', pattern: /\bDO00[0-9A-Z]{16}\b/ },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a DigitalOcean API token', pattern: /\bdo[opr]_v1_[0-9a-f]{64}\b/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'a URL with a password in it', pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/** Describes the credential `value` looks like, or undefined when it looks like none. */
export function credentialShapeOf(value: string): string | undefined {
  return CREDENTIAL_SHAPES.find(({ pattern }) => pattern.test(value))?.name;
}

/** `<your Space name>`, `your-space-name`: template values nobody replaced yet. */
export function isPlaceholder(value: string): boolean {
  return /<[^<>]+>/.test(value) || /(^|[^a-z])your-/i.test(value);
}
