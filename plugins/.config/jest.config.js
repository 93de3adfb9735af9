'use strict';
/**
 * Shared jest configuration for every plugin (jsdom + React Testing Library, @swc/jest).
 * A plugin's jest.config.js is one line: `module.exports = require('../.config/jest.config')(__dirname);`
 */
const path = require('node:path');

/** Packages in node_modules that only ship ES modules and therefore must be transformed. */
const ESM_PACKAGES = ['ol', 'react-colorful', 'd3', 'd3-[a-z-]+', 'internmap', 'uuid', 'marked'];

module.exports = function createJestConfig(pluginDir) {
  const pkg = require(path.join(pluginDir, 'package.json'));
  return {
    displayName: pkg.name.replace(/^@[^/]+\//, ''),
    rootDir: pluginDir,
    testEnvironment: 'jsdom',
    // Resolve "import" conditions the way a browser bundler does.
    testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
    setupFilesAfterEnv: [path.join(__dirname, 'jest-setup.js')],
    testMatch: ['<rootDir>/src/**/*.{spec,test}.{ts,tsx}'],
    moduleNameMapper: {
      '\\.(css|scss|sass)$': path.join(__dirname, 'jest', 'style-mock.js'),
    },
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        {
          sourceMaps: 'inline',
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
            transform: { react: { runtime: 'automatic' } },
          },
        },
      ],
    },
    transformIgnorePatterns: [`node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  };
};
