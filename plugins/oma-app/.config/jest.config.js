'use strict';
/**
 * Jest configuration of the app and its nested plugins (jsdom + React Testing Library, @swc/jest).
 * The project's jest.config.js is one line: `module.exports = require('./.config/jest.config')(__dirname);`
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/**
 * Packages in node_modules that ship only ES modules (Grafana's dependencies include many:
 * d3-*, react-calendar, ...). Jest runs CommonJS, so these must go through the transform.
 * Found by reading each installed package.json once per jest start (a few milliseconds).
 */
function esmOnlyPackages(root = NODE_MODULES) {
  const found = [];
  const visit = (dir, prefix) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@') && !prefix) {
        visit(path.join(dir, entry.name), `${entry.name}/`);
        continue;
      }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, entry.name, 'package.json'), 'utf8'));
        const main = String(pkg.main || '');
        if (pkg.type === 'module' || main.endsWith('.mjs')) found.push(`${prefix}${entry.name}`);
      } catch {
        // not a package
      }
    }
  };
  visit(root, '');
  return found;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = function createJestConfig(pluginDir) {
  const pkg = require(path.join(pluginDir, 'package.json'));
  return {
    displayName: pkg.name.replace(/^@[^/]+\//, ''),
    rootDir: pluginDir,
    testEnvironment: 'jsdom',
    // Prefer the CommonJS builds of dependencies (jest runs CommonJS).
    testEnvironmentOptions: { customExportConditions: ['require', 'default'] },
    setupFilesAfterEnv: [path.join(__dirname, 'jest-setup.js')],
    testMatch: ['<rootDir>/src/**/*.{spec,test}.{ts,tsx}'],
    moduleNameMapper: {
      '\\.(css|scss|sass)$': path.join(__dirname, 'jest', 'style-mock.js'),
      '^react-inlinesvg$': path.join(__dirname, 'jest', 'react-inlinesvg.js'),
      '^@oma-insights/contracts/(.*)$': path.join(REPO_ROOT, 'packages', 'contracts', 'src', '$1'),
    },
    transform: {
      '^.+\\.(mjs|[tj]sx?)$': [
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
    transformIgnorePatterns: [`node_modules/(?!(${esmOnlyPackages().map(escapeRegExp).join('|')})/)`],
  };
};
