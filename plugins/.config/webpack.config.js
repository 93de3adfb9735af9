'use strict';
/**
 * The one webpack configuration every plugin in plugins/* is built with (create-plugin layout):
 *   plugins/<name>/src/module.ts  -> plugins/<name>/dist/module.js (AMD, Grafana's shared modules
 *   as externals), plus plugin.json (with %VERSION% / %TODAY% / %PLUGIN_ID% filled in), img/,
 *   README.md and CHANGELOG.md copied into dist/.
 *
 * Use: `createPluginConfig({ pluginDir, production })` (see build.js), or through webpack-cli with
 * `--env pluginDir=<path>`.
 */
const fs = require('node:fs');
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { externals } = require('./externals');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CONTRACTS_SRC = path.join(REPO_ROOT, 'packages', 'contracts', 'src');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Values substituted into plugin.json and README.md when they are copied into dist/. */
function templateValues(pluginDir, now = new Date()) {
  const pkg = readJson(path.join(pluginDir, 'package.json'));
  const pluginJson = readJson(path.join(pluginDir, 'src', 'plugin.json'));
  return {
    VERSION: pkg.version,
    TODAY: now.toISOString().slice(0, 10),
    PLUGIN_ID: pluginJson.id,
  };
}

function fillTemplate(text, values) {
  return text.replace(/%(VERSION|TODAY|PLUGIN_ID)%/g, (_m, key) => values[key]);
}

/** TypeScript/TSX (and our own JS) through swc, with React's automatic JSX runtime. */
function swcRule() {
  return {
    test: /\.[tj]sx?$/,
    exclude: /node_modules/,
    use: {
      loader: 'swc-loader',
      options: {
        jsc: {
          target: 'es2020',
          parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
          transform: { react: { runtime: 'automatic' } },
        },
      },
    },
  };
}

function createPluginConfig({ pluginDir, production = true }) {
  const absDir = path.resolve(pluginDir);
  const srcDir = path.join(absDir, 'src');
  const distDir = path.join(absDir, 'dist');
  const values = templateValues(absDir);
  const pluginId = values.PLUGIN_ID;
  const fill = (content) => Buffer.from(fillTemplate(content.toString('utf8'), values));

  const entry = {
    module: path.join(srcDir, fs.existsSync(path.join(srcDir, 'module.tsx')) ? 'module.tsx' : 'module.ts'),
  };

  return {
    name: pluginId,
    mode: production ? 'production' : 'development',
    context: srcDir,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry,
    externals,
    cache: {
      type: 'filesystem',
      cacheDirectory: path.join(REPO_ROOT, 'node_modules', '.cache', 'webpack', pluginId),
      buildDependencies: { config: [__filename, require.resolve('./externals')] },
    },
    module: {
      rules: [
        swcRule(),
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: {
            publicPath: `public/plugins/${pluginId}/img/`,
            outputPath: 'img/',
            filename: production ? '[hash][ext]' : '[file]',
          },
        },
      ],
    },
    output: {
      clean: true,
      filename: '[name].js',
      library: { type: 'amd' },
      path: distDir,
      publicPath: `public/plugins/${pluginId}/`,
      uniqueName: pluginId,
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: path.join(srcDir, 'plugin.json'), to: '.', transform: fill },
          { from: path.join(absDir, 'README.md'), to: '.', transform: fill },
          { from: path.join(absDir, 'CHANGELOG.md'), to: '.' },
          { from: path.join(REPO_ROOT, 'LICENSE'), to: '.', noErrorOnMissing: true },
          { from: 'img/**/*', to: '.', noErrorOnMissing: true },
        ],
      }),
    ],
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx'],
      modules: [srcDir, 'node_modules'],
      // The shared contracts come from source. Plugins take values only from their TypeBox-free
      // modules and types (`import type`, erased) from any; tests/static checks the bundle.
      alias: { '@oma-insights/contracts': CONTRACTS_SRC },
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}

module.exports = (env = {}) =>
  createPluginConfig({ pluginDir: env.pluginDir || process.cwd(), production: !env.development });
module.exports.createPluginConfig = createPluginConfig;
module.exports.fillTemplate = fillTemplate;
module.exports.templateValues = templateValues;
module.exports.swcRule = swcRule;
