/**
 * Root jest configuration: `npm test` runs every project below.
 * Browser (e2e) tests have their own config: tests/e2e/jest.config.js (`npm run test:e2e`).
 */
module.exports = {
  // Jest reads testTimeout from the root config only; the server's database suites need it.
  testTimeout: 120_000,
  projects: [
    '<rootDir>/datasource-server',
    '<rootDir>/plugins/*/jest.config.js',
    '<rootDir>/tests/static/jest.config.js',
  ],
};
