import { describe, expect, it } from '@jest/globals';
import { embeddedIpv4, parseIpv6 } from '../src/ipv6-embedded-ipv4.js';

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : undefined);

describe('parseIpv6', () => {
  it.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:db8::8a2e:370:7334', '20010db80000000000008a2e03707334'],
    ['64:ff9b::10.0.0.1', '0064ff9b00000000000000000a000001'],
    ['::ffff:192.168.1.1', '00000000000000000000ffffc0a80101'],
    ['FE80::1%eth0', 'fe800000000000000000000000000001'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ])('when it reads %s, then the bytes are %s', (text, bytes) => {
    expect(hex(parseIpv6(text))).toBe(bytes);
  });

  it.each(['', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', '::1.2.3', '::256.1.1.1', '1:2:3:4:5:6:7::8'])(
    'when it reads %s, then it is no IPv6 address',
    (text) => {
      expect(parseIpv6(text)).toBeUndefined();
    },
  );
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:10.0.0.1', ['10.0.0.1']],
    ['::ffff:a00:1', ['10.0.0.1']],
    ['::10.0.0.1', ['10.0.0.1']],
    ['::1', ['0.0.0.1']],
    ['64:ff9b::a9fe:a9fe', ['169.254.169.254']],
    ['64:ff9b::8.8.8.8', ['8.8.8.8']],
    // Local-use NAT64 (RFC 8215): the /48 layout skips bits 64–71, the /96 layout uses the last 32 bits.
    ['64:ff9b:1:c0a8:1:100::', ['192.168.1.1', '0.0.0.0']],
    ['64:ff9b:1::7f00:1', ['0.0.0.0', '127.0.0.1']],
    ['2002:c0a8:0101::1', ['192.168.1.1']],
    ['2002:808:808::', ['8.8.8.8']],
    // Teredo: server 65.54.227.120, client 192.0.2.45 stored inverted (RFC 4380's example).
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', ['65.54.227.120', '192.0.2.45']],
  ])('when the address is %s, then it carries %j', (address, carried) => {
    expect(embeddedIpv4(address)).toEqual(carried);
  });

  it.each(['2606:4700:4700::1111', 'fe80::1', '2001:db8::1', 'fec0::1', 'not-an-address'])('when the address is %s, then it carries none', (address) => {
    expect(embeddedIpv4(address)).toEqual([]);
  });
});
