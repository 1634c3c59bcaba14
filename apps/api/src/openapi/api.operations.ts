import { z } from 'zod';
import { JobsListQuerySchema, JobsPageSchema } from '../media/jobs-list.schema.js';
import { UsageQuerySchema, UsageReportSchema } from '../media/usage.schema.js';
import { ImportRequestSchema } from '../media/import.request.js';
import { CompleteDirectUploadSchema, DirectUploadRequestSchema } from '../uploads/direct-upload.request.js';
import { FileIdSchema, IdempotencyKeySchema, TranscodeRequestSchema } from '../media/transcode.request.js';
import { DeliveryIdSchema, WebhookDeliveriesPageSchema, WebhookDeliveriesQuerySchema, WebhookDeliveryViewSchema } from '../webhooks/webhook-deliveries.schema.js';
import {
  FileStatusSchema,
  HealthSchema,
  DirectUploadCompletedSchema,
  DirectUploadCreatedSchema,
  ImportResponseSchema,
  JobControlResponseSchema,
  ProblemSchema,
  ProgressEventSchema,
  ReadinessSchema,
  TranscodeAcceptedSchema,
  TranscodeStatusSchema,
  UploadResponseSchema,
  WatchStatusSchema,
} from './response.schemas.js';

export type HttpMethod = 'get' | 'head' | 'options' | 'post' | 'put' | 'patch' | 'delete';

export interface OperationParameter {
  name: string;
  in: 'path' | 'header' | 'query';
  required: boolean;
  description: string;
  schema: z.ZodType;
}

export interface OperationBody {
  contentType: string;
  /** A zod schema (converted with z.toJSONSchema), or a literal JSON Schema for bodies zod does not parse. */
  schema: z.ZodType | Record<string, unknown>;
}

export interface OperationResponse {
  description: string;
  contentType?: string;
  schema?: z.ZodType | Record<string, unknown>;
  /**
   * For `text/event-stream`: the schema of each event's JSON `data`, by event name. Written as the
   * stream schema's `$defs` (OpenAPI 3.1 has no per-event schema; 3.2's itemSchema will).
   */
  events?: Record<string, z.ZodType>;
}

export interface ApiOperation {
  method: HttpMethod;
  /** Express route pattern, exactly as registered (`:param`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'media' | 'jobs' | 'webhooks' | 'player' | 'operations';
  security: 'bearer' | 'metrics' | 'none';
  parameters?: OperationParameter[];
  requestBody?: OperationBody;
  responses: Record<number, OperationResponse>;
  /**
   * Statuses answered with application/problem+json. Added for every operation: 401 on bearer
   * routes, and the answers of the HTTP server itself (SERVER_PROBLEMS in openapi.document.ts).
   */
  problems?: number[];
}

const fileIdParam: OperationParameter = {
  name: 'fileId',
  in: 'path',
  required: true,
  description: 'The id returned by POST /api/media/upload.',
  schema: FileIdSchema,
};

/** One query parameter per field of the zod schema that parses the query. */
function queryParameters(schema: z.ZodObject, descriptions: Record<string, string>): OperationParameter[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    description: descriptions[name] ?? '',
    schema: field as z.ZodType,
  }));
}

const uploadIdParam: OperationParameter = {
  name: 'uploadId',
  in: 'path',
  required: true,
  description: 'The last segment of the Location returned by POST /api/uploads.',
  schema: FileIdSchema,
};
const tusResumable: OperationParameter = {
  name: 'Tus-Resumable',
  in: 'header',
  required: true,
  description: 'The tus protocol version; answered with 412 when missing.',
  schema: z.literal('1.0.0'),
};
const byteCount = z.string().regex(/^\d+$/);
const uploadOffset: OperationParameter = {
  name: 'Upload-Offset',
  in: 'header',
  required: true,
  description: 'Where this body starts: the offset HEAD reported (409 otherwise).',
  schema: byteCount,
};
const TUS_REFERENCE = 'Protocol: https://tus.io/protocols/resumable-upload (tus 1.0.0).';

