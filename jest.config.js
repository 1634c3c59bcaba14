// Native ESM under Jest: swc strips types and keeps `import`, Node runs the modules
// (NODE_OPTIONS=--experimental-vm-modules is set by the npm scripts).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  // Source imports use NodeNext-style `.js` suffixes; Jest resolves them to the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/apps/*/test/**/*.spec.ts', '<rootDir>/libs/*/test/**/*.spec.ts', '<rootDir>/tools/test/**/*.spec.ts', '<rootDir>/test/e2e/**/*.spec.ts'],
  setupFiles: ['<rootDir>/tools/testing/fast-check.setup.ts'],
  globalSetup: '<rootDir>/tools/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/tools/testing/global-teardown.mjs',
  maxWorkers: 2,
  testTimeout: 60_000,
};
