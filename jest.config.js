/**
 * Root jest configuration: `npm test` runs every project below.
 * Browser (e2e) tests have their own config: tests/e2e/jest.config.js (`npm run test:e2e`).
 */
module.exports = {
  projects: [
    '<rootDir>/datasource-server',
    '<rootDir>/plugins/*/jest.config.js',
    '<rootDir>/tests/static/jest.config.js',
  ],
};
