/**
 * Grafana provisioning (Grafana cannot run here, so it is checked statically): data sources,
 * the dashboard file provider, and every dashboard JSON — it parses, its panels are known panel
 * types or our plugins, every data source uid it names is provisioned with that type, and every
 * query it sends to our data source is of a query type the data source and server know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

import { parseVariableQuery } from '../../plugins/migration-datasource/src/query';
import { EDITOR_QUERY_TYPES, KNOWN_QUERY_TYPES } from '../../plugins/migration-datasource/src/types';
import { PLUGINS_DIR, REPO_ROOT, pluginFolders, readJson } from './repo';

const PROVISIONING = path.join(REPO_ROOT, 'provisioning');
/** Where docker compose mounts provisioning/ in the Grafana container. */
const CONTAINER_PROVISIONING = '/etc/grafana/provisioning';
const OUR_DS_TYPE = 'oma-migration-datasource';

/** Panel types that ship with Grafana 12/13. */
const BUILTIN_PANEL_TYPES = new Set([
  'alertlist',
  'annolist',
  'barchart',
  'bargauge',
  'candlestick',
  'canvas',
  'dashlist',
  'datagrid',
  'flamegraph',
  'gauge',
  'geomap',
  'heatmap',
  'histogram',
  'logs',
  'news',
  'nodeGraph',
  'piechart',
  'row',
  'stat',
  'state-timeline',
  'status-history',
  'table',
  'text',
  'timeseries',
  'traces',
  'trend',
  'xychart',
]);
/** Data source references Grafana resolves itself. */
const BUILTIN_DS_UIDS = new Set(['-- Grafana --', '-- Dashboard --', '-- Mixed --', 'grafana']);

interface DsRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId?: string;
  datasource?: DsRef;
  queryType?: string;
  [key: string]: unknown;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DsRef;
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: {
    list: Array<{ type: string; name: string; datasource?: DsRef; query?: unknown; allValue?: string }>;
  };
  annotations?: { list: Array<{ name: string; datasource?: DsRef; target?: Target; builtIn?: number }> };
}
interface ProvisionedDs {
  name: string;
  uid: string;
  type: string;
  url?: string;
  user?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
}

function walk(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

const datasources: ProvisionedDs[] = yamlFiles(path.join(PROVISIONING, 'datasources')).flatMap(
  (f) => (parseYaml(fs.readFileSync(f, 'utf8')) as { datasources: ProvisionedDs[] }).datasources,
);
const dsByUid = new Map(datasources.map((d) => [d.uid, d]));

const pluginJsons = pluginFolders().map((f) =>
  readJson<{ id: string; type: string }>(path.join(PLUGINS_DIR, f, 'src', 'plugin.json')),
);
const ourPanelTypes = new Set(pluginJsons.filter((p) => p.type === 'panel').map((p) => p.id));
const ourDsTypes = new Set(pluginJsons.filter((p) => p.type === 'datasource').map((p) => p.id));

const providers = yamlFiles(path.join(PROVISIONING, 'dashboards')).flatMap(
  (f) =>
    (
      parseYaml(fs.readFileSync(f, 'utf8')) as {
        providers: Array<{
          name: string;
          type: string;
          options: { path: string; foldersFromFilesStructure?: boolean };
        }>;
      }
    ).providers,
);

function repoPathOf(containerPath: string): string {
  expect(containerPath.startsWith(`${CONTAINER_PROVISIONING}/`)).toBe(true);
  return path.join(PROVISIONING, containerPath.slice(CONTAINER_PROVISIONING.length + 1));
}

const dashboardFiles = providers.flatMap((p) => walk(repoPathOf(p.options.path), '.json'));

function flatPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);
}

describe('data sources', () => {
  test('uids are unique and every type is Grafana built-in or ours', () => {
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
    for (const d of datasources) {
      expect(d.type === 'mysql' || ourDsTypes.has(d.type)).toBe(true);
    }
  });

  test('our data source takes the server URL and both tokens from the environment', () => {
    const oma = datasources.find((d) => d.type === OUR_DS_TYPE);
    expect(oma).toBeDefined();
    expect(oma!.jsonData?.serverUrl).toBe('$OMA_SERVER_URL');
    expect(oma!.secureJsonData).toEqual({ readToken: '$OMA_READ_TOKEN', writeToken: '$OMA_WRITE_TOKEN' });
  });

  test("Grafana's MySQL data source reads the OMA database with a read-only user from the environment", () => {
    const mysql = datasources.find((d) => d.type === 'mysql');
    expect(mysql).toBeDefined();
    expect(mysql!.jsonData?.database).toBe('migratekit_oma');
    expect(mysql!.user).toMatch(/^\$[A-Z_]*RO_USER$/);
    expect(mysql!.secureJsonData?.password).toMatch(/^\$[A-Z_]+$/);
    expect(mysql!.url).toMatch(/^\$[A-Z_]+$/);
  });

  test('no secret is written into provisioning', () => {
    for (const d of datasources) {
      for (const value of Object.values(d.secureJsonData ?? {})) {
        expect(value).toMatch(/^\$[A-Z_]+$/);
      }
    }
  });
});

