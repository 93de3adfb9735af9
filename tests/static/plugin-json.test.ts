/**
 * The app and every nested plugin, in src/ and in the built dist/: the project's own plugin.json
 * checker (plugin-json-rules.ts) and, when GRAFANA_PLUGIN_SCHEMA names it, Grafana's published
 * schema; ids and types as the issues fix them; filled-in version and date; dist contents beside
 * each plugin.json; AMD bundles needing only Grafana's shared modules; the app's `includes`
 * pointing at things that exist; data proxy routes that Grafana matches as meant. The app is
 * built by the static checks' global setup.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { externalFixture, GRAFANA_PLUGIN_SCHEMA } from '../../datasource-server/test/external-fixture';
import { CONFIG_URL, PLUGIN_ID, prefixRoute, ROUTES } from '../../plugins/oma-app/src/constants';
import { checkPluginTree, findPluginJsonFiles } from './plugin-json-rules';
import {
  APP_DIR,
  APP_DIST,
  APP_SRC,
  declaredAssets,
  EXPECTED_PLUGINS,
  findPlugins,
  pluginFolders,
  readJson,
  sharedModules,
} from './repo';

const { SHARED_MODULE_NAMES, SHARED_MODULE_PATTERNS } = sharedModules;

interface Route {
  path: string;
  method?: string;
  url?: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
}
interface Include {
  type: string;
  name?: string;
  path?: string;
  uid?: string;
  role?: string;
}
interface PluginJson {
  id: string;
  type: string;
  info: { version: string; updated: string; logos: { small: string; large: string } };
  dependencies: { grafanaDependency: string };
  routes?: Route[];
  includes?: Include[];
}

const plugins = findPlugins();
const pkg = readJson<{ version: string }>(path.join(APP_DIR, 'package.json'));
const srcJson = (relDir: string) => readJson<PluginJson>(path.join(APP_SRC, relDir, 'plugin.json'));
const distJson = (relDir: string) => readJson<PluginJson>(path.join(APP_DIST, relDir, 'plugin.json'));

test('plugins/ holds one project, the app, in the create-plugin layout', () => {
  expect(pluginFolders()).toEqual(['oma-app']);
  for (const file of [
    'src/module.tsx',
    'src/plugin.json',
    'README.md',
    'CHANGELOG.md',
    'package.json',
    'tsconfig.json',
    'jest.config.js',
    '.config/webpack.config.js',
  ]) {
    expect({ file, exists: fs.existsSync(path.join(APP_DIR, file)) }).toEqual({ file, exists: true });
  }
});

test('the build finds exactly the known plugins, with their fixed ids and types', () => {
  expect(
    Object.fromEntries(plugins.map((p) => [p.relDir, { id: p.pluginJson.id, type: p.pluginJson.type }])),
  ).toEqual(EXPECTED_PLUGINS);
});

test("src/ and dist/ pass the project's plugin.json checks (app at the root, nested plugins below)", () => {
  expect(checkPluginTree(APP_SRC, 'source')).toEqual([]);
  expect(checkPluginTree(APP_DIST, 'dist')).toEqual([]);
});

test('CHANGELOG.md and LICENSE are at the top of dist/', () => {
  for (const file of ['CHANGELOG.md', 'LICENSE']) expect(fs.existsSync(path.join(APP_DIST, file))).toBe(true);
});

describe.each(plugins.map((p) => [p.pluginJson.id, p.relDir]))('%s', (_id, relDir) => {
  const where = (file: string) => path.join(APP_DIST, relDir, file);

  test('src plugin.json keeps the placeholders the build fills, and requires Grafana 12.3.0', () => {
    const src = srcJson(relDir);
    expect(src.info.version).toBe('%VERSION%');
    expect(src.info.updated).toBe('%TODAY%');
    expect(src.dependencies.grafanaDependency).toBe('>=12.3.0');
  });

  test('dist plugin.json is the source with the version, date and id filled in', () => {
    const [src, dist] = [srcJson(relDir), distJson(relDir)];
    expect(dist.info.version).toBe(pkg.version);
    expect(dist.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(dist)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    const filled = JSON.stringify(src).replace(/%PLUGIN_ID%/g, src.id);
    expect({ ...dist, info: { ...dist.info, version: '', updated: '' } }).toEqual({
      ...JSON.parse(filled),
      info: { ...src.info, version: '', updated: '' },
    });
  });

  test('README, source map and every logo and screenshot its plugin.json names are beside it', () => {
    for (const file of ['README.md', 'module.js.map', ...declaredAssets({ ...distJson(relDir) })]) {
      expect({ file, exists: fs.existsSync(where(file)) }).toEqual({ file, exists: true });
    }
    expect(fs.readFileSync(where('README.md'), 'utf8')).not.toMatch(/%VERSION%/);
  });

  test('module.js is an AMD module that needs only modules Grafana shares, with no React or TypeBox inside', () => {
    const bundle = fs.readFileSync(where('module.js'), 'utf8');
    // Terser may put one banner first: where the bundled libraries' licence comments went.
    const m = /^(?:\/\*![^*]*\*\/\s*)?define\((\[[^\]]*\])/.exec(bundle);
    expect(m).not.toBeNull();
    const deps = JSON.parse(m![1]) as string[];
    expect(deps).toContain('react');
    const unshared = deps.filter(
      (d) => !SHARED_MODULE_NAMES.includes(d) && !SHARED_MODULE_PATTERNS.some((re) => re.test(d)),
    );
    expect(unshared).toEqual([]);
    expect(bundle).not.toMatch(/react-dom\.production|__SECRET_INTERNALS_DO_NOT_USE/);
    const { sources } = readJson<{ sources: string[] }>(where('module.js.map'));
    expect(sources.some((s) => /\/module\.tsx?$/.test(s))).toBe(true);
    expect(sources.filter((s) => s.includes('@sinclair/typebox'))).toEqual([]);
  });
});

describe("the app's includes", () => {
  const app = distJson('');
  const includes = app.includes ?? [];

  test('list every nested plugin with its type and path (Grafana reads nested plugins from them)', () => {
    const nested = findPluginJsonFiles(APP_DIST).filter((f) => f !== 'plugin.json');
    expect(nested.length).toBeGreaterThan(0);
    for (const file of nested) {
      const json = readJson<PluginJson>(path.join(APP_DIST, file));
      expect(includes).toContainEqual(expect.objectContaining({ type: json.type, path: file }));
    }
  });

  test.each(includes.map((i) => [`${i.type} ${i.path}`, i]))(
    '%s points at something the app has',
    (_name, include) => {
      switch (include.type) {
        case 'datasource':
        case 'panel': {
          const file = path.join(APP_DIST, include.path!);
          expect(fs.existsSync(file)).toBe(true);
          expect(readJson<PluginJson>(file).type).toBe(include.type);
          break;
        }
        case 'dashboard': {
          const dashboard = readJson<{ uid: string; title: string }>(path.join(APP_DIST, include.path!));
          expect(dashboard.uid).toBe(include.uid);
          expect(dashboard.title).toBe(include.name);
          break;
        }
        case 'page':
          // Pages are routes the app renders, or the configuration page Grafana hosts.
          expect([...Object.values(ROUTES).map(prefixRoute), CONFIG_URL]).toContain(include.path);
          break;
        default:
          throw new Error(`unexpected include type ${include.type}`);
      }
    },
  );

  test('the configuration page is for Admins only; the data source and dashboards are in src/ too', () => {
    expect(includes.find((i) => i.path === CONFIG_URL)?.role).toBe('Admin');
    expect(app.id).toBe(PLUGIN_ID);
    for (const i of includes.filter((i) => i.type === 'dashboard' || i.type === 'datasource')) {
      expect(fs.existsSync(path.join(APP_SRC, i.path!))).toBe(true);
    }
  });
});

describe('oma-migration-datasource routes', () => {
  const routes = srcJson('datasource').routes ?? [];
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
    const types = fs.readFileSync(path.join(APP_SRC, 'datasource', 'types.ts'), 'utf8');
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

  test.each([
    ['src', APP_SRC],
    ['dist', APP_DIST],
  ])('every plugin.json in %s/ matches it', (_stage, root) => {
    const files = findPluginJsonFiles(root);
    expect(files).toEqual(expect.arrayContaining(['plugin.json', 'datasource/plugin.json']));
    for (const file of files)
      expect({ file, errors: schemaErrors(readJson(path.join(root, file))) }).toEqual({ file, errors: [] });
  });
});
