export { type S3rverHandle, startS3rver } from './s3rver.server.js';
