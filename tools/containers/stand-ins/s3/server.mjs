// s3rver on 0.0.0.0:9000 with the bucket the compose stack uses (S3_BUCKET), created at start.
// Path-style only, as MinIO serves it: with virtual hosts on, s3rver takes the host name "minio" for a bucket.
import S3rver from 's3rver';

const bucket = process.env.S3_BUCKET || 'reelforge';
const server = new S3rver({ address: '0.0.0.0', port: 9000, silent: false, directory: '/data', vhostBuckets: false, configureBuckets: [{ name: bucket }] });
server.run().then(
  ({ port }) => console.log(`s3rver listening on ${port} with bucket ${bucket}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
