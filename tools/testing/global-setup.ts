export default async function globalSetup(): Promise<void> {
  process.env.REELFORGE_TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.REELFORGE_TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
}
