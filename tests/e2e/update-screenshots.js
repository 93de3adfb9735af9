#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports, no-console -- a CommonJS script that reports on the console */
/**
 * Refreshes the app's catalogue screenshots (plugin.json info.screenshots) from the last e2e run:
 * `npm run test:e2e` writes tests/e2e/screenshots/, then `npm run screenshots:update` copies the
 * light-theme Overview, configuration page, network topology, bulk mapping and migration trends
 * panels into plugins/oma-app/src/img/screenshots/. Names after the command (e.g.
 * `npm run screenshots:update -- migration-trends`) copy only those catalogue images, after a run
 * of just their test file.
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FROM = path.join(__dirname, 'screenshots');
const TO = path.join(REPO_ROOT, 'plugins', 'oma-app', 'src', 'img', 'screenshots');
const COPIES = {
  'app-overview-light.png': 'overview.png',
  'app-config-light.png': 'configuration.png',
  'network-topology-1920x1080.png': 'network-topology.png',
  'bulk-mapping-1920x1080.png': 'bulk-mapping.png',
  'migration-trends-light.png': 'migration-trends.png',
};
const only = process.argv.slice(2).map((name) => name.replace(/\.png$/, ''));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const head = fs.readFileSync(file).subarray(0, 24);
  if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

fs.mkdirSync(TO, { recursive: true });
for (const [from, to] of Object.entries(COPIES).filter(
  ([, to]) => only.length === 0 || only.includes(to.replace(/\.png$/, '')),
)) {
  const source = path.join(FROM, from);
  if (!fs.existsSync(source)) {
    console.error(`${path.relative(REPO_ROOT, source)} is missing: run \`npm run test:e2e\` first.`);
    process.exit(1);
  }
  fs.copyFileSync(source, path.join(TO, to));
  const { width, height } = pngSize(source);
  console.log(
    `${path.relative(REPO_ROOT, source)} -> ${path.relative(REPO_ROOT, path.join(TO, to))} (${width}x${height})`,
  );
}
