/** The project's own plugin.json checker accepts good files and rejects each kind of bad one. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { checkPluginJson, checkPluginTree, findPluginJsonFiles } from './plugin-json-rules';

type Json = Record<string, any>;

function datasource(stage: 'source' | 'dist' = 'source'): Json {
  return {
    id: 'acme-weather-datasource',
    type: 'datasource',
    name: 'Weather',
    metrics: true,
    info: {
      keywords: ['weather'],
      logos: { small: 'img/logo.svg', large: 'img/logo.svg' },
      version: stage === 'source' ? '%VERSION%' : '1.2.3',
      updated: stage === 'source' ? '%TODAY%' : '2026-11-25',
      author: { name: 'Acme' },
      links: [{ name: 'Home', url: 'https://example.com' }],
    },
    routes: [
      {
        path: 'api',
        method: 'GET,POST',
        url: '{{ .JsonData.url }}',
        reqRole: 'Editor',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }],
      },
    ],
    dependencies: { grafanaDependency: '>=12.3.0', plugins: [] },
  };
}

function app(stage: 'source' | 'dist' = 'source'): Json {
  return {
    ...datasource(stage),
    id: 'acme-weather-app',
    type: 'app',
    name: 'Weather suite',
    metrics: undefined,
    routes: undefined,
    includes: [
      {
        type: 'page',
        name: 'Overview',
        path: '/a/acme-weather-app/overview',
        addToNav: true,
        defaultNav: true,
      },
      { type: 'dashboard', name: 'Storms', path: 'dashboards/storms.json', role: 'Viewer' },
      { type: 'datasource', name: 'Weather' },
      { type: 'panel', name: 'Radar' },
    ],
  };
}

/** The JSON pointers the checker complained about. */
const pointers = (errors: string[]) => errors.map((e) => e.split(' ')[0]);

describe('checkPluginJson', () => {
  test('accepts a data source and an app, in src/ and in dist/', () => {
    for (const stage of ['source', 'dist'] as const) {
      expect(checkPluginJson(datasource(stage), stage)).toEqual([]);
      expect(checkPluginJson(JSON.parse(JSON.stringify(app(stage))), stage)).toEqual([]);
    }
  });

  const bad: Array<[string, (j: Json) => void, string]> = [
    ['an id with capitals and spaces', (j) => (j.id = 'Acme Weather datasource'), '/id'],
    ['an id without an org', (j) => (j.id = 'weather-datasource'), '/id'],
    ['an id whose suffix is not the type', (j) => (j.id = 'acme-weather-panel'), '/id'],
    ['no info', (j) => delete j.info, '/info'],
    ['no name', (j) => delete j.name, '/name'],
    ['an unknown type', (j) => (j.type = 'widget'), '/type'],
    ['an unknown top-level field', (j) => (j.colour = 'blue'), '/colour'],
    ['no keywords', (j) => delete j.info.keywords, '/info/keywords'],
    ['a PNG logo', (j) => (j.info.logos.large = 'img/logo.png'), '/info/logos/large'],
    ['a missing small logo', (j) => delete j.info.logos.small, '/info/logos/small'],
    ['a version that is no SemVer', (j) => (j.info.version = 'v1'), '/info/version'],
    ['no dependencies', (j) => delete j.dependencies, '/dependencies'],
    [
      'no grafanaDependency',
      (j) => delete j.dependencies.grafanaDependency,
      '/dependencies/grafanaDependency',
    ],
    [
      'a grafanaDependency that is no range',
      (j) => (j.dependencies.grafanaDependency = 'twelve'),
      '/dependencies/grafanaDependency',
    ],
    [
      'a grafanaDependency naming no version',
      (j) => (j.dependencies.grafanaDependency = '*'),
      '/dependencies/grafanaDependency',
    ],
    [
      'a plugin dependency of an unknown type',
      (j) => (j.dependencies.plugins = [{ id: 'acme-x-widget', name: 'X', type: 'widget' }]),
      '/dependencies/plugins/0/type',
    ],
    [
      'a plugin dependency on a version range',
      (j) => (j.dependencies.plugins = [{ id: 'acme-x-panel', name: 'X', type: 'panel', version: '^1' }]),
      '/dependencies/plugins/0/version',
    ],
    ['a route without path', (j) => delete j.routes[0].path, '/routes/0/path'],
    ['a route without url', (j) => delete j.routes[0].url, '/routes/0/url'],
    ['a route with an unknown method', (j) => (j.routes[0].method = 'GET,FETCH'), '/routes/0/method'],
    ['a route with an unknown role', (j) => (j.routes[0].reqRole = 'Owner'), '/routes/0/reqRole'],
    ['a route header without name', (j) => delete j.routes[0].headers[0].name, '/routes/0/headers/0/name'],
    ['a misspelt route field', (j) => (j.routes[0].reqrole = 'Editor'), '/routes/0/reqrole'],
    [
      'routes on a panel',
      (j) => ((j.type = 'panel'), (j.id = 'acme-weather-panel'), delete j.metrics),
      '/routes',
    ],
    [
      'a data source flag on a panel',
      (j) => ((j.type = 'panel'), (j.id = 'acme-weather-panel'), delete j.routes),
      '/metrics',
    ],
    ['alerting without a backend', (j) => (j.alerting = true), '/alerting'],
    [
      'a page include in a data source',
      (j) => (j.includes = [{ type: 'page', name: 'P', path: '/p' }]),
      '/includes/0/type',
    ],
    [
      'an include of an unknown type',
      (j) => (j.includes = [{ type: 'report', name: 'R' }]),
      '/includes/0/type',
    ],
    ['an unknown category', (j) => (j.category = 'weather'), '/category'],
  ];
  test.each(bad)('rejects %s', (_what, spoil, pointer) => {
    const json = datasource();
    spoil(json);
    expect(pointers(checkPluginJson(json, 'source'))).toContain(pointer);
  });

  test('app includes: a page needs name and path, one defaultNav at most, roles from the list', () => {
    const json = app();
    json.includes = [
      { type: 'page', name: 'Overview', addToNav: true, defaultNav: true },
      { type: 'page', path: '/a/acme-weather-app/x', defaultNav: true, role: 'Owner' },
      { type: 'dashboard', name: 'No file' },
    ];
    expect(pointers(checkPluginJson(json, 'source')).sort()).toEqual(
      ['/includes', '/includes/0/path', '/includes/1/name', '/includes/1/role', '/includes/2/path'].sort(),
    );
  });

  test('placeholders are fine in src/ only; a built file needs a real version and date', () => {
    const built = datasource('source');
    expect(pointers(checkPluginJson(built, 'dist'))).toEqual(['/info/version', '/info/updated']);
    built.info.version = '1.0.0';
    built.info.updated = '2026-02-30';
    expect(pointers(checkPluginJson(built, 'dist'))).toEqual(['/info/updated']);
  });
});

