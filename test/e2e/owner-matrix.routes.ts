import { openAsBlob } from 'node:fs';
import { createId } from '@paralleldrive/cuid2';
import { WebhookDeliveriesRepository } from '@reelforge/db';
import type { Pool } from 'pg';

/**
 * How every route of the OpenAPI document is scoped to owners. owner-matrix.e2e.spec.ts fails when a
 * route of the document has no row here (or a row names a route the document lacks), and exercises
 * each row in both directions: two owners' API keys and an administrator (an API_TOKENS token).
 *
 * Adding a route: add one row under its `METHOD /path/{param}` as /openapi.json spells it.
 * - `file`: the route acts on one file named in the request. Give the state a fresh file must be in,
 *   the call, and the status an allowed caller gets. The spec checks that another owner's key gets
 *   the 404 of an unknown id and changes nothing, and that the owner and an administrator get through.
 * - `list`: the route lists rows; give a call that returns the file ids it lists.
 * - `creates`: the route makes a file; give a call that returns its id.
 * - `owned`: the route acts on a row other than a file (an unfinished upload, a webhook delivery). Give
 *   how its owner makes a fresh one, the call, and the status the owner and an administrator get; the
 *   spec checks that another owner's key gets 404 `notFoundCode`.
 * - `ownedList`: the route lists rows other than files; give how an owner makes one and a call that
 *   returns the ids it lists. A key must see its own and no one else's; an administrator sees all.
 * - `admin`: only administrators may call it (e.g. usage across owners); give the call and what a key
 *   and an administrator get.
 * - `public` / `operator`: no owner is involved; say why that is safe.
 */

export type Principal = 'alice' | 'bob' | 'admin';

/** What a fresh file is brought to before the call: uploaded, with a queued job, or with a cancelled job. */
export type FileState = 'uploaded' | 'queued' | 'cancelled';

export interface MatrixClient {
  baseUrl: string;
  headers(principal: Principal): Record<string, string>;
  /** A short real video to upload. */
  source: string;
  /** The stack's database, for rows that must look up an id the route takes (a delivery of the file's job, ...). */
  pool: Pool;
}

export type OwnerScope =
  | {
      scope: 'file';
      state: FileState;
      /** Status an allowed caller (the owner, an administrator) gets on a file in `state`. */
      allowed: number;
      call(client: MatrixClient, fileId: string, as: Principal): Promise<Response>;
    }
  | { scope: 'list'; list(client: MatrixClient, as: Principal): Promise<string[]> }
  | { scope: 'creates'; create(client: MatrixClient, as: Principal): Promise<string> }
  | {
      scope: 'owned';
      /** Makes a fresh row of `owner` for one call (a call may consume it, as a DELETE does). */
      make(client: MatrixClient, owner: Principal): Promise<string>;
      allowed: number;
      notFoundCode: string;
      call(client: MatrixClient, id: string, as: Principal): Promise<Response>;
    }
  | {
      scope: 'ownedList';
      make(client: MatrixClient, owner: Principal): Promise<string>;
      list(client: MatrixClient, as: Principal): Promise<string[]>;
    }
  | { scope: 'admin'; allowed: number; refused: number; call(client: MatrixClient, as: Principal): Promise<Response> }
  | { scope: 'public' | 'operator'; why: string };

const TUS = { 'tus-resumable': '1.0.0' };

