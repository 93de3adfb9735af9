'use strict';
/**
 * The plugins of this project, found the way @grafana/create-plugin's build finds them: every
 * `plugin.json` under `src/` with a `module.ts(x)` beside it is a plugin. The one at `src/` is the
 * app; every other one is nested in it and is built to `dist/<its folder>/module.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const MODULE_FILES = ['module.ts', 'module.tsx', 'module.js', 'module.jsx'];

/**
 * @param {string} srcDir absolute path of the project's src/
 * @returns {{ entry: string, relDir: string, dir: string, moduleFile: string, pluginJson: Record<string, any> }[]}
 *   `entry` is the webpack entry name (`module`, `datasource/module`), `relDir` the folder below
 *   src/ ('' for the app); the app comes first, nested plugins by path.
 */
function findPlugins(srcDir) {
  const found = [];
  const visit = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'plugin.json')) {
      const moduleFile = MODULE_FILES.find((m) => entries.some((e) => e.isFile() && e.name === m));
      if (moduleFile) {
        const relDir = path.relative(srcDir, dir).split(path.sep).join('/');
        found.push({
          entry: relDir ? `${relDir}/module` : 'module',
          relDir,
          dir,
          moduleFile: path.join(dir, moduleFile),
          pluginJson: JSON.parse(fs.readFileSync(path.join(dir, 'plugin.json'), 'utf8')),
        });
      }
    }
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
        visit(path.join(dir, e.name));
    }
  };
  visit(srcDir);
  return found.sort((a, b) =>
    a.relDir === '' ? -1 : b.relDir === '' ? 1 : a.relDir.localeCompare(b.relDir),
  );
}

/** Files a plugin.json names that must ship beside it: its logos and screenshots. */
function declaredAssets(pluginJson) {
  const info = pluginJson.info ?? {};
  const logos = Object.values(info.logos ?? {});
  const screenshots = (info.screenshots ?? []).map((s) => s.path);
  return [...new Set([...logos, ...screenshots].filter((p) => typeof p === 'string' && p !== ''))];
}

module.exports = { findPlugins, declaredAssets };
