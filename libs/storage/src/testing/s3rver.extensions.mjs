/**
 * What the test support adds to s3rver 3.7 so it answers like S3 where Reelforge depends on it:
 * the multipart calls it lacks, and checks of presigned URLs. Loaded by the s3rver child process.
 */
import { addMultipartCalls } from './s3rver.multipart.mjs';
import { addPresignedUrlCheck } from './s3rver.presigned-check.mjs';

/**
 * @param {{ middleware: Function[] }} server an S3rver (a Koa application), before `run()`
 * @param {string} s3rverMain the path `require.resolve('s3rver')` gave
 */
export function extendS3rver(server, s3rverMain) {
  addPresignedUrlCheck(server, s3rverMain);
  addMultipartCalls(server, s3rverMain);
}
