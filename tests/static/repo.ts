/** Paths and helpers shared by the static checks. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PLUGINS_DIR = path.join(REPO_ROOT, 'plugins');
/** The one plugin project: the app, with its nested plugins under src/. */
export const APP_DIR = path.join(PLUGINS_DIR, 'oma-app');
export const APP_SRC = path.join(APP_DIR, 'src');
export const APP_DIST = path.join(APP_DIR, 'dist');

/** Every plugin of the suite by its folder below src/ ('' is the app), with the id and type fixed by the issues. */
export const EXPECTED_PLUGINS: Record<string, { id: string; type: string }> = {
  '': { id: 'oma-migration-app', type: 'app' },
  datasource: { id: 'oma-migration-datasource', type: 'datasource' },
  'panels/bulk-mapping': { id: 'oma-bulkmapping-panel', type: 'panel' },
  'panels/network-topology': { id: 'oma-networktopology-panel', type: 'panel' },
  'panels/migration-trends': { id: 'oma-migrationtrends-panel', type: 'panel' },
};

export interface FoundPlugin {
  entry: string;
  relDir: string;
  dir: string;
  moduleFile: string;
  pluginJson: Record<string, unknown> & { id: string; type: string };
}

// The build's own discovery (create-plugin's rule), so the checks see what the build builds.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const entries = require('../../plugins/oma-app/.config/entries') as {
  findPlugins(srcDir: string): FoundPlugin[];
  declaredAssets(pluginJson: Record<string, unknown>): string[];
};
export const findPlugins = () => entries.findPlugins(APP_SRC);

/** The modules Grafana shares with plugins, as the build declares them external. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sharedModules = require('../../plugins/oma-app/.config/externals') as {
  SHARED_MODULE_NAMES: string[];
  SHARED_MODULE_PATTERNS: RegExp[];
};
export const declaredAssets = entries.declaredAssets;

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Project folders under plugins/ (hidden ones aside). */
export function pluginFolders(): string[] {
  return fs
    .readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the app when its dist/ is missing or older than its sources (or the contracts it bundles). */
export function ensureBuilt(): void {
  const bundle = path.join(APP_DIST, 'module.js');
  const sources = Math.max(
    newestMtime(APP_SRC),
    newestMtime(path.join(APP_DIR, '.config')),
    newestMtime(path.join(REPO_ROOT, 'packages', 'contracts', 'src')),
    ...['README.md', 'CHANGELOG.md', 'package.json'].map((f) => fs.statSync(path.join(APP_DIR, f)).mtimeMs),
  );
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= sources) {
    return;
  }
  execFileSync(process.execPath, [path.join(APP_DIR, '.config', 'build.js')], {
    cwd: APP_DIR,
    stdio: 'pipe',
  });
}