const LAST_EVENT_ID = z.string().regex(/^\d+-\d+$/).describe('Sent by EventSource clients on reconnect');

/** Every HTTP operation of the API. A test checks this table against the routes Express has. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/api/media/upload',
    operationId: 'uploadMedia',
    summary: 'Upload a video',
    description: [
      'Streamed to storage; the content is checked with ffprobe before the file is accepted. Media above the operator',
      'limits (pixels per frame, frame rate, duration, streams) is refused with 422 `input_too_large`. The upload must finish',
      'within UPLOAD_DEADLINE_S (408 upload_deadline_exceeded); parts other than `file` may carry 64 KiB together (413).',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    requestBody: {
      contentType: 'multipart/form-data',
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The video file' } },
      },
    },
    responses: { 201: { description: 'Stored and probed', schema: UploadResponseSchema } },
    problems: [400, 408, 413, 415, 422, 503],
  },
  {
    method: 'post',
    path: '/api/uploads/direct',
    operationId: 'createDirectUpload',
    summary: 'Start a direct-to-bucket upload (presigned multipart URLs)',
    description: [
      'S3-compatible storage only (409 `direct_upload_unavailable` with local storage: use tus at /api/uploads). The file exists at once,',
      'owned by the caller, in state `uploading`. PUT each part\'s bytes (`partSize` each, the last one the rest) to its URL, straight to',
      'the bucket, keep each answer\'s `ETag` header, then POST /api/uploads/direct/{fileId}/complete. URLs name SPACES_PUBLIC_ENDPOINT;',
      'a browser needs the bucket CORS rule in DEPLOY.md. `size` above MAX_UPLOAD_BYTES: 413. With `"transcode": true` the job is created',
      'now (stage `importing`) and queued once the file is usable. Not completed by `expiresAt`: aborted, the file fails with `upload_expired`.',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    requestBody: { contentType: 'application/json', schema: DirectUploadRequestSchema },
    responses: { 201: { description: 'Started; PUT the parts to their URLs', schema: DirectUploadCreatedSchema } },
    problems: [400, 409, 413, 415, 422, 429, 503],
  },
  {
    method: 'post',
    path: '/api/uploads/direct/:fileId/complete',
    operationId: 'completeDirectUpload',
    summary: 'Complete a direct upload; the file is sniffed next',
    description: [
      'Joins the parts in the bucket (each part\'s number and the ETag its PUT answered, in ascending order). A part list the bucket refuses',
      '(a part missing, a wrong ETag, out of order) answers 400 `invalid_upload_parts` and the upload stays open for a corrected list.',
      'An object larger than declared (or than MAX_UPLOAD_BYTES) is removed: 413 `payload_too_large`, and the file fails. Otherwise 202:',
      'the file is `importing` while a worker reads it back and sniffs it; GET /api/media/files/{fileId} then shows `ready`, or `failed`',
      'with the codes of any upload (`invalid_media`, `input_too_large`, ...). Completing twice, or after an abort: 409 `upload_not_open`;',
      'after `expiresAt`: 410 `upload_expired`.',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam],
    requestBody: { contentType: 'application/json', schema: CompleteDirectUploadSchema },
    responses: { 202: { description: 'Stored; being sniffed', schema: DirectUploadCompletedSchema } },
    problems: [400, 404, 409, 410, 413, 415, 503],
  },
  {
    method: 'delete',
    path: '/api/uploads/direct/:fileId',
    operationId: 'abortDirectUpload',
    summary: 'Abort a direct upload (its parts and its file are removed)',
    description: 'Only while it is open; a completed upload\'s file is deleted with DELETE /api/media/{fileId}. 409 `upload_not_open` otherwise.',
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: { 204: { description: 'Aborted' } },
    problems: [404, 409, 410, 503],
  },
  {
    method: 'post',
    path: '/api/uploads',
    operationId: 'createResumableUpload',
    summary: 'Create a resumable upload (tus creation, creation-with-upload)',
    description: [
      TUS_REFERENCE,
      'Answers 201 with `Location` (the upload URL; forwarded scheme and host from trusted proxies) and `Upload-Expires`.',
      'Upload-Metadata `filename` and `filetype` become the file\'s name and type. A body sent with',
      '`Content-Type: application/offset+octet-stream` is the upload\'s first bytes (creation-with-upload). The upload',
      'belongs to the caller: other owners get 404 on it. Upload-Length above MAX_UPLOAD_BYTES: 413.',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [
      tusResumable,
      { name: 'Upload-Length', in: 'header', required: false, description: 'Total size in bytes (or send Upload-Defer-Length: 1).', schema: byteCount },
      { name: 'Upload-Defer-Length', in: 'header', required: false, description: 'Size not known yet; declared by a later PATCH.', schema: z.literal('1') },
      {
        name: 'Upload-Metadata',
        in: 'header',
        required: false,
        description: 'Comma-separated `key base64(value)` pairs; `filename` and `filetype` are kept.',
        schema: z.string(),
      },
    ],
    responses: { 201: { description: 'Created; `Location` is the upload URL' } },
    problems: [400, 412, 413, 422, 501, 503],
  },
  {
    method: 'options',
    path: '/api/uploads',
    operationId: 'discoverResumableUploads',
    summary: 'tus capabilities and CORS preflight',
    description: `${TUS_REFERENCE} No token needed (browsers send none with a preflight). Answers Tus-Version, Tus-Extension, Tus-Max-Size.`,
    tag: 'media',
    security: 'none',
    responses: { 204: { description: 'Capabilities in the headers' } },
  },
  {
    method: 'head',
    path: '/api/uploads/:uploadId',
    operationId: 'getResumableUploadOffset',
    summary: 'How many bytes of an upload the server has (Upload-Offset)',
    description: `${TUS_REFERENCE} Answers Upload-Offset, Upload-Length, Upload-Metadata and Upload-Expires. 410 once expired.`,
    tag: 'media',
    security: 'bearer',
    parameters: [uploadIdParam, tusResumable],
    responses: { 200: { description: 'Offset in the headers; no body' } },
    problems: [404, 410, 412, 503],
  },
  {
    method: 'patch',
    path: '/api/uploads/:uploadId',
    operationId: 'appendResumableUpload',
    summary: 'Send bytes of an upload from Upload-Offset on',
    description: [
      TUS_REFERENCE,
      'Answers 204 with the new Upload-Offset. The request that completes the upload answers with `Reelforge-File-Id`',
      '(exposed to browsers through CORS): the file was sniffed, stored and recorded as POST /api/media/upload does, and',
      'is ready for POST /api/media/transcode. If the file is not media it answers as that route does (422 invalid_media)',
      'and the upload is removed.',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [uploadIdParam, tusResumable, uploadOffset],
    requestBody: { contentType: 'application/offset+octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    responses: { 204: { description: 'Stored; `Upload-Offset` is the new offset (and `Reelforge-File-Id` once complete)' } },
    problems: [400, 404, 409, 410, 412, 413, 415, 422, 503],
  },
  {
    method: 'delete',
    path: '/api/uploads/:uploadId',
    operationId: 'terminateResumableUpload',
    summary: 'Abandon an upload and remove its bytes (tus termination)',
    tag: 'media',
    security: 'bearer',
    parameters: [uploadIdParam, tusResumable],
    responses: { 204: { description: 'Removed' } },
    problems: [404, 410, 412, 503],
  },
  {
    method: 'options',
    path: '/api/uploads/:uploadId',
    operationId: 'preflightResumableUpload',
    summary: 'CORS preflight for one upload',
    description: 'No token needed, as for OPTIONS /api/uploads.',
    tag: 'media',
    security: 'none',
    parameters: [uploadIdParam],
    responses: { 204: { description: 'Capabilities in the headers' } },
  },
  {
    method: 'post',
    path: '/api/media/transcode',
    operationId: 'submitTranscode',
    summary: 'Start transcoding an uploaded file to HLS',
    description:
      'While the file has an active job, that job is returned instead of a new one. A `ladder` outside the operator bounds (tallest rung, slowest preset, bitrate table) is refused with 422 `ladder_out_of_bounds`, whose `details.breaches` name each field.',
    tag: 'media',
    security: 'bearer',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Repeating a request with the same key returns the first job.',
        schema: IdempotencyKeySchema,
      },
    ],
    requestBody: { contentType: 'application/json', schema: TranscodeRequestSchema },
    responses: { 202: { description: 'Queued (or the existing job)', schema: TranscodeAcceptedSchema } },
    // 409 file_not_ready: the file is still importing, or its import failed.
    // 429 owner_quota_exceeded (with Retry-After): the file's owner has OWNER_MAX_QUEUED_JOBS queued.
    problems: [400, 404, 409, 413, 415, 422, 429, 503],
  },
  {
    method: 'post',
    path: '/api/media/import',
    operationId: 'importFromUrl',
    summary: 'Import a file from a URL (fetched in the background)',
    description: [
      'The file exists at once, owned by the caller, in state `importing`; a worker fetches it (redirects followed and re-checked, at most',
      'MAX_UPLOAD_BYTES within IMPORT_TIMEOUT_S), sniffs it like an upload, and GET /api/media/files/{fileId} then shows `ready`, or `failed`',
      'with `import_refused`, `import_failed`, `import_timeout`, `payload_too_large`, `invalid_media` or `input_too_large`.',
      'Only http(s) URLs without credentials; private and reserved addresses are refused unless IMPORT_ALLOW_PRIVATE_NETWORKS=true',
      '(a literal here with 422 `import_refused`, a name when the worker connects). With `"transcode": true` (and the transcode options)',
      'the job is created now — GET /api/media/transcode/{fileId} shows it at stage `importing` — and queued once the import is done;',
      'it fails with the import\'s code when the import fails.',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    requestBody: { contentType: 'application/json', schema: ImportRequestSchema },
    responses: { 202: { description: 'Importing', schema: ImportResponseSchema } },
    problems: [400, 413, 415, 422, 429, 503],
  },
  {
    method: 'get',
    path: '/api/media/transcode/:fileId',
    operationId: 'getTranscodeStatus',
    summary: "Status of a file's latest transcode job",
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: { 200: { description: 'Current state', schema: TranscodeStatusSchema } },
    problems: [404, 503],
  },
  {
    method: 'get',
    path: '/api/media/transcode/:fileId/events',
    operationId: 'streamTranscodeEvents',
    summary: 'Follow a transcode live (Server-Sent Events)',
    description: [
      "Events (the JSON `data` of each is described in the response schema's `$defs`, by event name):",
      '`state` (TranscodeStatus) first, then `progress` (ProgressEvent: stage, percent, etaSeconds, speed), and',
      'finally one of `completed`, `failed`, `cancelled` (TranscodeStatus), after which the server ends the stream.',
      'While the job still runs, `playable` (TranscodeStatus, with hlsUrl) is sent once per attempt when its master',
      'playlist is published (or right after `state` when the stream opens on a job that is playable already).',
      'Percent never goes backwards within an attempt; a retry is announced by a `state` event. Comment lines',
      '(`: heartbeat`) keep idle connections open. Event ids are positions in the shared queue event stream; on',
      'reconnect (Last-Event-ID, any replica) the stream starts again with the current state. A job that is already',
      'over gets its final event at once. Clients should close the stream after the final event. When the file is',
      'deleted the stream ends without a final event (a reconnect gets 404).',
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam, { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this event', schema: LAST_EVENT_ID }],
    responses: {
      200: {
        description: 'An event stream; the `data` of each event is JSON, described under its event name in `$defs`',
        contentType: 'text/event-stream',
        schema: { type: 'string' },
        events: {
          state: TranscodeStatusSchema,
          progress: ProgressEventSchema,
          playable: TranscodeStatusSchema,
          completed: TranscodeStatusSchema,
          failed: TranscodeStatusSchema,
          cancelled: TranscodeStatusSchema,
        },
      },
    },
    // 429 too_many_streams (with Retry-After): SSE_MAX_STREAMS_PER_OWNER or SSE_MAX_STREAMS reached.
    problems: [404, 429, 503],
  },
  {
    method: 'post',
    path: '/api/media/transcode/:fileId/cancel',
    operationId: 'cancelTranscode',
    summary: "Cancel a file's queued or running job",
    tag: 'jobs',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: {
      200: { description: 'Already cancelled', schema: JobControlResponseSchema },
      202: { description: 'Cancelled; a running ffmpeg is being stopped', schema: JobControlResponseSchema },
    },
    problems: [404, 409, 503],
  },
  {
    method: 'post',
    path: '/api/media/transcode/:fileId/retry',
    operationId: 'retryTranscode',
    summary: "Retry a file's failed or cancelled job",
    tag: 'jobs',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: { 202: { description: 'Queued as a new attempt', schema: JobControlResponseSchema } },
    problems: [404, 409, 429, 503],
  },
  {
    method: 'get',
    path: '/api/media/jobs',
    operationId: 'listJobs',
    summary: 'List jobs, newest first (cursor-paginated)',
    description: "An API key sees its owner's jobs only; a token from API_TOKENS sees every job.",
    tag: 'jobs',
    security: 'bearer',
    parameters: queryParameters(JobsListQuerySchema, {
      status: 'Only jobs in this status',
      cursor: 'nextCursor of the previous page',
      limit: 'Page size (1-100, default 20)',
    }),
    responses: { 200: { description: 'One page', schema: JobsPageSchema } },
    problems: [400, 503],
  },
  {
    method: 'get',
    path: '/api/media/files/:fileId',
    operationId: 'getFile',
    summary: "A file's facts and state",
    description: [
      'Answers for any file, with or without a transcode job. `state`: `ready` once stored and sniffed; `importing` while a URL',
      'import or the sniff of a completed direct upload runs; `uploading` until a direct upload is completed; `failed` (with',
      "`error.code`) when it never became usable. An API key sees only its owner's files (404 otherwise, as for an unknown id).",
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: { 200: { description: 'The file', schema: FileStatusSchema } },
    problems: [404, 503],
  },
  {
    method: 'delete',
    path: '/api/media/:fileId',
    operationId: 'deleteFile',
    summary: 'Delete a file with everything derived from it',
    description: [
      'Removes the original and every HLS output from storage and cancels an active job; the jobs and their',
      'audit trail stay (an operator can still read them). From the answer on, every route, the player page and',
      'its status answer 404 for the file, and no job can be started or retried for it. Output already copied by',
      'a CDN may live on there until its cache expires. 204 when nothing was running; 202 when a worker was',
      'encoding the file: it is told to stop and removes what it wrote meanwhile once ffmpeg has ended. Deleting',
      'again answers 404. 503 `storage_unavailable` means the file is deleted but storage kept some of its data:',
      "send the same DELETE again to finish. An API key may delete only its owner's files.",
    ].join(' '),
    tag: 'media',
    security: 'bearer',
    parameters: [fileIdParam],
    responses: {
      202: { description: 'Deleted; the job that was running is being stopped', schema: JobControlResponseSchema },
      204: { description: 'Deleted' },
    },
    problems: [404, 503],
  },
  {
    method: 'get',
    path: '/api/admin/usage',
    operationId: 'ownerUsage',
    summary: 'Usage per owner: jobs by status, minutes encoded, files and bytes stored (administrators only)',
    description: [
      'Only for tokens from API_TOKENS; to an API key this route does not exist (404 route_not_found).',
      'minutesEncoded sums the input duration of completed jobs; bytesStored counts uploaded originals (output sizes are not recorded).',
    ].join(' '),
    tag: 'operations',
    security: 'bearer',
    parameters: queryParameters(UsageQuerySchema, { owner: 'Only this owner (an entry with zeros when it has nothing)' }),
    responses: { 200: { description: 'Usage per owner', schema: UsageReportSchema } },
    problems: [400, 404, 503],
  },
  {
    method: 'get',
    path: '/api/webhooks/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Webhook delivery log, newest first (cursor-paginated), each delivery with its attempts',
    description: "An API key sees its owner's deliveries only (`owner` naming another owner gives an empty page); a token from API_TOKENS sees every owner's and may pass `owner` to narrow.",
    tag: 'webhooks',
    security: 'bearer',
    parameters: queryParameters(WebhookDeliveriesQuerySchema, {
      status: 'Only deliveries in this status',
      owner: "Only this owner's deliveries (administrators)",
      cursor: 'nextCursor of the previous page',
      limit: 'Page size (1-100, default 20)',
    }),
    responses: { 200: { description: 'One page', schema: WebhookDeliveriesPageSchema } },
    problems: [400, 503],
  },
  {
    method: 'post',
    path: '/api/webhooks/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhook',
    summary: 'Send a delivered or failed webhook event again',
    description:
      "The same event (same id and body) as the delivery's next attempt, signed afresh with the owner's current secrets and retried on the usual schedule. Another owner's delivery is a 404; one still being attempted is a 409 `webhook_delivery_pending`.",
    tag: 'webhooks',
    security: 'bearer',
    parameters: [{ name: 'deliveryId', in: 'path', required: true, description: 'A deliveryId from the delivery log.', schema: DeliveryIdSchema }],
    responses: { 202: { description: 'Queued again', schema: WebhookDeliveryViewSchema } },
    problems: [400, 404, 409, 503],
  },
  {
    method: 'get',
    path: '/watch/:fileId',
    operationId: 'watchPage',
    summary: 'Public player page (hls.js)',
    description: 'No token: whoever has the file id may watch, as the HLS output itself is public. Unknown ids get the page with status 404.',
    tag: 'player',
    security: 'none',
    parameters: [fileIdParam],
    responses: {
      200: { description: 'HTML page', contentType: 'text/html', schema: { type: 'string' } },
      404: { description: 'HTML page saying the video is unknown', contentType: 'text/html', schema: { type: 'string' } },
    },
  },
  {
    method: 'get',
    path: '/watch/:fileId/status.json',
    operationId: 'watchStatus',
    summary: "What the public player may know about a file's transcode",
    tag: 'player',
    security: 'none',
    parameters: [fileIdParam],
    responses: { 200: { description: 'Status without private details', schema: WatchStatusSchema } },
    problems: [404, 503],
  },
  {
    method: 'get',
    path: '/assets/hls.min.js',
    operationId: 'hlsScript',
    summary: 'hls.js, served from the installed package',
    tag: 'player',
    security: 'none',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript', schema: { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/assets/watch.js',
    operationId: 'watchScript',
    summary: 'Script of the player page',
    tag: 'player',
    security: 'none',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript', schema: { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process serves HTTP',
    tag: 'operations',
    security: 'none',
    responses: { 200: { description: 'Alive', schema: HealthSchema } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Postgres, Redis and storage answer',
    tag: 'operations',
    security: 'none',
    responses: { 200: { description: 'Ready', schema: ReadinessSchema } },
    problems: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      'With METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`. Without it, it is open in development and test and off (404 `metrics_disabled`) in production.',
    tag: 'operations',
    security: 'metrics',
    responses: { 200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain', schema: { type: 'string' } } },
    problems: [401, 404],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    security: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
  },
];

/** Registered under components.schemas by these names, referenced by $ref everywhere else. */
export const NAMED_SCHEMAS = {
  TranscodeRequest: TranscodeRequestSchema,
  UploadResponse: UploadResponseSchema,
  TranscodeAccepted: TranscodeAcceptedSchema,
  TranscodeStatus: TranscodeStatusSchema,
  JobControlResponse: JobControlResponseSchema,
  FileStatus: FileStatusSchema,
  JobsPage: JobsPageSchema,
  WebhookDeliveriesPage: WebhookDeliveriesPageSchema,
  WebhookDelivery: WebhookDeliveryViewSchema,
  WatchStatus: WatchStatusSchema,
  ProgressEvent: ProgressEventSchema,
  Health: HealthSchema,
  Readiness: ReadinessSchema,
  Problem: ProblemSchema,
} satisfies Record<string, z.ZodType>;