/** Creates a resumable upload of the whole source (creation only: no bytes yet) and returns its id. */
async function tusUpload(client: MatrixClient, as: Principal): Promise<string> {
  const res = await fetch(`${client.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { ...client.headers(as), ...TUS, 'upload-length': String((await openAsBlob(client.source)).size) },
  });
  if (res.status !== 201) throw new Error(`tus creation answered ${res.status}: ${await res.text()}`);
  return res.headers.get('location')!.split('/').pop()!;
}

/**
 * A failed webhook delivery of a fresh job of `owner`'s (made through the API, so the job row is real):
 * the matrix stack has no worker, so the row is written as the worker would have left it.
 */
async function failedDelivery(client: MatrixClient, owner: Principal): Promise<string> {
  const form = new FormData();
  form.append('file', await openAsBlob(client.source), 'clip.mp4');
  const uploaded = await fetch(`${client.baseUrl}/api/media/upload`, { method: 'POST', headers: client.headers(owner), body: form });
  const { fileId } = (await uploaded.json()) as { fileId: string };
  const submitted = await send(client, 'POST', '/api/media/transcode', owner, { fileId });
  const { jobId } = (await submitted.json()) as { jobId: string };
  const { rows } = await client.pool.query<{ owner: string }>('SELECT owner FROM transcoding_jobs WHERE id = $1', [jobId]);
  const deliveries = new WebhookDeliveriesRepository(client.pool);
  const { delivery } = await deliveries.createPending({
    jobId,
    owner: rows[0]!.owner,
    url: 'https://hooks.example.com/reelforge',
    eventType: 'transcode.failed',
    eventId: createId(),
    payload: {},
  });
  await deliveries.markFailed(delivery.id, 'receiver answered 500');
  return delivery.id;
}

/** The part list of each direct upload `directUpload` made with its bytes sent, by file id: what completing it needs. */
const directUploadParts = new Map<string, { partNumber: number; etag: string }[]>();

/**
 * A direct upload of the source by `owner` (the matrix stack stores in s3rver), its one part PUT to
 * the presigned URL when `withBytes`; returns the file id.
 */
async function directUpload(client: MatrixClient, owner: Principal, withBytes = false): Promise<string> {
  const body = await openAsBlob(client.source);
  const res = await send(client, 'POST', '/api/uploads/direct', owner, { filename: 'clip.mp4', size: body.size, contentType: 'video/mp4' });
  if (res.status !== 201) throw new Error(`direct upload answered ${res.status}: ${await res.text()}`);
  const { fileId, parts } = (await res.json()) as { fileId: string; parts: { partNumber: number; url: string }[] };
  if (withBytes) {
    const put = await fetch(parts[0]!.url, { method: 'PUT', body });
    if (put.status !== 200) throw new Error(`part PUT answered ${put.status}: ${await put.text()}`);
    directUploadParts.set(fileId, [{ partNumber: 1, etag: put.headers.get('etag')! }]);
  }
  return fileId;
}

const send = (client: MatrixClient, method: string, path: string, as: Principal, body?: unknown) =>
  fetch(`${client.baseUrl}${path}`, {
    method,
    headers: { ...client.headers(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

export const OWNER_MATRIX: Record<string, OwnerScope> = {
  'POST /api/media/upload': {
    scope: 'creates',
    create: async (client, as) => {
      const form = new FormData();
      form.append('file', await openAsBlob(client.source), 'clip.mp4');
      const res = await fetch(`${client.baseUrl}/api/media/upload`, { method: 'POST', headers: client.headers(as), body: form });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { fileId: string }).fileId;
    },
  },
  'POST /api/media/import': {
    scope: 'creates',
    // The matrix stack runs no worker, so nothing is fetched: the row, owned by the caller, exists from
    // the request on. A name (not a loopback literal) passes the request-time SSRF check.
    create: async (client, as) => {
      const res = await fetch(`${client.baseUrl}/api/media/import`, {
        method: 'POST',
        headers: { ...client.headers(as), 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://localhost/clip.mp4' }),
      });
      if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { fileId: string }).fileId;
    },
  },
  'POST /api/media/transcode': {
    scope: 'file',
    state: 'uploaded',
    allowed: 202,
    call: (client, fileId, as) => send(client, 'POST', '/api/media/transcode', as, { fileId }),
  },
  'GET /api/media/transcode/{fileId}': {
    scope: 'file',
    state: 'queued',
    allowed: 200,
    call: (client, fileId, as) => send(client, 'GET', `/api/media/transcode/${fileId}`, as),
  },
  'GET /api/media/transcode/{fileId}/events': {
    scope: 'file',
    state: 'queued',
    allowed: 200,
    call: (client, fileId, as) => send(client, 'GET', `/api/media/transcode/${fileId}/events`, as),
  },
  'POST /api/media/transcode/{fileId}/cancel': {
    scope: 'file',
    state: 'queued',
    allowed: 202,
    call: (client, fileId, as) => send(client, 'POST', `/api/media/transcode/${fileId}/cancel`, as),
  },
  'POST /api/media/transcode/{fileId}/retry': {
    scope: 'file',
    state: 'cancelled',
    allowed: 202,
    call: (client, fileId, as) => send(client, 'POST', `/api/media/transcode/${fileId}/retry`, as),
  },
  'GET /api/media/jobs': {
    scope: 'list',
    list: async (client, as) => {
      const res = await send(client, 'GET', '/api/media/jobs?limit=100', as);
      if (res.status !== 200) throw new Error(`jobs list answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { items: { fileId: string }[] }).items.map((job) => job.fileId);
    },
  },
  'GET /api/media/files/{fileId}': {
    scope: 'file',
    state: 'uploaded',
    allowed: 200,
    call: (client, fileId, as) => send(client, 'GET', `/api/media/files/${fileId}`, as),
  },
  'DELETE /api/media/{fileId}': {
    scope: 'file',
    state: 'queued',
    // Nothing was running (no worker in this stack), so the deletion is complete at once.
    allowed: 204,
    call: (client, fileId, as) => send(client, 'DELETE', `/api/media/${fileId}`, as),
  },
  'POST /api/uploads': {
    scope: 'creates',
    // creation-with-upload: the whole clip in the creating request, so the answer names the file.
    create: async (client, as) => {
      const body = await openAsBlob(client.source);
      const res = await fetch(`${client.baseUrl}/api/uploads`, {
        method: 'POST',
        headers: { ...client.headers(as), ...TUS, 'upload-length': String(body.size), 'content-type': 'application/offset+octet-stream' },
        body,
      });
      const fileId = res.headers.get('reelforge-file-id');
      if (res.status !== 201 || !fileId) throw new Error(`tus creation-with-upload answered ${res.status}: ${await res.text()}`);
      return fileId;
    },
  },
  'HEAD /api/uploads/{uploadId}': {
    scope: 'owned',
    make: tusUpload,
    allowed: 200,
    notFoundCode: 'upload_not_found',
    call: (client, id, as) => fetch(`${client.baseUrl}/api/uploads/${id}`, { method: 'HEAD', headers: { ...client.headers(as), ...TUS } }),
  },
  'PATCH /api/uploads/{uploadId}': {
    scope: 'owned',
    make: tusUpload,
    allowed: 204,
    notFoundCode: 'upload_not_found',
    call: (client, id, as) =>
      fetch(`${client.baseUrl}/api/uploads/${id}`, {
        method: 'PATCH',
        headers: { ...client.headers(as), ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: new Uint8Array(1024),
      }),
  },
  'DELETE /api/uploads/{uploadId}': {
    scope: 'owned',
    make: tusUpload,
    allowed: 204,
    notFoundCode: 'upload_not_found',
    call: (client, id, as) => fetch(`${client.baseUrl}/api/uploads/${id}`, { method: 'DELETE', headers: { ...client.headers(as), ...TUS } }),
  },
  'POST /api/uploads/direct': { scope: 'creates', create: (client, as) => directUpload(client, as) },
  'POST /api/uploads/direct/{fileId}/complete': {
    scope: 'owned',
    make: (client, owner) => directUpload(client, owner, true),
    allowed: 202,
    notFoundCode: 'file_not_found',
    call: (client, id, as) => send(client, 'POST', `/api/uploads/direct/${id}/complete`, as, { parts: directUploadParts.get(id) }),
  },
  'DELETE /api/uploads/direct/{fileId}': {
    scope: 'owned',
    make: (client, owner) => directUpload(client, owner),
    allowed: 204,
    notFoundCode: 'file_not_found',
    call: (client, id, as) => send(client, 'DELETE', `/api/uploads/direct/${id}`, as),
  },
  'OPTIONS /api/uploads': { scope: 'public', why: 'tus capabilities for CORS preflight (versions, extensions, the size limit): no upload data.' },
  'OPTIONS /api/uploads/{uploadId}': { scope: 'public', why: 'tus capabilities for CORS preflight; says nothing about whether that upload exists.' },
  'GET /api/admin/usage': {
    scope: 'admin',
    allowed: 200,
    // To a key the route does not exist, whichever owner it names.
    refused: 404,
    call: (client, as) => send(client, 'GET', '/api/admin/usage?owner=alice', as),
  },
  'GET /api/webhooks/deliveries': {
    scope: 'ownedList',
    make: failedDelivery,
    list: async (client, as) => {
      const res = await send(client, 'GET', '/api/webhooks/deliveries?limit=100', as);
      if (res.status !== 200) throw new Error(`delivery log answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { items: { deliveryId: string }[] }).items.map((d) => d.deliveryId);
    },
  },
  'POST /api/webhooks/deliveries/{deliveryId}/redeliver': {
    scope: 'owned',
    make: failedDelivery,
    allowed: 202,
    notFoundCode: 'webhook_delivery_not_found',
    call: (client, id, as) => send(client, 'POST', `/api/webhooks/deliveries/${id}/redeliver`, as),
  },
  'GET /watch/{fileId}': {
    scope: 'public',
    why: 'The player page carries no data but the id; playing needs the HLS output, which is public at an unguessable per-file URL anyway. A deleted file answers 404.',
  },
  'GET /watch/{fileId}/status.json': {
    scope: 'public',
    why: 'Status, progress and the public HLS URL only: no name, owner, job id or error text (WatchStatusService). A deleted file answers 404.',
  },
  'GET /assets/hls.min.js': { scope: 'public', why: 'A static script from node_modules, the same for everyone.' },
  'GET /assets/watch.js': { scope: 'public', why: 'The player page script, the same for everyone.' },
  'GET /healthz': { scope: 'public', why: 'Liveness for load balancers; says only "ok".' },
  'GET /readyz': { scope: 'public', why: 'Readiness for load balancers; names failing dependencies, no owner data.' },
  'GET /openapi.json': { scope: 'public', why: 'The shape of the API, the same for everyone.' },
  'GET /metrics': { scope: 'operator', why: 'Installation-wide counters for Prometheus, guarded by METRICS_TOKEN (off in production without it); no per-owner rows.' },
};
