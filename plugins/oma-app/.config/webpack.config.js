'use strict';
/**
 * The webpack build of the app and its nested plugins (the @grafana/create-plugin layout):
 *   src/module.tsx            -> dist/module.js              the app
 *   src/<path>/module.ts(x)   -> dist/<path>/module.js       each nested plugin (see entries.js)
 * AMD modules with Grafana's shared modules as externals. Beside each module.js: its plugin.json
 * (%VERSION%, %TODAY%, %PLUGIN_ID% filled in), README.md and the logos and screenshots its
 * plugin.json names. At the top: CHANGELOG.md, LICENSE and the app's dashboards.
 *
 * Use: `createConfig({ production })` (see build.js), or webpack-cli with this file.
 */
const fs = require('node:fs');
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { declaredAssets, findPlugins } = require('./entries');
const { externals } = require('./externals');

const APP_DIR = path.resolve(__dirname, '..');
const SRC_DIR = path.join(APP_DIR, 'src');
const DIST_DIR = path.join(APP_DIR, 'dist');
const REPO_ROOT = path.resolve(APP_DIR, '..', '..');
const CONTRACTS_SRC = path.join(REPO_ROOT, 'packages', 'contracts', 'src');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Values substituted into plugin.json and README.md files when they are copied into dist/. */
function templateValues(pluginId, now = new Date()) {
  return {
    VERSION: readJson(path.join(APP_DIR, 'package.json')).version,
    TODAY: now.toISOString().slice(0, 10),
    PLUGIN_ID: pluginId,
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

/** What copy-webpack-plugin copies for one plugin (app or nested) into its dist folder. */
function copyPatterns(plugin) {
  const values = templateValues(plugin.pluginJson.id);
  const fill = (content) => Buffer.from(fillTemplate(content.toString('utf8'), values));
  const to = (file) => path.posix.join(plugin.relDir || '.', file);
  const readme = plugin.relDir ? path.join(plugin.dir, 'README.md') : path.join(APP_DIR, 'README.md');
  return [
    { from: path.join(plugin.dir, 'plugin.json'), to: to('plugin.json'), transform: fill },
    { from: readme, to: to('README.md'), transform: fill, noErrorOnMissing: plugin.relDir !== '' },
    ...declaredAssets(plugin.pluginJson).map((file) => ({ from: path.join(plugin.dir, file), to: to(file) })),
  ];
}

function createConfig({ production = true } = {}) {
  const plugins = findPlugins(SRC_DIR);
  const app = plugins[0];
  if (!app || app.relDir !== '')
    throw new Error(`no app plugin: ${SRC_DIR} needs plugin.json and module.tsx`);
  const appId = app.pluginJson.id;

  return {
    name: appId,
    mode: production ? 'production' : 'development',
    context: SRC_DIR,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: Object.fromEntries(plugins.map((p) => [p.entry, p.moduleFile])),
    externals,
    cache: {
      type: 'filesystem',
      cacheDirectory: path.join(REPO_ROOT, 'node_modules', '.cache', 'webpack', appId),
      buildDependencies: {
        config: [__filename, require.resolve('./externals'), require.resolve('./entries')],
      },
    },
    module: {
      rules: [
        swcRule(),
        // Stylesheets of libraries (React Flow's), injected when the module loads, as create-plugin does.
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { outputPath: 'img/', filename: production ? '[hash][ext]' : '[file]' },
        },
      ],
    },
    output: {
      clean: true,
      filename: '[name].js',
      chunkFilename: '[name].[contenthash].js',
      library: { type: 'amd' },
      path: DIST_DIR,
      // Relative to Grafana's base URL, and the app's own folder for every entry: chunks and
      // assets are emitted at the top of dist/, which Grafana serves as the app's folder (a nested
      // plugin's own folder would not have them).
      publicPath: `public/plugins/${appId}/`,
      uniqueName: appId,
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          ...plugins.flatMap(copyPatterns),
          { from: path.join(APP_DIR, 'CHANGELOG.md'), to: '.' },
          { from: path.join(REPO_ROOT, 'LICENSE'), to: '.' },
          { from: '**/dashboards/*.json', context: SRC_DIR, to: '.', noErrorOnMissing: true },
        ],
      }),
    ],
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx'],
      modules: [SRC_DIR, 'node_modules'],
      // The shared contracts come from source. Plugins take values only from their TypeBox-free
      // modules and types (`import type`, erased) from any; tests/static checks the bundle.
      alias: { '@oma-insights/contracts': CONTRACTS_SRC },
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}

module.exports = (env = {}) => createConfig({ production: !env.development });
module.exports.createConfig = createConfig;
module.exports.fillTemplate = fillTemplate;
module.exports.swcRule = swcRule;
module.exports.APP_DIR = APP_DIR;
module.exports.SRC_DIR = SRC_DIR;
module.exports.DIST_DIR = DIST_DIR;
