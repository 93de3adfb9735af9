module.exports = {
  displayName: 'server',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // cookie@2 (used by fastify.inject) ships ESM only; compile it for jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  moduleNameMapper: { '^@oma-insights/contracts$': '<rootDir>/../packages/contracts/src' },
  testTimeout: 120_000,
  globalSetup: '<rootDir>/test/global-setup.ts',
};
