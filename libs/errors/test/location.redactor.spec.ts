import { describe, expect, it } from '@jest/globals';
import { redactLocations } from '../src/index.js';

describe('redactLocations', () => {
  it.each([
    ['ffprobe could not read "/tmp/reelforge-job-abc/source": moov atom not found', 'ffprobe could not read "[path]": moov atom not found'],
    ['file:/srv/storage/uploads/k3j/source: Invalid data found when processing input', '[path] Invalid data found when processing input'],
    ['opening file:///var/lib/reelforge/x.mp4 failed', 'opening [path] failed'],
    ['Error opening input /home/admin/.reelforge/storage/uploads/a/source.', 'Error opening input [path]'],
    ['local read failed for key "uploads/a/source": ENOENT: no such file, open \'/data/storage/uploads/a/source\'', 'local read failed for key "uploads/a/source": ENOENT: no such file, open \'[path]\''],
    ['C:\\media\\in.mp4 and \\\\fileserver\\share\\x', '[path] and [path]'],
    ['upload to https://my-bucket.nyc3.digitaloceanspaces.com/hls/a/seg.ts failed', 'upload to [url] failed'],
    ['connect ECONNREFUSED 10.0.3.7:9000', 'connect ECONNREFUSED [host]'],
    ['getaddrinfo ENOTFOUND minio.internal.example:9000', 'getaddrinfo ENOTFOUND [host]'],
    ['bucket my-videos.s3.eu-west-1.amazonaws.com is gone', 'bucket [host] is gone'],
    ['connect ECONNREFUSED ::1:9000 and [2001:db8::7]:443 and fe80::1%eth0', 'connect ECONNREFUSED [host] and [host] and [host]%eth0'],
    ['peer 2001:0db8:0000:0000:0000:ff00:0042:8329 reset', 'peer [host] reset'],
  ])('removes locations from %j', (raw, redacted) => {
    expect(redactLocations(raw)).toBe(redacted);
  });

  it.each([
    'too many packets failed to decode (-max_error_rate exceeded)',
    'frame rate 30000/1001, time=00:00:06.02 bitrate=1200.5kbits/s speed=2.1x',
    'Invalid NAL unit size (1234 > 567).',
    'the picture is 8192x8192 = 67108864 pixels per frame, above the limit of 33177600',
    'ratio 1/2, e.g. index.m3u8 and seg_00001.ts',
    'h264 @ 0x55d5c0a3c8c0 error while decoding MB 3 4',
    'ffprobe could not read "upload.bin": moov atom not found; clip.mov and holiday.mp4 too',
  ])('keeps decoder text without locations as it is: %j', (text) => {
    expect(redactLocations(text)).toBe(text);
  });
});
