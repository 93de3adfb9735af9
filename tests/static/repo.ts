/** Paths and helpers shared by the static checks. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PLUGINS_DIR = path.join(REPO_ROOT, 'plugins');

/** Plugin folders and the id and type each must have (the issue fixes the ids). */
export const EXPECTED_PLUGINS: Record<string, { id: string; type: string }> = {
  'migration-datasource': { id: 'oma-migration-datasource', type: 'datasource' },
};

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

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

/** Builds a plugin with the shared build when its dist/ is missing or older than its sources (or the contracts it bundles). */
export function ensureBuilt(folder: string): void {
  const dir = path.join(PLUGINS_DIR, folder);
  const bundle = path.join(dir, 'dist', 'module.js');
  const sources = Math.max(
    newestMtime(path.join(dir, 'src')),
    newestMtime(path.join(REPO_ROOT, 'packages', 'contracts', 'src')),
    ...['README.md', 'CHANGELOG.md', 'package.json'].map((f) => fs.statSync(path.join(dir, f)).mtimeMs),
  );
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= sources) {
    return;
  }
  execFileSync(process.execPath, [path.join(PLUGINS_DIR, '.config', 'build.js'), folder], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
}
