/**
 * IPv6 forms that carry an IPv4 address, so that a webhook guard can judge them by the IPv4 address
 * they lead to (`64:ff9b::10.0.0.1` reaches 10.0.0.1 through a NAT64 gateway). Pure: text in, text out.
 */

/** The 16 bytes of an IPv6 address in text form (with `::` and a dotted IPv4 tail), or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const address = text.replace(/%.*$/, '');
  let words: number[] = [];
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const [i, group] of groups.entries()) {
      if (i === groups.length - 1 && group.includes('.')) {
        const octets = group.split('.').map((o) => (/^\d{1,3}$/.test(o) ? Number(o) : NaN));
        if (octets.length !== 4 || octets.some((o) => Number.isNaN(o) || o > 255)) return undefined;
        out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(group)) {
        out.push(Number.parseInt(group, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    words = head;
  }
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

const ipv4 = (b: ArrayLike<number>, at: number, xor = 0): string =>
  [0, 1, 2, 3].map((i) => (b[at + i]! ^ xor) & 0xff).join('.');
const zero = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
const startsWith = (b: Uint8Array, prefix: number[]): boolean => prefix.every((x, i) => b[i] === x);

/**
 * Every IPv4 address an IPv6 address may carry, by its prefix: IPv4-mapped `::ffff:0:0/96` and
 * IPv4-compatible `::/96` (last 32 bits), NAT64 `64:ff9b::/96` (last 32 bits) and local-use NAT64
 * `64:ff9b:1::/48` (RFC 6052: the operator picks the prefix length, so both the /48 and the /96
 * layouts are returned), 6to4 `2002::/16` (bits 16–47), Teredo `2001::/32` (its server in bits
 * 32–63 and its client, inverted, in the last 32 bits). Empty for any other address.
 */
export function embeddedIpv4(text: string): string[] {
  const b = parseIpv6(text);
  if (!b) return [];
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return [ipv4(b, 12)];
  if (zero(b, 0, 12)) return [ipv4(b, 12)];
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && zero(b, 4, 12)) return [ipv4(b, 12)];
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return [ipv4([b[6]!, b[7]!, b[9]!, b[10]!], 0), ipv4(b, 12)];
  if (startsWith(b, [0x20, 0x02])) return [ipv4(b, 2)];
  if (startsWith(b, [0x20, 0x01, 0x00, 0x00])) return [ipv4(b, 4), ipv4(b, 12, 0xff)];
  return [];
}
