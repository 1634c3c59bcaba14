/** Query parameters that carry a credential (the event stream's `token`): never written to a log. */
const CREDENTIAL_PARAMS = ['token'];
const CENSOR = '[redacted]';

/** The request URL as logged: each credential parameter's value replaced, everything else as sent. Pure. */
export function redactUrlCredentials(url: string): string {
  return url.replace(new RegExp(`([?&](?:${CREDENTIAL_PARAMS.join('|')})=)[^&#]*`, 'g'), `$1${CENSOR}`);
}

/** The parsed query as logged, with the same parameters replaced. */
export function redactQueryCredentials(query: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...query };
  for (const name of CREDENTIAL_PARAMS) if (name in copy) copy[name] = CENSOR;
  return copy;
}
