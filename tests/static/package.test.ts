/**
 * `npm run package`: the zip `grafana cli --pluginUrl` and the plugin catalogue take. Grafana
 * installs it by replacing the first path segment of every entry with the plugin id and reading
 * `<id>/plugin.json`, then finds the nested plugins below it; the catalogue's validator wants the
 * README, CHANGELOG, LICENSE, logos and screenshots of each plugin.json, and a source map beside
 * every module.js.
 */
import path from 'node:path';
import JSZip from 'jszip';

import { APP_DIST, declaredAssets, readJson } from './repo';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { packageApp } = require('../../plugins/oma-app/.config/package') as {
  packageApp(
    distDir?: string,
  ): Promise<{ id: string; version: string; fileName: string; bytes: Buffer; entries: string[] }>;
};

let zip: JSZip;
let built: Awaited<ReturnType<typeof packageApp>>;
const names = () => Object.keys(zip.files).filter((n) => !zip.files[n].dir);
const json = async <T>(name: string) => JSON.parse(await zip.file(name)!.async('string')) as T;

beforeAll(async () => {
  built = await packageApp();
  zip = await JSZip.loadAsync(built.bytes);
});

test('is named <app id>-<version>.zip and unpacks to one folder named after the app id', () => {
  expect(built.fileName).toBe(`oma-migration-app-${built.version}.zip`);
  expect(new Set(names().map((n) => n.split('/')[0]))).toEqual(new Set(['oma-migration-app']));
  expect(names().some((n) => n.startsWith('oma-migration-app/dist/'))).toBe(false);
});

test('holds the app at the top, with README, CHANGELOG and LICENSE', async () => {
  for (const file of ['plugin.json', 'module.js', 'module.js.map', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    expect(names()).toContain(`oma-migration-app/${file}`);
  }
  const app = await json<{ id: string; type: string; info: { version: string } }>(
    'oma-migration-app/plugin.json',
  );
  expect(app).toEqual(expect.objectContaining({ id: 'oma-migration-app', type: 'app' }));
  expect(app.info.version).toBe(built.version);
  expect(await zip.file('oma-migration-app/README.md')!.async('string')).toContain('OMA Migration Insights');
});

test('every plugin.json in it has its module, source map, README, logos and screenshots beside it', async () => {
  const pluginJsons = names().filter((n) => n.endsWith('/plugin.json'));
  expect(pluginJsons).toEqual(
    expect.arrayContaining(['oma-migration-app/plugin.json', 'oma-migration-app/datasource/plugin.json']),
  );
  for (const file of pluginJsons) {
    const dir = path.posix.dirname(file);
    for (const asset of ['module.js', 'module.js.map', 'README.md', ...declaredAssets(await json(file))]) {
      expect({ file, asset, present: names().includes(`${dir}/${asset}`) }).toEqual({
        file,
        asset,
        present: true,
      });
    }
  }
});

test('is exactly the built dist/, file for file', () => {
  const dist = readJson<{ id: string }>(path.join(APP_DIST, 'plugin.json'));
  expect(built.entries.every((e) => e.startsWith(`${dist.id}/`))).toBe(true);
  expect(names().sort()).toEqual([...built.entries].sort());
});
