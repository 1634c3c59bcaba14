import { privateLiteralHost } from './address.guard.js';

/**
 * Pure: why a URL a client gave may not be fetched by the service, or undefined when it may: only
 * absolute http(s) URLs, no embedded credentials, and no private or reserved IP literal unless the
 * operator allows private networks. Names are judged when the socket connects (publicOnlyLookup).
 * The reason never repeats the URL, which may carry a password.
 */
export function outboundUrlRefusal(raw: string, allowPrivateNetworks: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https (not ${url.protocol.slice(0, 20)})`;
  if (url.username || url.password) return 'credentials in the URL';
  const host = allowPrivateNetworks ? undefined : privateLiteralHost(url);
  return host === undefined ? undefined : `${host} is a private or reserved address`;
}