describe('checkPluginTree', () => {
  let dir: string;
  const write = (file: string, json: Json) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
    fs.writeFileSync(path.join(path.dirname(path.join(dir, file)), 'module.ts'), '');
  };
  const panel = (): Json => {
    const json = datasource();
    Object.assign(json, { id: 'acme-radar-panel', type: 'panel', name: 'Radar' });
    delete json.metrics;
    delete json.routes;
    return json;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-tree-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an app nesting a data source and a panel passes, and every plugin.json is found', () => {
    write('plugin.json', app());
    write('datasource/plugin.json', datasource());
    write('panels/radar/plugin.json', panel());
    expect(findPluginJsonFiles(dir)).toEqual([
      'plugin.json',
      'datasource/plugin.json',
      'panels/radar/plugin.json',
    ]);
    expect(checkPluginTree(dir, 'source')).toEqual([]);
  });

  test('errors in a nested plugin.json name its file', () => {
    write('plugin.json', app());
    const broken = panel();
    delete broken.info;
    write('panels/radar/plugin.json', broken);
    expect(checkPluginTree(dir, 'source')).toEqual(['panels/radar/plugin.json: /info must be an object']);
  });

  test('only an app nests plugins, never another app, with unique ids and a module beside each', () => {
    write('plugin.json', datasource());
    write('panels/radar/plugin.json', panel());
    write('nested-app/plugin.json', { ...app(), id: 'acme-other-app' });
    write('copy/plugin.json', panel());
    fs.rmSync(path.join(dir, 'copy', 'module.ts'));
    expect(checkPluginTree(dir, 'source').sort()).toEqual(
      [
        'copy/plugin.json: no module.ts or module.tsx beside it',
        'panels/radar/plugin.json: id acme-radar-panel is also used by copy/plugin.json',
        'nested-app/plugin.json: a nested plugin cannot be an app',
        'plugin.json: only an app can nest plugins (copy/plugin.json, nested-app/plugin.json, panels/radar/plugin.json)',
      ].sort(),
    );
  });

  test('a built suite has one version and a module.js beside every plugin.json', () => {
    write('plugin.json', app('dist'));
    write('datasource/plugin.json', {
      ...datasource('dist'),
      info: { ...datasource('dist').info, version: '1.2.4' },
    });
    const errors = checkPluginTree(dir, 'dist');
    expect(errors).toContain("datasource/plugin.json: info.version differs from the app's");
    expect(errors).toContain('plugin.json: no module.js beside it');
  });

  test('a folder without a root plugin.json is reported', () => {
    write('panels/radar/plugin.json', panel());
    expect(checkPluginTree(dir, 'source')).toEqual([`plugin.json is missing at the root of ${dir}`]);
  });
});
