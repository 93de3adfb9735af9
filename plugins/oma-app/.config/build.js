#!/usr/bin/env node
'use strict';
/**
 * Builds the app and every nested plugin into dist/ and prints each one's bundle size.
 *
 *   node .config/build.js                 # production
 *   node .config/build.js --development
 *   node .config/build.js --watch         # development, rebuilds on change (npm run dev)
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const webpack = require('webpack');
const { findPlugins } = require('./entries');
const { createConfig, DIST_DIR, SRC_DIR } = require('./webpack.config');

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function report(stats) {
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const w of info.warnings) console.warn(`warning: ${w.message}`);
  if (stats.hasErrors()) {
    console.error(info.errors.map((e) => e.message).join('\n'));
    return false;
  }
  console.log(`plugin bundles (dist/, built in ${((stats.endTime - stats.startTime) / 1000).toFixed(1)} s):`);
  for (const plugin of findPlugins(SRC_DIR)) {
    const bundle = fs.readFileSync(path.join(DIST_DIR, plugin.relDir, 'module.js'));
    const where = path.posix.join('dist', plugin.relDir, 'module.js');
    console.log(
      `  ${plugin.pluginJson.id.padEnd(30)} ${where.padEnd(28)} ${String(bundle.length).padStart(9)} B  ${kib(bundle.length).padStart(10)}  (gzip ${kib(zlib.gzipSync(bundle).length)})`,
    );
  }
  return true;
}

function main() {
  const args = process.argv.slice(2);
  const watch = args.includes('--watch');
  const compiler = webpack(createConfig({ production: !watch && !args.includes('--development') }));
  if (watch) {
    compiler.watch({}, (err, stats) => {
      if (err) console.error(err.message);
      else report(stats);
    });
    return;
  }
  compiler.run((err, stats) => {
    if (err) {
      console.error(`plugin build failed: ${err.message}`);
      process.exit(1);
    }
    compiler.close(() => {
      if (!report(stats)) process.exit(1);
    });
  });
}

main();
