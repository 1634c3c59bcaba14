import { describe, expect, it } from '@jest/globals';
import { localPublicUrl, parseSpacesEndpoint, s3PublicUrl } from '../src/index.js';

const KEY = 'hls/f1/master.m3u8';

describe('localPublicUrl', () => {
  it('serves keys under /media of the API origin', () => {
    expect(localPublicUrl('http://localhost:3000', KEY)).toBe('http://localhost:3000/media/hls/f1/master.m3u8');
  });

  it('ignores trailing slashes and keeps a path prefix', () => {
    expect(localPublicUrl('https://example.com/reelforge//', KEY)).toBe('https://example.com/reelforge/media/hls/f1/master.m3u8');
  });

  it('percent-encodes each segment but keeps the slashes', () => {
    expect(localPublicUrl('http://h', 'uploads/f1/my clip#1?.mp4')).toBe('http://h/media/uploads/f1/my%20clip%231%3F.mp4');
  });
});

describe('s3PublicUrl', () => {
  const spaces = { bucket: 'media', region: 'us-east-1', endpoint: 'https://nyc3.digitaloceanspaces.com' };

  it('uses publicBaseUrl first', () => {
    expect(s3PublicUrl({ ...spaces, publicBaseUrl: 'https://cdn.example.com/', cdnUrl: 'https://other.example.com' }, KEY)).toBe(
      'https://cdn.example.com/hls/f1/master.m3u8',
    );
  });

  it('uses cdnUrl when there is no publicBaseUrl', () => {
    expect(s3PublicUrl({ ...spaces, cdnUrl: 'https://media.example.com' }, KEY)).toBe('https://media.example.com/hls/f1/master.m3u8');
  });

  it('builds the Spaces CDN form with the region taken from the endpoint', () => {
    expect(s3PublicUrl(spaces, KEY)).toBe('https://media.nyc3.cdn.digitaloceanspaces.com/hls/f1/master.m3u8');
  });

  it('builds the Spaces CDN form from a bucket-style or CDN-style endpoint', () => {
    expect(s3PublicUrl({ ...spaces, endpoint: 'https://media.fra1.digitaloceanspaces.com' }, KEY)).toBe(
      'https://media.fra1.cdn.digitaloceanspaces.com/hls/f1/master.m3u8',
    );
    expect(s3PublicUrl({ ...spaces, endpoint: 'https://media.sgp1.cdn.digitaloceanspaces.com/' }, KEY)).toBe(
      'https://media.sgp1.cdn.digitaloceanspaces.com/hls/f1/master.m3u8',
    );
  });

  it('falls back to path style for other endpoints (MinIO, s3rver)', () => {
    expect(s3PublicUrl({ bucket: 'media', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000/' }, KEY)).toBe(
      'http://127.0.0.1:9000/media/hls/f1/master.m3u8',
    );
  });

  it('uses the virtual-hosted AWS URL without an endpoint, path style for dotted buckets', () => {
    expect(s3PublicUrl({ bucket: 'media', region: 'eu-west-1' }, KEY)).toBe(
      'https://media.s3.eu-west-1.amazonaws.com/hls/f1/master.m3u8',
    );
    expect(s3PublicUrl({ bucket: 'media.example.com', region: 'eu-west-1' }, KEY)).toBe(
      'https://s3.eu-west-1.amazonaws.com/media.example.com/hls/f1/master.m3u8',
    );
  });

  it('percent-encodes key segments', () => {
    expect(s3PublicUrl({ ...spaces, cdnUrl: 'https://c.example.com' }, 'uploads/f1/a b.mp4')).toBe(
      'https://c.example.com/uploads/f1/a%20b.mp4',
    );
  });
});

describe('parseSpacesEndpoint', () => {
  it.each([
    ['https://nyc3.digitaloceanspaces.com', 'nyc3'],
    ['https://NYC3.DigitalOceanSpaces.com/', 'nyc3'],
    ['nyc3.digitaloceanspaces.com', 'nyc3'],
    ['https://ams3.digitaloceanspaces.com:443', 'ams3'],
    ['https://my-bucket.sfo3.digitaloceanspaces.com', 'sfo3'],
    ['https://my-bucket.blr1.cdn.digitaloceanspaces.com', 'blr1'],
  ])('%s → %s', (endpoint, region) => {
    expect(parseSpacesEndpoint(endpoint)).toEqual({ region });
  });

  it.each([
    'https://s3.amazonaws.com',
    'http://127.0.0.1:9000',
    'https://digitaloceanspaces.com',
    'https://nyc3.digitaloceanspaces.com.evil.example',
    'https://cdn.digitaloceanspaces.com',
    'not a url at all',
    '',
  ])('%j is not a Spaces endpoint', (endpoint) => {
    expect(parseSpacesEndpoint(endpoint)).toBeNull();
  });
});
