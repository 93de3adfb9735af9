#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports, no-console -- a CommonJS build script that reports on the console */
/**
 * Builds every plugin under plugins/ (a folder with src/plugin.json), or only the ones named on
 * the command line, with the shared webpack config, and prints each bundle's size.
 *
 *   node plugins/.config/build.js                       # all plugins, production
 *   node plugins/.config/build.js migration-datasource  # one plugin
 *   node plugins/.config/build.js --development
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const webpack = require('webpack');
const { createPluginConfig } = require('./webpack.config');

const PLUGINS_DIR = path.resolve(__dirname, '..');

function listPlugins() {
  return fs
    .readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .filter((d) => fs.existsSync(path.join(PLUGINS_DIR, d.name, 'src', 'plugin.json')))
    .map((d) => d.name)
    .sort();
}

function run(config) {
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      const info = stats.toJson({ all: false, errors: true, warnings: true });
      if (stats.hasWarnings()) {
        for (const w of info.warnings) console.warn(`[${config.name}] warning: ${w.message}`);
      }
      if (stats.hasErrors()) {
        return reject(new Error(info.errors.map((e) => e.message).join('\n')));
      }
      return resolve(stats);
    });
  });
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const args = process.argv.slice(2);
  const production = !args.includes('--development');
  const requested = args.filter((a) => !a.startsWith('--'));
  const all = listPlugins();
  const unknown = requested.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown plugin(s): ${unknown.join(', ')} (have: ${all.join(', ')})`);
  }
  const names = requested.length > 0 ? requested : all;
  const rows = [];
  for (const name of names) {
    const pluginDir = path.join(PLUGINS_DIR, name);
    const started = Date.now();
    await run(createPluginConfig({ pluginDir, production }));
    const bundle = fs.readFileSync(path.join(pluginDir, 'dist', 'module.js'));
    const gzip = zlib.gzipSync(bundle).length;
    const pluginId = JSON.parse(fs.readFileSync(path.join(pluginDir, 'dist', 'plugin.json'), 'utf8')).id;
    rows.push({ name, pluginId, bytes: bundle.length, gzip, ms: Date.now() - started });
  }
  console.log('plugin bundles (dist/module.js):');
  for (const r of rows) {
    console.log(
      `  ${r.pluginId.padEnd(30)} ${String(r.bytes).padStart(9)} B  ${kib(r.bytes).padStart(10)}  (gzip ${kib(r.gzip)})  built in ${(r.ms / 1000).toFixed(1)} s`,
    );
  }
}

main().catch((err) => {
  console.error(`plugin build failed: ${err.message}`);
  process.exit(1);
});
