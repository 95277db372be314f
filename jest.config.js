// Jest runs the TypeScript sources as native ES modules (see README, "Test it").
const base = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import siblings as `./x.js` (NodeNext); map them back to the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

const projects = [
  {
    ...base,
    displayName: 'sqlite',
    roots: ['<rootDir>/src', '<rootDir>/test'],
    testRegex: '\\.(spec|e2e-spec)\\.ts$',
  },
];

// With a PostgreSQL server to create databases on, the e2e suite runs on PostgreSQL too (and
// the scale-out suite, which also needs REDIS_URL).
if (!process.env.DATABASE_URL_TEST_PG) {
  console.warn(
    'The e2e suite runs on SQLite only: with a PostgreSQL server (and Redis for the scale-out specs), ' +
      'DATABASE_URL_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm test ' +
      'runs it on PostgreSQL too.',
  );
}
if (process.env.DATABASE_URL_TEST_PG) {
  projects.push({
    ...base,
    displayName: 'postgres',
    roots: ['<rootDir>/test'],
    testRegex: '\\.e2e-spec\\.ts$',
    testPathIgnorePatterns: ['/node_modules/', 'generated-files'],
    setupFiles: ['<rootDir>/test/support/postgres.setup.ts'],
  });
}

/** @type {import('jest').Config} */
export default {
  projects,
  testTimeout: 30000,
  // The browser specs are served the web app as `tsc -p web` builds it (dist/web).
  globalSetup: '<rootDir>/test/support/build.mjs',
};
