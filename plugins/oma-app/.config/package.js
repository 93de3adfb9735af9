#!/usr/bin/env node
'use strict';
/**
 * Packs dist/ into the zip `grafana cli --pluginUrl` and the plugin catalogue take: one top-level
 * folder named after the app id, holding the app, its nested plugins, README, CHANGELOG, LICENSE
 * and screenshots. Writes <app id>-<version>.zip beside package.json and prints what is in it.
 *
 *   npm run build && npm run package
 */
const fs = require('node:fs');
const path = require('node:path');
const JSZip = require('jszip');
const { APP_DIR, DIST_DIR } = require('./webpack.config');

function filesBelow(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesBelow(full) : [full];
  });
}

/** The zip for the built dist/: its name, bytes and entries. Throws when dist/ is missing or stale. */
async function packageApp(distDir = DIST_DIR) {
  const pluginJsonPath = path.join(distDir, 'plugin.json');
  if (!fs.existsSync(pluginJsonPath))
    throw new Error(`${distDir} has no plugin.json: run \`npm run build\` first`);
  const pluginJson = JSON.parse(fs.readFileSync(pluginJsonPath, 'utf8'));
  const version = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'package.json'), 'utf8')).version;
  if (pluginJson.info.version !== version) {
    throw new Error(
      `dist/ holds version ${pluginJson.info.version}, package.json says ${version}: run \`npm run build\``,
    );
  }
  const zip = new JSZip();
  const entries = [];
  for (const file of filesBelow(distDir).sort()) {
    const name = `${pluginJson.id}/${path.relative(distDir, file).split(path.sep).join('/')}`;
    zip.file(name, fs.readFileSync(file), { date: new Date(`${pluginJson.info.updated}T00:00:00Z`) });
    entries.push(name);
  }
  const bytes = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
  });
  return { id: pluginJson.id, version, fileName: `${pluginJson.id}-${version}.zip`, bytes, entries };
}

async function main() {
  const { fileName, bytes, entries } = await packageApp();
  const target = path.join(APP_DIR, fileName);
  fs.writeFileSync(target, bytes);
  console.log(
    `${path.relative(process.cwd(), target)}: ${entries.length} files, ${(bytes.length / 1024).toFixed(1)} KiB`,
  );
  for (const entry of entries) console.log(`  ${entry}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`package failed: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { packageApp };
