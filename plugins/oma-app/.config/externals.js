'use strict';
/**
 * Modules that Grafana shares with plugins at runtime (SystemJS import map), so a plugin bundle
 * must not contain its own copy. The list follows @grafana/create-plugin's `bundler/externals`,
 * plus `react/jsx-runtime` / `react/jsx-dev-runtime`, which Grafana >= 12.3 shares as well; sharing
 * them keeps the bundle working when Grafana runs a newer React than the one we compile against.
 * `react-router` is shared (Grafana gives its v6 API); `react-router-dom` is not: Grafana's is v5,
 * so the app bundles react-router-dom v6, whose `react-router` import resolves to Grafana's.
 *
 * The e2e host (tests/e2e/host) registers the same names; tests/static checks the two lists agree.
 */

/** Exact module names shared by Grafana. */
const SHARED_MODULE_NAMES = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
];

/** Package prefixes shared by Grafana, including their sub-paths (e.g. `@grafana/data/unstable`). */
const SHARED_MODULE_PATTERNS = [/^@grafana\/ui/i, /^@grafana\/runtime/i, /^@grafana\/data/i];

/** Legacy SDK imports (`grafana/app/...`) resolve to Grafana's own modules without the prefix. */
function legacyGrafanaPrefix({ request }, callback) {
  const prefix = 'grafana/';
  if (request && request.startsWith(prefix)) {
    return callback(undefined, request.slice(prefix.length));
  }
  return callback();
}

const externals = [
  // Lets a plugin resolve its public path at runtime from the AMD module id.
  { 'amd-module': 'module' },
  ...SHARED_MODULE_NAMES,
  ...SHARED_MODULE_PATTERNS,
  legacyGrafanaPrefix,
];

module.exports = { externals, SHARED_MODULE_NAMES, SHARED_MODULE_PATTERNS };
