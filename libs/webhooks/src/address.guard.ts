import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4 } from './ipv6-embedded-ipv4.js';

/**
 * Addresses a webhook must not reach unless the operator allows private networks: loopback,
 * RFC 1918, carrier-grade NAT, link-local (cloud metadata at 169.254.169.254), multicast,
 * reserved, and their IPv6 counterparts. A customer-supplied URL must not become a way into
 * the worker's own network.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local: deprecated (RFC 3879), yet some networks still route it internally.
  ['fec0::', 10],
  ['ff00::', 8],
  // Discard-only and documentation ranges: never a receiver.
  ['100::', 64],
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a webhook may be delivered to when private networks are not allowed. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // Mapped, compatible, NAT64, 6to4 and Teredo addresses lead to the IPv4 addresses they carry.
    const carried = embeddedIpv4(address);
    if (carried.length > 0) return carried.every((v4) => isPublicAddress(v4));
    return !PRIVATE.check(address, 'ipv6');
  }
  return !PRIVATE.check(address, 'ipv4');
}

/**
 * The host of `url` when it is an IP literal that is not public (`http://10.0.0.1/`, `http://[::1]/`,
 * `http://[64:ff9b::a00:1]/`); undefined for a public literal or a name. A literal never goes through
 * the resolver, so it is judged here — by the API when a client names it, by the sender before it sends.
 */
export function privateLiteralHost(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && !isPublicAddress(host) ? host : undefined;
}

/** The error code publicOnlyLookup gives a name that resolves to a private or reserved address. */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDRESS';

/**
 * A `lookup` for the socket that refuses private addresses after resolving. Checking at connect
 * time (not before the request) also defeats DNS rebinding between a check and the connection.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
  const opts = options ?? {};
  dnsLookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) {
      callback(err, []);
      return;
    }
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      const refusal: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${blocked.address}, a private or reserved address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it)`,
      );
      refusal.code = PRIVATE_ADDRESS_CODE;
      callback(refusal, []);
      return;
    }
    if (opts.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
