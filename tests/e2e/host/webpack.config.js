'use strict';
/**
 * Bundles the e2e host page (host.tsx) with the real Grafana packages it shares with plugins.
 * webpack rather than esbuild: an esbuild bundle of @grafana/data broke at runtime on a lodash
 * interop.
 */
const path = require('node:path');
const webpack = require('webpack');
const { swcRule } = require('../../../plugins/oma-app/.config/webpack.config');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const GRAFANA_RUNTIME = path.dirname(require.resolve('@grafana/runtime/package.json'));

module.exports = {
  name: 'e2e-host',
  mode: process.env.HOST_DEV ? 'development' : 'production',
  target: 'web',
  context: __dirname,
  entry: { host: path.join(__dirname, 'host.tsx') },
  devtool: false,
  cache: {
    type: 'filesystem',
    cacheDirectory: path.join(REPO_ROOT, 'node_modules', '.cache', 'webpack', 'e2e-host'),
    buildDependencies: {
      config: [__filename, require.resolve('../../../plugins/oma-app/.config/webpack.config')],
    },
  },
  output: {
    path: path.join(REPO_ROOT, 'tests', 'e2e', 'dist'),
    filename: '[name].js',
    publicPath: '/host/',
    clean: true,
  },
  optimization: { minimize: false, splitChunks: false },
  performance: { hints: false },
  module: {
    rules: [
      // @grafana/ui's .mjs files default-import CommonJS packages (react-custom-scrollbars-2, ...);
      // strict ESM handling of .mjs would hand them `module.exports` instead of `exports.default`.
      { test: /\.m?js$/, type: 'javascript/auto', resolve: { fullySpecified: false } },
      swcRule(),
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'],
    alias: {
      // setPluginPage is not in @grafana/runtime's exports map; this is the same file its index
      // re-exports PluginPage from, so plugins see the page component set here.
      'grafana-runtime-plugin-page$': path.join(
        GRAFANA_RUNTIME,
        'dist',
        'esm',
        'components',
        'PluginPage.mjs',
      ),
      // The same for the panel renderer and the panel data error view Grafana core provides.
      'grafana-runtime-panel-renderer$': path.join(
        GRAFANA_RUNTIME,
        'dist',
        'esm',
        'components',
        'PanelRenderer.mjs',
      ),
      'grafana-runtime-panel-data-error-view$': path.join(
        GRAFANA_RUNTIME,
        'dist',
        'esm',
        'components',
        'PanelDataErrorView.mjs',
      ),
    },
  },
  plugins: [
    new webpack.DefinePlugin({
      'process.env.NODE_ENV': JSON.stringify(process.env.HOST_DEV ? 'development' : 'production'),
    }),
    new webpack.ProvidePlugin({ process: require.resolve('./process-shim.js') }),
  ],
  stats: 'errors-warnings',
};
