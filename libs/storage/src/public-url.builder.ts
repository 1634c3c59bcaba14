/** Where an S3-compatible bucket's objects are publicly reachable, in order of precedence. */
export interface S3PublicUrlOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  /** A CDN or custom domain mapped to the bucket root (e.g. `PUBLIC_BASE_URL`); wins over everything. */
  publicBaseUrl?: string;
  /** `SPACES_CDN_URL`: the bucket's CDN endpoint, e.g. `https://media.example.com`. */
  cdnUrl?: string;
}

const SPACES_SUFFIX = '.digitaloceanspaces.com';
const SPACES_REGION = /^[a-z]+[0-9]+$/;

/** Local files are served by the API under `/media/`. */
export function localPublicUrl(publicBaseUrl: string, key: string): string {
  return `${trimTrailingSlashes(publicBaseUrl)}/media/${encodeKey(key)}`;
}

/**
 * Public URL of an object: `publicBaseUrl` if given, else `cdnUrl`, else the Spaces CDN form
 * `https://<bucket>.<region>.cdn.digitaloceanspaces.com/<key>` for Spaces endpoints, else
 * path-style `<endpoint>/<bucket>/<key>`, else (no endpoint: AWS) the virtual-hosted S3 URL.
 */
export function s3PublicUrl(options: S3PublicUrlOptions, key: string): string {
  const path = encodeKey(key);
  if (options.publicBaseUrl) return `${trimTrailingSlashes(options.publicBaseUrl)}/${path}`;
  if (options.cdnUrl) return `${trimTrailingSlashes(options.cdnUrl)}/${path}`;
  if (options.endpoint) {
    const spaces = parseSpacesEndpoint(options.endpoint);
    if (spaces) return `https://${options.bucket}.${spaces.region}.cdn${SPACES_SUFFIX}/${path}`;
    return `${trimTrailingSlashes(options.endpoint)}/${options.bucket}/${path}`;
  }
  // Dotted bucket names break the wildcard TLS certificate of virtual-hosted URLs.
  return options.bucket.includes('.')
    ? `https://s3.${options.region}.amazonaws.com/${options.bucket}/${path}`
    : `https://${options.bucket}.s3.${options.region}.amazonaws.com/${path}`;
}

/**
 * Recognises DigitalOcean Spaces endpoints and returns their region: `https://nyc3.digitaloceanspaces.com`,
 * the bucket form `https://b.nyc3.digitaloceanspaces.com` and the CDN form all give `nyc3`. The
 * region comes from the host because Spaces clients are often configured with `us-east-1`.
 */
export function parseSpacesEndpoint(endpoint: string): { region: string } | null {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`).hostname;
  } catch {
    return null;
  }
  host = host.toLowerCase();
  if (!host.endsWith(SPACES_SUFFIX)) return null;
  const labels = host.slice(0, -SPACES_SUFFIX.length).split('.');
  const withoutCdn = labels.at(-1) === 'cdn' ? labels.slice(0, -1) : labels;
  const region = withoutCdn.at(-1);
  return region !== undefined && SPACES_REGION.test(region) ? { region } : null;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
