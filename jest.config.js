// Three tiers (see test/README.md): unit (no database), integration (a real database:
// embedded PGlite by default, PostgreSQL when TEST_DATABASE_URL is set), e2e (HTTP and browser).
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
// Accounts the tests make hash at argon2id's smallest cost (test/setup/password-cost.ts; unit tests keep the real one).
const PASSWORD_COST = ['<rootDir>/test/setup/password-cost.ts'];
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFiles: PASSWORD_COST,
      slowTestThreshold: 20,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFiles: PASSWORD_COST,
      slowTestThreshold: 60,
    },
  ],
  testTimeout: 60000,
  // The slowest files first, also on a clean clone where jest has no timings of its own (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
  // Jest's default is one worker per core but one, i.e. a single worker on a 2-vCPU machine; the suites wait
  // mostly on PostgreSQL, so one worker more than the cores runs them ~40 % faster (measured when there were 16
  // integration files: 62 → 38 s).
  // At most 4: every worker's suites open their own databases and pools on one server.
  maxWorkers: Math.max(2, Math.min(4, require('node:os').availableParallelism() + 1)),
  // How long a worker may take to exit once told to, before jest kills it and says "A worker process has failed
  // to exit gracefully". Jest's 500 ms is too short here, with no handle left open: a worker's event loop is
  // empty and its 'exit' fires within a millisecond, but Node then frees its heap (250-450 MB after a few
  // integration files: the app's modules, loaded anew per file) — ~300 ms for 450 MB on an idle machine, and all
  // workers exit at once on 2 vCPUs, often beside another run. A handle really left open never lets a worker
  // exit, so it is still reported, only 5 s later.
  workerGracefulExitTimeout: 5_000,
};
