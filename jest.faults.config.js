/* global module */
// Fault tests (`npm run test:faults`): private PostgreSQL clusters restarted mid-work, hub faults.
// Kept out of `npm test` (jest.config.js) because they start their own PostgreSQL servers; CI runs
// them right after `npm test`. One file at a time: each starts clusters and server processes.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
module.exports = {
  displayName: 'faults',
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 120000,
  slowTestThreshold: 60,
};
