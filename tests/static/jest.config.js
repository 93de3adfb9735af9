/** Static checks of repository artefacts (plugin.json, provisioning, dashboards); Node environment. */
module.exports = {
  displayName: 'static',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  globalSetup: '<rootDir>/global-setup.ts',
  // Server sources imported by the static checks use the contracts from source, built or not.
  moduleNameMapper: {
    '^@oma-insights/contracts$': '<rootDir>/../../packages/contracts/src',
    '^@oma-insights/contracts/(.*)$': '<rootDir>/../../packages/contracts/src/$1',
  },
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
};
