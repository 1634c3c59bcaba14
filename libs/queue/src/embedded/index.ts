// Development only (npm start, the demo, tests, benchmarks): a private redis-server. The API and worker never import it.
export { RedisServerMissingError, startEmbeddedRedis, type EmbeddedRedis, type EmbeddedRedisOptions } from '../embedded-redis.js';
