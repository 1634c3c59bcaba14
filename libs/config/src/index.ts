export { ConfigError, type ConfigProblem } from './config.errors.js';
export { crossVariableProblems, EnvSchema, type Env, type ProcessRole } from './env.schema.js';
export {
  loadConfig,
  loadConfigOrExit,
  storageDriverConfig,
  type Config,
  type LoadConfigOptions,
  type MetricsAccess,
  type StorageConfig,
} from './config.loader.js';
export { createLogger } from './logger.factory.js';
