/**
 * Every plugin.json, in src/ and in the built dist/ (nested ones too), against the project's own
 * checker (plugin-json-rules.ts) and, when GRAFANA_PLUGIN_SCHEMA names it, Grafana's published
 * schema; plus ids and types as the issue fixes them, filled-in version and date, dist contents,
 * AMD bundle with only Grafana's shared modules as dependencies, and data proxy routes that
 * Grafana matches as meant.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { externalFixture, GRAFANA_PLUGIN_SCHEMA } from '../../datasource-server/test/external-fixture';
import { checkPluginTree, findPluginJsonFiles } from './plugin-json-rules';
import { EXPECTED_PLUGINS, PLUGINS_DIR, ensureBuilt, pluginFolders, readJson } from './repo';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SHARED_MODULE_NAMES, SHARED_MODULE_PATTERNS } = require('../../plugins/.config/externals') as {
  SHARED_MODULE_NAMES: string[];
  SHARED_MODULE_PATTERNS: RegExp[];
};

interface Route {
  path: string;
  method?: string;
  url?: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
}
interface PluginJson {
  id: string;
  type: string;
  info: { version: string; updated: string; logos: { small: string; large: string } };
  dependencies: { grafanaDependency: string };
  routes?: Route[];
}

const folders = pluginFolders();

test('the plugin folders are exactly the known plugins', () => {
  expect(folders).toEqual(Object.keys(EXPECTED_PLUGINS).sort());
});

describe.each(folders)('plugins/%s', (folder) => {
  const dir = path.join(PLUGINS_DIR, folder);
  const expected = EXPECTED_PLUGINS[folder];
  const pkg = readJson<{ version: string }>(path.join(dir, 'package.json'));
  const src = readJson<PluginJson>(path.join(dir, 'src', 'plugin.json'));
  let dist: PluginJson;

  beforeAll(() => {
    ensureBuilt(folder);
    dist = readJson<PluginJson>(path.join(dir, 'dist', 'plugin.json'));
  }, 180_000);

  test('has the create-plugin layout', () => {
    for (const file of [
      'src/module.ts',
      'src/plugin.json',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'tsconfig.json',
      'jest.config.js',
    ]) {
      expect(fs.existsSync(path.join(dir, file))).toBe(true);
    }
    expect(fs.readdirSync(path.join(dir, 'src', 'img')).some((f) => f.endsWith('.svg'))).toBe(true);
  });

  test("src/ passes the project's plugin.json checks, with the fixed id and type", () => {
    expect(checkPluginTree(path.join(dir, 'src'), 'source')).toEqual([]);
    expect(src.id).toBe(expected.id);
    expect(src.type).toBe(expected.type);
    expect(src.info.version).toBe('%VERSION%');
    expect(src.info.updated).toBe('%TODAY%');
    expect(src.dependencies.grafanaDependency).toBe('>=12.3.0');
  });

  test("dist/ passes the project's plugin.json checks, with version and date filled in", () => {
    expect(checkPluginTree(path.join(dir, 'dist'), 'dist')).toEqual([]);
    expect(dist.id).toBe(src.id);
    expect(dist.type).toBe(src.type);
    expect(dist.info.version).toBe(pkg.version);
    expect(dist.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(dist)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    // Apart from the filled-in fields, dist is the source.
    expect({ ...dist, info: { ...dist.info, version: '', updated: '' } }).toEqual({
      ...src,
      info: { ...src.info, version: '', updated: '' },
    });
  });

  test('dist holds the bundle, README, CHANGELOG and every logo', () => {
    for (const file of ['module.js', 'plugin.json', 'README.md', 'CHANGELOG.md']) {
      expect(fs.existsSync(path.join(dir, 'dist', file))).toBe(true);
    }
    for (const logo of [dist.info.logos.small, dist.info.logos.large]) {
      expect(fs.existsSync(path.join(dir, 'dist', logo))).toBe(true);
    }
    expect(fs.readFileSync(path.join(dir, 'dist', 'README.md'), 'utf8')).not.toMatch(/%VERSION%/);
  });

  test('dist/module.js is an AMD module that needs only modules Grafana shares', () => {
    const bundle = fs.readFileSync(path.join(dir, 'dist', 'module.js'), 'utf8');
    const m = /^define\((\[[^\]]*\])/.exec(bundle);
    expect(m).not.toBeNull();
    const deps = JSON.parse(m![1]) as string[];
    expect(deps.length).toBeGreaterThan(0);
    const unshared = deps.filter(
      (d) => !SHARED_MODULE_NAMES.includes(d) && !SHARED_MODULE_PATTERNS.some((re) => re.test(d)),
    );
    expect(unshared).toEqual([]);
    // React and Grafana's packages are not bundled in.
    expect(bundle).not.toMatch(/react-dom\.production|__SECRET_INTERNALS_DO_NOT_USE/);
  });

  test('dist/module.js bundles no TypeBox: the contracts come in as types or TypeBox-free modules', () => {
    const { sources } = readJson<{ sources: string[] }>(path.join(dir, 'dist', 'module.js.map'));
    expect(sources.some((s) => /\/module\.tsx?$/.test(s))).toBe(true);
    expect(sources.filter((s) => s.includes('@sinclair/typebox'))).toEqual([]);
  });
});

describe('oma-migration-datasource routes', () => {
  const src = readJson<PluginJson>(path.join(PLUGINS_DIR, 'migration-datasource', 'src', 'plugin.json'));
  const routes = src.routes ?? [];
  const byPath = Object.fromEntries(routes.map((r) => [r.path, r]));

  test('a read route with the read token, open to every role', () => {
    expect(byPath.read).toEqual(
      expect.objectContaining({
        url: '{{ .JsonData.serverUrl }}/api/v1',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.readToken }}' }],
      }),
    );
    expect(byPath.read.reqRole).toBeUndefined();
  });

  test('a write route with the write token that needs the Editor role', () => {
    expect(byPath.write).toEqual(
      expect.objectContaining({
        reqRole: 'Editor',
        url: '{{ .JsonData.serverUrl }}/api/v1',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.writeToken }}' }],
      }),
    );
  });

  test('no route path is a prefix of another (Grafana matches routes by string prefix, in order)', () => {
    for (const a of routes) {
      for (const b of routes) {
        if (a !== b) {
          expect(b.path.startsWith(a.path)).toBe(false);
        }
      }
    }
  });

  test('the route paths are the ones the data source requests', () => {
    const types = fs.readFileSync(path.join(PLUGINS_DIR, 'migration-datasource', 'src', 'types.ts'), 'utf8');
    expect(types).toMatch(/READ_ROUTE = 'read'/);
    expect(types).toMatch(/WRITE_ROUTE = 'write'/);
    expect(Object.keys(byPath).sort()).toEqual(['read', 'write']);
  });
});

// Grafana's own schema is someone else's file: it is used when GRAFANA_PLUGIN_SCHEMA names it.
const grafanaSchemaFile = externalFixture(
  GRAFANA_PLUGIN_SCHEMA,
  "the checks against Grafana's plugin.json schema",
);
const describeWithGrafanaSchema = grafanaSchemaFile ? describe : describe.skip;

describeWithGrafanaSchema("Grafana's published plugin.json schema", () => {
  let schemaErrors: (json: unknown) => string[];

  beforeAll(() => {
    // Grafana's schema writes patterns like `\-`, which are invalid with the u flag: compile them without it.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(readJson(grafanaSchemaFile!));
    schemaErrors = (json) =>
      validate(json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  });

  test('rejects what it must (the validator is live)', () => {
    expect(
      schemaErrors({ id: 'Bad Id', type: 'datasource', name: 'x', info: {}, dependencies: {} }).length,
    ).toBeGreaterThan(0);
  });

  describe.each(folders)('plugins/%s', (folder) => {
    beforeAll(() => ensureBuilt(folder), 180_000);

    test.each(['src', 'dist'])('every plugin.json in %s/ matches it', (stage) => {
      const root = path.join(PLUGINS_DIR, folder, stage);
      const files = findPluginJsonFiles(root);
      expect(files).toContain('plugin.json');
      for (const file of files)
        expect({ file, errors: schemaErrors(readJson(path.join(root, file))) }).toEqual({ file, errors: [] });
    });
  });
});
