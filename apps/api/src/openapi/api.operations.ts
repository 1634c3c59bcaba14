import { z } from 'zod';
import { JobsListQuerySchema, JobsPageSchema } from '../media/jobs-list.schema.js';
import { FileIdSchema, IdempotencyKeySchema, TranscodeRequestSchema } from '../media/transcode.request.js';
import {
  HealthSchema,
  JobControlResponseSchema,
  ProblemSchema,
  ProgressEventSchema,
  ReadinessSchema,
  TranscodeAcceptedSchema,
  TranscodeStatusSchema,
  UploadResponseSchema,
  WatchStatusSchema,
} from './response.schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

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
  tag: 'media' | 'jobs' | 'player' | 'operations';
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

const LAST_EVENT_ID = z.string().regex(/^\d+-\d+$/).describe('Sent by EventSource clients on reconnect');

/** Every HTTP operation of the API. A test checks this table against the routes Express has. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/api/media/upload',
    operationId: 'uploadMedia',
    summary: 'Upload a video',
    description: 'Streamed to storage; the content is checked with ffprobe before the file is accepted.',
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
    path: '/api/media/transcode',
    operationId: 'submitTranscode',
    summary: 'Start transcoding an uploaded file to HLS',
    description: 'While the file has an active job, that job is returned instead of a new one.',
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
    problems: [400, 404, 413, 415, 422, 503],
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
      'over gets its final event at once. Clients should close the stream after the final event.',
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
    problems: [404, 503],
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
    problems: [404, 409, 503],
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
  JobsPage: JobsPageSchema,
  WatchStatus: WatchStatusSchema,
  ProgressEvent: ProgressEventSchema,
  Health: HealthSchema,
  Readiness: ReadinessSchema,
  Problem: ProblemSchema,
} satisfies Record<string, z.ZodType>;
