/**
 * Browser tests (`npm run test:e2e`): the real server, the e2e host + route proxy, Chromium.
 * Not part of `npm test`.
 */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.e2e.test.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
};
