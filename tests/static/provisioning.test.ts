/**
 * Grafana provisioning and the app's dashboards (Grafana cannot run here, so they are checked
 * statically): the provisioned data sources and app, and every dashboard the app includes — it
 * parses, Grafana can import it without inputs, its panels are known panel types or our plugins,
 * every data source uid it names exists with that type (provisioned, or the one the app's
 * configuration page creates), and every query it sends to our data source is of a query type
 * the data source and server know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

import { DATASOURCE_TYPE, DATASOURCE_UID, PLUGIN_ID } from '../../plugins/oma-app/src/constants';
import { parseVariableQuery } from '../../plugins/oma-app/src/datasource/query';
import { EDITOR_QUERY_TYPES, KNOWN_QUERY_TYPES } from '../../plugins/oma-app/src/datasource/types';
import { NETWORK_QUERY_TYPES } from '@oma-insights/contracts/query-protocol';
import { APP_SRC, findPlugins, REPO_ROOT, readJson } from './repo';

const PROVISIONING = path.join(REPO_ROOT, 'provisioning');
const OUR_DS_TYPE = DATASOURCE_TYPE;

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

const datasources: ProvisionedDs[] = yamlFiles(path.join(PROVISIONING, 'datasources')).flatMap(
  (f) => (parseYaml(fs.readFileSync(f, 'utf8')) as { datasources: ProvisionedDs[] }).datasources,
);
/** Data sources a dashboard may name: the provisioned ones and the one the configuration page creates. */
const dsByUid = new Map([
  [
    DATASOURCE_UID,
    { uid: DATASOURCE_UID, name: 'created by the app', type: DATASOURCE_TYPE } as ProvisionedDs,
  ],
  ...datasources.map((d) => [d.uid, d] as const),
]);

/**
 * Query types a dashboard may send: the data source's, and the network mapping ones the query
 * protocol documents (the data source is learning those in parallel; then they are the same).
 */
const QUERY_TYPES_KNOWN: readonly string[] = [...new Set([...KNOWN_QUERY_TYPES, ...NETWORK_QUERY_TYPES])];
/** A built-in panel's queries: what the query editor offers, and the network query types. */
const PANEL_QUERY_TYPES: readonly string[] = [...EDITOR_QUERY_TYPES, ...NETWORK_QUERY_TYPES];
/** Our own panels may also read a variable query (the bulk mapping panel: every destination network). */
const OUR_PANEL_QUERY_TYPES: readonly string[] = [...PANEL_QUERY_TYPES, 'variable'];

const pluginJsons = findPlugins().map((p) => p.pluginJson);
const ourPanelTypes = new Set(pluginJsons.filter((p) => p.type === 'panel').map((p) => p.id));
const ourDsTypes = new Set(pluginJsons.filter((p) => p.type === 'datasource').map((p) => p.id));

const apps = yamlFiles(path.join(PROVISIONING, 'plugins')).flatMap(
  (f) =>
    (
      parseYaml(fs.readFileSync(f, 'utf8')) as {
        apps: Array<{
          type: string;
          org_id?: number;
          disabled?: boolean;
          jsonData?: Record<string, unknown>;
        }>;
      }
    ).apps,
);

/** The dashboards the app includes (Grafana imports them when the app is enabled). */
const appIncludes = readJson<{ includes: Array<{ type: string; path?: string; uid?: string }> }>(
  path.join(APP_SRC, 'plugin.json'),
).includes;
const dashboardFiles = appIncludes
  .filter((i) => i.type === 'dashboard')
  .map((i) => path.join(APP_SRC, i.path!));

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

describe('the app', () => {
  test('is provisioned enabled in the main org, reading the provisioned data source', () => {
    expect(apps).toEqual([
      expect.objectContaining({
        type: PLUGIN_ID,
        org_id: 1,
        disabled: false,
        jsonData: { datasourceUid: DATASOURCE_UID },
      }),
    ]);
    expect(datasources.find((d) => d.uid === DATASOURCE_UID)?.type).toBe(OUR_DS_TYPE);
  });

  test('includes the Migration Operations dashboard, and dashboard uids are unique', () => {
    const dashboards = dashboardFiles.map((f) => readJson<Dashboard>(f));
    expect(dashboards.map((d) => d.title)).toContain('Migration Operations');
    const uids = dashboards.map((d) => d.uid);
    expect(uids.every(Boolean)).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
  });

  test("there is no second copy of a dashboard in provisioning (Grafana imports the app's own)", () => {
    expect(fs.existsSync(path.join(PROVISIONING, 'dashboards'))).toBe(false);
  });
});