describe('dashboard provider', () => {
  test('a file provider with folders from the file structure, pointing into provisioning/dashboards', () => {
    expect(providers).toHaveLength(1);
    expect(providers[0].type).toBe('file');
    expect(providers[0].options.foldersFromFilesStructure).toBe(true);
    expect(fs.existsSync(repoPathOf(providers[0].options.path))).toBe(true);
  });

  test('provides the Migration Operations dashboard, in a folder', () => {
    const found = dashboardFiles
      .map((f) => ({ f, d: readJson<Dashboard>(f) }))
      .find(({ d }) => d.title === 'Migration Operations');
    expect(found).toBeDefined();
    expect(path.relative(repoPathOf(providers[0].options.path), path.dirname(found!.f))).not.toBe('');
  });

  test('dashboard uids are unique', () => {
    const uids = dashboardFiles.map((f) => readJson<Dashboard>(f).uid);
    expect(uids.every(Boolean)).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
  });
});

describe.each(dashboardFiles.map((f) => [path.relative(PROVISIONING, f), f]))('%s', (_name, file) => {
  const dashboard = readJson<Dashboard>(file);
  const panels = flatPanels(dashboard.panels);

  function checkRef(ref: DsRef | undefined, where: string) {
    if (!ref || (ref.uid && BUILTIN_DS_UIDS.has(ref.uid)) || ref.uid?.startsWith('$')) {
      return;
    }
    const ds = dsByUid.get(ref.uid ?? '');
    expect({ where, uid: ref.uid, provisioned: Boolean(ds) }).toEqual({
      where,
      uid: ref.uid,
      provisioned: true,
    });
    if (ref.type) {
      expect({ where, type: ref.type }).toEqual({ where, type: ds!.type });
    }
  }

  function checkOurQuery(target: Target, where: string, allowed: readonly string[]) {
    const uid = target.datasource?.uid;
    if (!uid || dsByUid.get(uid)?.type !== OUR_DS_TYPE) {
      return;
    }
    expect({
      where,
      queryType: target.queryType,
      known: (KNOWN_QUERY_TYPES as readonly string[]).includes(target.queryType ?? ''),
    }).toEqual({
      where,
      queryType: target.queryType,
      known: true,
    });
    expect(allowed).toContain(target.queryType);
  }

  test('has panels with unique ids inside the 24-column grid, not overlapping', () => {
    expect(panels.length).toBeGreaterThan(0);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
    for (const a of panels) {
      for (const b of panels) {
        if (a.id < b.id) {
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w &&
            b.gridPos.x < a.gridPos.x + a.gridPos.w &&
            a.gridPos.y < b.gridPos.y + b.gridPos.h &&
            b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect({ a: a.title, b: b.title, overlap }).toEqual({ a: a.title, b: b.title, overlap: false });
        }
      }
    }
  });

  test('panel types are built into Grafana or are our panel plugins', () => {
    for (const p of panels) {
      expect({
        panel: p.title,
        type: p.type,
        known: BUILTIN_PANEL_TYPES.has(p.type) || ourPanelTypes.has(p.type),
      }).toEqual({
        panel: p.title,
        type: p.type,
        known: true,
      });
    }
  });

  test('every data source reference is provisioned, with the right type', () => {
    for (const p of panels) {
      checkRef(p.datasource, `panel ${p.title}`);
      for (const t of p.targets ?? []) {
        checkRef(t.datasource ?? p.datasource, `panel ${p.title} ${t.refId}`);
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      checkRef(v.datasource, `variable ${v.name}`);
    }
    for (const a of dashboard.annotations?.list ?? []) {
      checkRef(a.datasource, `annotation ${a.name}`);
    }
  });

  test('queries to our data source use known query types (panels: the editor types)', () => {
    let ours = 0;
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const target = { ...t, datasource: t.datasource ?? p.datasource };
        checkOurQuery(target, `panel ${p.title} ${t.refId}`, EDITOR_QUERY_TYPES);
        ours += dsByUid.get(target.datasource?.uid ?? '')?.type === OUR_DS_TYPE ? 1 : 0;
      }
    }
    for (const a of dashboard.annotations?.list ?? []) {
      if (a.target) {
        checkOurQuery({ ...a.target, datasource: a.datasource }, `annotation ${a.name}`, [
          'failedJobAnnotations',
        ]);
      }
    }
    expect(ours).toBeGreaterThan(0);
  });

  test('template variables on our data source are valid variable queries, and "All" drops the filter', () => {
    for (const v of dashboard.templating?.list ?? []) {
      if (v.type === 'query' && dsByUid.get(v.datasource?.uid ?? '')?.type === OUR_DS_TYPE) {
        expect(() => parseVariableQuery(v.query)).not.toThrow();
        if ((v as { includeAll?: boolean }).includeAll) {
          expect(v.allValue).toBe('__all');
        }
      }
    }
  });
});

test('Migration Operations shows running jobs with progress, recent failures and VM status counts', () => {
  const file = dashboardFiles.find((f) => readJson<Dashboard>(f).title === 'Migration Operations')!;
  const panels = flatPanels(readJson<Dashboard>(file).panels);
  const byQuery = (queryType: string, status?: string) =>
    panels.filter((p) =>
      (p.targets ?? []).some(
        (t) => t.queryType === queryType && (status === undefined || t.status === status),
      ),
    );
  expect(byQuery('jobs', 'running').map((p) => p.type)).toEqual(expect.arrayContaining(['table', 'stat']));
  expect(byQuery('jobs', 'failed').map((p) => p.type)).toContain('table');
  expect(byQuery('vmContexts').map((p) => p.type)).toEqual(expect.arrayContaining(['bargauge', 'table']));
  const running = byQuery('jobs', 'running').find((p) => p.type === 'table')!;
  expect(JSON.stringify(running)).toMatch(/"\/progress\/i"[\s\S]*"type":"gauge"/);
});
