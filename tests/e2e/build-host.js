#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports, no-console -- a CommonJS build script that reports on the console */
/** Builds the e2e host page bundle into tests/e2e/dist (git-ignored). About a minute cold. */
const webpack = require('webpack');
const config = require('./host/webpack.config');

const started = Date.now();
webpack(config, (err, stats) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const w of info.warnings) console.warn(`host warning: ${w.message.split('\n')[0]}`);
  if (stats.hasErrors()) {
    for (const e of info.errors) console.error(e.message);
    process.exit(1);
  }
  console.log(
    `e2e host bundle built in ${((Date.now() - started) / 1000).toFixed(1)} s -> tests/e2e/dist/host.js`,
  );
});