describe.each(dashboardFiles.map((f) => [path.relative(APP_SRC, f), f]))('%s', (_name, file) => {
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
      known: QUERY_TYPES_KNOWN.includes(target.queryType ?? ''),
    }).toEqual({
      where,
      queryType: target.queryType,
      known: true,
    });
    expect(allowed).toContain(target.queryType);
  }

  test('Grafana can import it without inputs (an app imports its dashboards with none)', () => {
    expect((dashboard as { __inputs?: unknown }).__inputs).toBeUndefined();
    expect(JSON.stringify(dashboard)).not.toMatch(/\$\{DS_[A-Z_]+\}/);
  });

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

  test('queries to our data source use known query types (panels: the editor and network types)', () => {
    let ours = 0;
    for (const p of panels) {
      const allowed = ourPanelTypes.has(p.type) ? OUR_PANEL_QUERY_TYPES : PANEL_QUERY_TYPES;
      for (const t of p.targets ?? []) {
        const target = { ...t, datasource: t.datasource ?? p.datasource };
        checkOurQuery(target, `panel ${p.title} ${t.refId}`, allowed);
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

describe('Network Mapping', () => {
  const file = dashboardFiles.find((f) => readJson<Dashboard>(f).uid === 'oma-network-mapping')!;
  const dashboard = readJson<Dashboard>(file);
  const panels = flatPanels(dashboard.panels);
  const queryTypes = (p: Panel) => (p.targets ?? []).map((t) => t.queryType);
  const ofType = (type: string) => panels.filter((p) => p.type === type);

  test('is included by the app, in the navigation', () => {
    expect(appIncludes).toContainEqual(
      expect.objectContaining({ type: 'dashboard', uid: 'oma-network-mapping', addToNav: true }),
    );
    expect(dashboard.title).toBe('Network Mapping');
  });

  test('filters by vCenter and datacenter (variable queries) and picks the failover type', () => {
    const vars = Object.fromEntries((dashboard.templating?.list ?? []).map((v) => [v.name, v]));
    expect(parseVariableQuery(vars.vcenter.query)).toMatchObject({ variable: 'vcenters' });
    expect(parseVariableQuery(vars.datacenter.query)).toMatchObject({
      variable: 'datacenters',
      vcenter: '$vcenter',
    });
    expect(vars.failover_type).toMatchObject({ type: 'custom', query: 'live,test' });
  });

  test('the bulk mapping panel reads VMs of the chosen vCenter and datacenter and recommendations for the failover type', () => {
    const [bulk] = ofType('oma-bulkmapping-panel');
    expect(bulk).toBeDefined();
    const byType = Object.fromEntries((bulk.targets ?? []).map((t) => [t.queryType, t]));
    expect(byType.networkVms).toMatchObject({ vcenter: '$vcenter', datacenter: '$datacenter' });
    expect(byType.networkRecommendations).toMatchObject({ failoverType: '$failover_type' });
    expect(byType.variable).toMatchObject({ variable: 'destinationNetworks' });
  });

  test('the topology panel of the chosen failover type, with recommendations and the VMs behind each network', () => {
    const topology = panels.filter((p) => queryTypes(p).includes('networkTopology'));
    expect(topology.map((p) => p.type)).toEqual(['oma-networktopology-panel']);
    expect(queryTypes(topology[0]).sort()).toEqual([
      'networkRecommendations',
      'networkTopology',
      'networkVms',
    ]);
    expect(topology[0].targets![0]).toMatchObject({ failoverType: '$failover_type', vcenter: '$vcenter' });
    expect(topology[0].targets![1]).toMatchObject({ failoverType: '$failover_type' });
  });

  test('the validation summary (stats and the issues table) and per-network performance (table and time series)', () => {
    const validation = panels.filter((p) => queryTypes(p).includes('networkValidation'));
    expect(validation.map((p) => p.type).sort()).toEqual(['stat', 'stat', 'stat', 'stat', 'table']);
    for (const p of validation) expect(p.targets![0]).toMatchObject({ failoverType: '$failover_type' });
    const performance = panels.filter((p) => queryTypes(p).includes('networkPerformance'));
    expect(performance.map((p) => p.type).sort()).toEqual(['table', 'timeseries', 'timeseries']);
  });
});

describe('alerting (provisioning/alerting)', () => {
  interface Rule {
    uid: string;
    title: string;
    condition: string;
    data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
    noDataState: string;
    execErrState: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }
  interface Receiver {
    uid: string;
    type: string;
    settings: Record<string, string>;
  }
  interface Route {
    receiver: string;
    object_matchers?: Array<[string, string, string]>;
    routes?: Route[];
  }
  const files = yamlFiles(path.join(PROVISIONING, 'alerting')).map(
    (f) =>
      parseYaml(fs.readFileSync(f, 'utf8')) as {
        apiVersion: number;
        groups?: Array<{ orgId: number; name: string; folder: string; interval: string; rules: Rule[] }>;
        contactPoints?: Array<{ orgId: number; name: string; receivers: Receiver[] }>;
        policies?: Array<Route & { orgId: number }>;
      },
  );
  const groups = files.flatMap((f) => f.groups ?? []);
  const rules = groups.flatMap((g) => g.rules);
  const contactPoints = files.flatMap((f) => f.contactPoints ?? []);
  const policies = files.flatMap((f) => f.policies ?? []);
  const mysqlUids = new Set(datasources.filter((d) => d.type === 'mysql').map((d) => d.uid));
  const matches = (route: Route, labels: Record<string, string>) =>
    (route.object_matchers ?? []).every(([name, op, value]) =>
      op === '='
        ? labels[name] === value
        : op === '=~'
          ? new RegExp(`^(?:${value})$`).test(labels[name] ?? '')
          : false,
    );

  test('every file is apiVersion 1, rules in named groups of a folder with an interval', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(f.apiVersion).toBe(1);
    for (const g of groups) {
      expect(g).toMatchObject({
        orgId: 1,
        folder: expect.any(String),
        interval: expect.stringMatching(/^\d+[sm]$/),
      });
      expect(g.rules.length).toBeGreaterThan(0);
    }
  });

  test('the four rules the issue asks for, with unique uids Grafana accepts', () => {
    expect(rules.map((r) => r.uid).sort()).toEqual([
      'oma-cbt-sync-failures',
      'oma-migration-failed',
      'oma-replication-stalled',
      'oma-success-rate-low',
    ]);
    for (const r of rules) expect(r.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  test('every query reads a provisioned MySQL data source; expressions chain to earlier refIds; the condition exists', () => {
    for (const r of rules) {
      const seen = new Set<string>();
      for (const q of r.data) {
        expect({ rule: r.uid, refId: q.refId, model: q.model.refId }).toEqual({
          rule: r.uid,
          refId: q.refId,
          model: q.refId,
        });
        if (q.datasourceUid === '__expr__') {
          expect(['reduce', 'threshold']).toContain(q.model.type);
          expect({
            rule: r.uid,
            reads: q.model.expression,
            earlier: seen.has(String(q.model.expression)),
          }).toEqual({
            rule: r.uid,
            reads: q.model.expression,
            earlier: true,
          });
        } else {
          expect({ rule: r.uid, uid: q.datasourceUid, mysql: mysqlUids.has(q.datasourceUid) }).toEqual({
            rule: r.uid,
            uid: q.datasourceUid,
            mysql: true,
          });
          // A table (one instance per row), plain SQL: no Grafana macro or variable, nothing for
          // provisioning's environment expansion to eat.
          expect(q.model).toMatchObject({ format: 'table', rawQuery: true, rawSql: expect.any(String) });
          expect(String(q.model.rawSql)).not.toContain('$');
        }
        seen.add(q.refId);
      }
      expect(r.data.map((q) => q.refId)).toContain(r.condition);
      expect(r.data.find((q) => q.refId === r.condition)?.model.type).toBe('threshold');
    }
  });

  test('an empty result is not an alert; labels route the rule and carry no $ (provisioning expands them)', () => {
    for (const r of rules) {
      expect({ rule: r.uid, noDataState: r.noDataState }).toEqual({ rule: r.uid, noDataState: 'OK' });
      expect(r.labels).toMatchObject({
        source: 'oma-insights',
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect(JSON.stringify(r.labels)).not.toContain('$');
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  test('the contact point posts to the server with an ingest token from the environment, never a literal secret', () => {
    const webhooks = contactPoints.flatMap((c) => c.receivers).filter((r) => r.type === 'webhook');
    expect(webhooks).toHaveLength(1);
    const { settings } = webhooks[0];
    expect(settings.url).toBe('${OMA_SERVER_URL}/api/v1/alerts/grafana');
    expect(settings.httpMethod).toBe('POST');
    expect(settings.authorization_scheme).toBe('Bearer');
    expect(settings.authorization_credentials).toMatch(/^\$\{?[A-Z_]+\}?$/);
    for (const secretKey of ['password', 'basicAuthPassword', 'token'])
      expect(settings[secretKey]).toBeUndefined();
  });

  test('the notification policy routes every OMA rule to that contact point', () => {
    expect(policies).toHaveLength(1);
    const names = new Set([...contactPoints.map((c) => c.name), 'grafana-default-email']);
    const routes = [policies[0], ...(policies[0].routes ?? [])];
    for (const route of routes) expect(names.has(route.receiver)).toBe(true);
    for (const r of rules) {
      const route = (policies[0].routes ?? []).find((child) => matches(child, r.labels ?? {}));
      expect({ rule: r.uid, receiver: route?.receiver }).toEqual({
        rule: r.uid,
        receiver: contactPoints[0].name,
      });
    }
    // And only them: an unrelated alert stays with the default receiver.
    expect((policies[0].routes ?? []).some((child) => matches(child, { alertname: 'CPU' }))).toBe(false);
  });
});
