// The container scenarios: the real images and the Compose stack (npm run test:containers; also the
// last phase of npm test). One file at a time: each drives several containers on a 2-core machine.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/containers/**/*.spec.ts'],
  globalSetup: '<rootDir>/tools/testing/containers-setup.mjs',
  globalTeardown: '<rootDir>/tools/testing/containers-teardown.mjs',
  maxWorkers: 1,
  testTimeout: 900_000,
};
