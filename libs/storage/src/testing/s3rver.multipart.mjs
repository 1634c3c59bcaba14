/**
 * The multipart calls s3rver 3.7 lacks or takes too loosely, added in front of its router so tests
 * meet what AWS S3, Spaces and MinIO do:
 *
 * - ListParts (GET ?uploadId), AbortMultipartUpload (DELETE ?uploadId) and ListMultipartUploads
 *   (GET bucket ?uploads): s3rver answers these with MethodNotAllowed or NotImplemented.
 * - CompleteMultipartUpload checks the parts as S3 does: NoSuchUpload for an unknown (finished or
 *   aborted) upload, InvalidPart for a part never uploaded or an ETag that does not match,
 *   InvalidPartOrder unless part numbers ascend, EntityTooSmall for a part under 5 MiB but the last.
 *   s3rver concatenates whatever is on disk.
 *
 * Requests pass through s3rver's own signature check first. Runs in the s3rver child process,
 * loading s3rver's modules and dependencies (CommonJS) from s3rver's own location.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** S3's smallest part, the last one excepted. */
const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;

/**
 * @param {{ middleware: Function[] }} server an S3rver (a Koa application), before `run()`
 * @param {string} s3rverMain the path `require.resolve('s3rver')` gave
 */
export function addMultipartCalls(server, s3rverMain) {
  const require = createRequire(s3rverMain);
  const Router = require('@koa/router');
  const xmlParser = require('fast-xml-parser');
  const he = require('he');
  const S3Error = require('./models/error.js');
  const authentication = require('./middleware/authentication.js');

  const uploadsDir = (ctx) => ctx.store.getResourcePath(ctx.params.bucket, undefined, 'uploads');

  /** The upload's directory, or NoSuchUpload when it is unknown or belongs to another key. */
  async function openUpload(ctx) {
    const dir = path.join(uploadsDir(ctx), path.basename(String(ctx.query.uploadId)));
    const key = await fs.readFile(path.join(dir, 'key'), 'utf8').catch(() => undefined);
    if (key === undefined || key !== ctx.params.key) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: String(ctx.query.uploadId) });
    }
    return dir;
  }

  async function storedParts(dir) {
    const names = (await fs.readdir(dir)).filter((name) => /^\d+$/.test(name));
    const parts = await Promise.all(
      names.map(async (name) => {
        const [md5, stat] = await Promise.all([fs.readFile(path.join(dir, `${name}.md5`), 'utf8'), fs.stat(path.join(dir, name))]);
        return { PartNumber: Number(name), ETag: JSON.stringify(md5), Size: stat.size, LastModified: stat.mtime.toISOString() };
      }),
    );
    return parts.sort((a, b) => a.PartNumber - b.PartNumber);
  }

  async function readXml(ctx) {
    let text = '';
    for await (const chunk of ctx.req) text += chunk.toString('utf8');
    if (xmlParser.validate(text) !== true) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed.');
    return xmlParser.parse(text, { parseNodeValue: false, tagValueProcessor: (value) => he.decode(value) });
  }

  const when = (parameter) => (ctx, next) => (parameter in ctx.query ? authentication()(ctx, next) : ctx.state.passOn());
  const router = new Router();
  // A route that does not apply hands the request to s3rver's router untouched.
  router.use(async (ctx, next) => {
    let passed = false;
    ctx.state.passOn = () => {
      passed = true;
    };
    await next();
    if (!passed) return;
    // s3rver's router matches `ctx.routerPath` when set: clear what this router left behind.
    ctx.routerPath = undefined;
    ctx.params = {};
    await ctx.state.outerNext();
  });

  router.get('/:bucket/:key+', when('uploadId'), async (ctx) => {
    const dir = await openUpload(ctx);
    const parts = await storedParts(dir);
    ctx.body = {
      ListPartsResult: { Bucket: ctx.params.bucket, Key: ctx.params.key, UploadId: String(ctx.query.uploadId), IsTruncated: false, Part: parts },
    };
  });

  router.delete('/:bucket/:key+', when('uploadId'), async (ctx) => {
    await fs.rm(await openUpload(ctx), { recursive: true, force: true });
    ctx.status = 204;
  });

  router.post('/:bucket/:key+', when('uploadId'), async (ctx) => {
    const dir = await openUpload(ctx);
    const body = await readXml(ctx);
    const listed = body.CompleteMultipartUpload && body.CompleteMultipartUpload.Part;
    if (!listed) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const requested = [].concat(listed).map((part) => ({ number: Number(part.PartNumber), etag: String(part.ETag).replace(/"/g, '') }));
    const stored = new Map((await storedParts(dir)).map((part) => [part.PartNumber, part]));
    requested.forEach((part, index) => {
      if (index > 0 && part.number <= requested[index - 1].number) throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order.');
      const found = stored.get(part.number);
      if (!found || JSON.parse(found.ETag) !== part.etag) {
        throw new S3Error('InvalidPart', "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
      }
      if (index < requested.length - 1 && found.Size < MIN_PART_SIZE_BYTES) {
        throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      }
    });
    const { md5 } = await ctx.store.putObjectMultipart(ctx.params.bucket, String(ctx.query.uploadId), requested);
    ctx.body = {
      CompleteMultipartUploadResult: { Location: ctx.href.split('?')[0], Bucket: ctx.params.bucket, Key: ctx.params.key, ETag: JSON.stringify(md5) },
    };
  });

  router.get('/:bucket', when('uploads'), async (ctx) => {
    const root = uploadsDir(ctx);
    const ids = await fs.readdir(root).catch(() => []);
    const prefix = String(ctx.query.prefix ?? '');
    const uploads = [];
    for (const id of ids) {
      const key = await fs.readFile(path.join(root, id, 'key'), 'utf8').catch(() => undefined);
      if (key === undefined || !key.startsWith(prefix)) continue;
      const { birthtime } = await fs.stat(path.join(root, id));
      uploads.push({ Key: key, UploadId: id, Initiated: birthtime.toISOString() });
    }
    ctx.body = { ListMultipartUploadsResult: { Bucket: ctx.params.bucket, Prefix: prefix, IsTruncated: false, Upload: uploads } };
  });

  const routes = router.routes();
  const extension = (ctx, next) => {
    ctx.state.outerNext = next;
    return routes(ctx, next);
  };
  // s3rver's router is its last middleware: these go just before it.
  server.middleware.splice(server.middleware.length - 1, 0, extension);
}
