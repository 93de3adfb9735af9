/**
 * Browser side of the e2e host: loads built plugins the way Grafana does (SystemJS, AMD
 * module.js from /public/plugins/<id>/, Grafana's shared modules from an import map) and
 *
 * - mountDataSource: renders a data source's config editor, health check, query editor and
 *   results with realistic props;
 * - mountApp: renders the app's root page at /a/<app id>/... or its configuration page, with what
 *   Grafana gives app pages (PluginPage chrome, DataSourceSrv, router, theme, PanelRenderer and
 *   createQueryRunner for panels on a page);
 * - mountPanel: renders a panel plugin as a dashboard panel (panels.tsx): its queries through the
 *   data source, PanelProps, a scoped event bus, the signed-in user's role in config.bootData.
 *
 * It is bundled by webpack (tests/e2e/build-host.js) and driven by Playwright through the DOM
 * and `window.omaHost`.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import {
  applyFieldOverrides,
  createDataFrame,
  createTheme,
  LoadingState,
  dateTime,
  fieldMatchers,
  getFieldDisplayName,
  PluginContextProvider,
  standardTransformers,
  standardTransformersRegistry,
  ThemeContext,
  transformDataFrame,
  usePluginContext,
  type AppPlugin,
  type AppPluginMeta,
  type DataFrame,
  type DataQuery,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePlugin,
  type DataSourcePluginMeta,
  type DataSourceSettings,
  type DataTransformerConfig,
  type DataTransformerInfo,
  type GrafanaTheme2,
  type NavModel,
  type PanelData,
  type TestDataSourceResponse,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import {
  config,
  HistoryWrapper,
  LocationServiceProvider,
  locationSearchToObject,
  setAppEvents,
  setBackendSrv,
  setDataSourceSrv,
  setQueryRunnerFactory,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type DataSourceSrv,
  type FetchError,
  type FetchResponse,
  type PluginPageProps,
  type TemplateSrv,
} from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { Alert, Button, GlobalStyles, Stack, Table } from '@grafana/ui';
// Not exported by @grafana/runtime's public entry; Grafana calls it at start-up (public/app/app.ts).
import { setPluginPage } from 'grafana-runtime-plugin-page';
import { setPanelRenderer } from 'grafana-runtime-panel-renderer';
import { setPanelDataErrorView } from 'grafana-runtime-panel-data-error-view';
import { createMemoryHistory } from 'history';
import * as lodash from 'lodash';
import * as moment from 'moment';
import * as React from 'react';
import { useCallback, useMemo, useState } from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
// react-router-dom v5 (Grafana's own router) and v5-compat (the v6 API Grafana shares as `react-router`).
import { Router } from 'react-router-dom';
import * as reactRouterDomV5Compat from 'react-router-dom-v5-compat';
import { CompatRouter, Route, Routes, useLocation } from 'react-router-dom-v5-compat';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import { lastValueFrom, Observable } from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import {
  HostDashboardPanel,
  HostPanelDataErrorView,
  HostPanelRenderer,
  HostQueryRunner,
  importPanelPlugin,
  registerStandardEditors,
  type MountPanelOptions,
  type PanelRecord,
  type RenderPanelOptions,
} from './panels';

interface SystemJSLike {
  set(id: string, module: object): void;
  import(id: string): Promise<Record<string, unknown>>;
  addImportMap(map: { imports: Record<string, string> }): void;
}

declare global {
  interface Window {
    System: SystemJSLike;
    omaHost: OmaHost;
  }
}

/**
 * Modules Grafana shares with plugins, registered under the `app:` scheme like Grafana does
 * (public/app/features/plugins/loader/sharedDependencies.ts). `react-router` is the v6 API of
 * react-router-dom-v5-compat there: an app bundles its own react-router-dom v6, whose `react-router`
 * import must meet the router Grafana renders app pages in.
 */
const SHARED_MODULES: Record<string, object> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  rxjs,
  'rxjs/operators': rxjsOperators,
  lodash,
  moment,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  'react-router': reactRouterDomV5Compat,
};

function registerSharedModules() {
  const imports: Record<string, string> = {};
  for (const [name, ns] of Object.entries(SHARED_MODULES)) {
    const id = `app:${name}`;
    // AMD consumers get the namespace; `default` keeps `import React from 'react'` working.
    window.System.set(id, {
      ...ns,
      default: (ns as { default?: unknown }).default ?? ns,
      __useDefault: false,
    });
    imports[name] = id;
  }
  window.System.addImportMap({ imports });
}

/** BackendSrv.fetch over window.fetch, shaped like Grafana's (data = JSON or text; errors are FetchError). */
class HostBackendSrv {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const url = new URL(options.url, window.location.origin);
      for (const [k, v] of Object.entries(options.params ?? {})) {
        url.searchParams.set(k, String(v));
      }
      const headers: Record<string, string> = {
        Accept: 'application/json, text/plain, */*',
        ...(options.headers ?? {}),
      };
      let body: BodyInit | undefined;
      if (options.data !== undefined && options.method && options.method !== 'GET') {
        headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
        body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
      }
      window
        .fetch(url.toString(), {
          method: options.method ?? 'GET',
          headers,
          body,
          signal: controller.signal,
          credentials: 'same-origin',
        })
        .then(async (response) => {
          const text = await response.text();
          let data: unknown = text;
          try {
            data = text === '' ? text : JSON.parse(text);
          } catch {
            // not JSON: keep the text, as Grafana does
          }
          const res = {
            data: data as T,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          } as FetchResponse<T>;
          if (!response.ok) {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(error);
            return;
          }
          subscriber.next(res);
          subscriber.complete();
        })
        .catch((err: unknown) => {
          const error: FetchError = {
            status: 0,
            statusText: String(err),
            data: { message: String(err) },
            config: options,
          };
          subscriber.error(error);
        });
      return () => controller.abort();
    });
  }

  async request<T>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }
  get<T>(url: string, params?: Record<string, unknown>): Promise<T> {
    return this.request<T>({ url, params, method: 'GET' });
  }
  post<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, data, method: 'POST' });
  }
  put<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, data, method: 'PUT' });
  }
  patch<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, data, method: 'PATCH' });
  }
  delete<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, data, method: 'DELETE' });
  }
  datasourceRequest<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }
  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    throw new Error('chunked requests are not supported by the e2e host');
  }
}

/**
 * Grafana's TemplateSrv reduced to what data sources call: `$name` / `${name}` from scoped vars
 * (repeated panels) or the host's dashboard variables; unknown variables are left as they are.
 */
class HostTemplateSrv {
  variables: Record<string, string | string[]> = {};

  replace(target?: string, scopedVars?: Record<string, { value: unknown }>, format?: unknown): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
      const name = (braced ?? bare) as string;
      const value = scopedVars?.[name]?.value ?? this.variables[name];
      if (value === undefined) {
        return match;
      }
      return Array.isArray(value) ? value.join(format === 'csv' ? ',' : ' ') : String(value);
    });
  }
  getVariables() {
    return [];
  }
  containsTemplate(target?: string) {
    return Boolean(target && /\$\w+|\$\{\w+\}/.test(target));
  }
  updateTimeRange() {}
}

async function getJson<T>(url: string): Promise<T> {
  const res = await window.fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    throw new Error(`${url}: HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

interface FrameSummary {
  name?: string;
  refId?: string;
  length: number;
  fields: Array<{ name: string; displayName: string; type: string; first: unknown }>;
}

/** A dashboard panel as far as runPanel reads it. */
interface PanelModel {
  title: string;
  targets?: DataQuery[];
  transformations?: DataTransformerConfig[];
  fieldConfig?: { overrides?: Array<{ matcher: { id: string; options?: unknown } }> };
  options?: { reduceOptions?: { fields?: string } };
}

/** What a panel's queries and transformations produce, and which fields its matchers select. */
interface PanelRun {
  errors: Array<{ refId?: string; message?: string }>;
  frames: FrameSummary[];
  overrides: Array<{ matcher: string; fields: string[] }>;
  reduceFields?: string[];
}

interface OmaHost {
  sharedModules: string[];
  /** Dashboard variable values used by the TemplateSrv. */
  setVariables(values: Record<string, string | string[]>): void;
  /** Runs a dashboard panel's targets through the mounted data source, then its transformations. */
  runPanel(panel: PanelModel): Promise<PanelRun>;
  mountDataSource(uid: string, initialQuery: DataQuery): Promise<{ pluginId: string; moduleKeys: string[] }>;
  /** Renders an app page (/a/<app id>/<page>) or the app's configuration page. */
  mountApp(options: MountAppOptions): Promise<{ pluginId: string; enabled: boolean }>;
  /** Renders a panel plugin as a dashboard panel; `panel` then records what it did. */
  mountPanel(
    options: MountPanelOptions & { theme?: 'light' | 'dark' },
  ): Promise<{ pluginId: string; type: string }>;
  panel?: PanelRecord;
  /** Renders a panel plugin through PanelRenderer with the given frames (no queries). */
  renderPanel(options: RenderPanelOptions): Promise<{ pluginId: string; type: string }>;
  /** Available after mountDataSource. */
  ds?: DataSourceApi;
  lastResponse?: { frames: FrameSummary[]; errors: Array<{ refId?: string; message?: string }> };
  lastHealth?: TestDataSourceResponse;
}

const theme = createTheme({ colors: { mode: 'dark' } });
const RANGE_HOURS = 24 * 30;

function summarize(frames: DataFrame[]): FrameSummary[] {
  return frames.map((f) => ({
    name: f.name,
    refId: f.refId,
    length: f.length,
    fields: f.fields.map((fl) => ({
      name: fl.name,
      displayName: getFieldDisplayName(fl, f, frames),
      type: fl.type,
      first: fl.values[0],
    })),
  }));
}

function timeRange() {
  const to = dateTime();
  const from = dateTime(to.valueOf() - RANGE_HOURS * 3600 * 1000);
  return { from, to, raw: { from: `now-${RANGE_HOURS}h`, to: 'now' } };
}

/** The transformations @grafana/data ships, registered the way Grafana's app does at start-up. */
function registerTransformers() {
  standardTransformersRegistry.setInit(() => {
    // Some transformers are exported twice (under an old and a new name): register each id once.
    const byId = new Map<string, DataTransformerInfo>();
    for (const info of Object.values(standardTransformers) as DataTransformerInfo[]) {
      if (!byId.has(info.id)) {
        byId.set(info.id, info);
      }
    }
    return [...byId.values()].map((info) => ({
      id: info.id,
      aliasIds: (info.aliasIds ?? []).filter((alias) => !byId.has(alias)),
      name: info.name,
      description: info.description,
      transformation: () => Promise.resolve(info),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }));
  });
}

function matchingFields(matcherId: string, options: unknown, frames: DataFrame[]): string[] {
  const matcher = fieldMatchers.get(matcherId).get(options);
  return frames.flatMap((frame) =>
    frame.fields
      .filter((field) => matcher(field, frame, frames))
      .map((field) => getFieldDisplayName(field, frame, frames)),
  );
}

async function runPanel(panel: PanelModel): Promise<PanelRun> {
  const ds = window.omaHost.ds;
  if (!ds) {
    throw new Error('mount a data source first');
  }
  const res = await lastValueFrom(
    ds.query({
      requestId: `panel-${Date.now()}`,
      interval: '1m',
      intervalMs: 60_000,
      maxDataPoints: 1000,
      range: timeRange(),
      scopedVars: {},
      targets: panel.targets ?? [],
      timezone: 'utc',
      app: 'dashboard',
      startTime: Date.now(),
    }) as Observable<DataQueryResponse>,
  );
  let frames = res.data as DataFrame[];
  if (panel.transformations?.length) {
    frames = await lastValueFrom(transformDataFrame(panel.transformations, frames));
  }
  const reduce = panel.options?.reduceOptions?.fields;
  return {
    errors: (res.errors ?? []).map((e) => ({ refId: e.refId, message: e.message })),
    frames: summarize(frames),
    overrides: (panel.fieldConfig?.overrides ?? []).map((o) => ({
      matcher: `${o.matcher.id}:${String(o.matcher.options)}`,
      fields: matchingFields(o.matcher.id, o.matcher.options, frames),
    })),
    reduceFields: reduce ? matchingFields('byRegexp', reduce, frames) : undefined,
  };
}

type AnyPlugin = DataSourcePlugin<DataSourceApi<DataQuery>, DataQuery>;

function HostApp(props: {
  plugin: AnyPlugin;
  ds: DataSourceApi<DataQuery>;
  settings: DataSourceSettings;
  initialQuery: DataQuery;
}) {
  const { plugin, ds, initialQuery } = props;
  const [settings, setSettings] = useState(props.settings);
  const [query, setQuery] = useState<DataQuery>(initialQuery);
  const [health, setHealth] = useState<TestDataSourceResponse | null>(null);
  const [response, setResponse] = useState<DataQueryResponse | null>(null);
  const [running, setRunning] = useState(false);
  const ConfigEditor = plugin.components.ConfigEditor;
  const QueryEditor = plugin.components.QueryEditor;

  const runQuery = useCallback(
    async (q: DataQuery) => {
      setRunning(true);
      const res = await lastValueFrom(
        ds.query({
          requestId: `host-${Date.now()}`,
          interval: '1m',
          intervalMs: 60_000,
          maxDataPoints: 1000,
          range: timeRange(),
          scopedVars: {},
          targets: [q],
          timezone: 'utc',
          app: 'dashboard',
          startTime: Date.now(),
        }) as Observable<DataQueryResponse>,
      );
      window.omaHost.lastResponse = {
        frames: summarize(res.data as DataFrame[]),
        errors: (res.errors ?? []).map((e) => ({ refId: e.refId, message: e.message })),
      };
      setResponse(res);
      setRunning(false);
    },
    [ds],
  );

  const frames = useMemo(
    () =>
      response
        ? applyFieldOverrides({
            data: response.data as DataFrame[],
            fieldConfig: { defaults: {}, overrides: [] },
            replaceVariables: (v: string) => v,
            theme,
            timeZone: 'utc',
          })
        : [],
    [response],
  );

  const testDatasource = async () => {
    const result = await ds.testDatasource();
    window.omaHost.lastHealth = result;
    setHealth(result);
  };

  return (
    <div style={{ padding: 16, width: 1200 }}>
      <Stack direction="column" gap={2}>
        <h2>Data source: {settings.name}</h2>
        <section data-testid="host-config">
          {ConfigEditor && <ConfigEditor options={settings} onOptionsChange={setSettings} />}
        </section>
        <section data-testid="host-health">
          <Stack direction="column" gap={1}>
            <div>
              <Button onClick={testDatasource}>Save &amp; test</Button>
            </div>
            {health && (
              <Alert
                data-testid="health-result"
                title={health.message}
                severity={
                  health.status === 'success' ? 'success' : health.status === 'warning' ? 'warning' : 'error'
                }
              >
                {health.details?.verboseMessage ? <pre>{health.details.verboseMessage}</pre> : null}
              </Alert>
            )}
          </Stack>
        </section>
        <section data-testid="host-query">
          <h3>Query</h3>
          {QueryEditor && (
            <QueryEditor
              datasource={ds}
              query={query}
              onChange={(q: DataQuery) => setQuery(q)}
              onRunQuery={() => undefined}
              app={'explore' as never}
            />
          )}
          <div style={{ marginTop: 8 }}>
            <Button data-testid="run-query" icon="sync" onClick={() => runQuery(query)} disabled={running}>
              Run query
            </Button>
          </div>
        </section>
        <section data-testid="host-results" data-state={running ? 'running' : response ? 'done' : 'idle'}>
          {(response?.errors ?? []).map((e, i) => (
            <Alert key={i} title={`Query ${e.refId ?? ''} failed`} severity="error" data-testid="query-error">
              {e.message}
            </Alert>
          ))}
          {frames.map((frame, i) => (
            <div key={i} data-testid="result-frame" style={{ marginBottom: 16 }}>
              <div>
                {frame.name ?? 'frame'} — {frame.length} rows
              </div>
              <Table data={frame} width={1160} height={Math.min(420, 40 + 36 * Math.max(frame.length, 1))} />
            </div>
          ))}
        </section>
      </Stack>
    </div>
  );
}

/** Loads a data source plugin's module the way Grafana's plugin importer does. */
async function importDataSourcePlugin(type: string) {
  const meta = await getJson<DataSourcePluginMeta>(`/api/plugins/${type}/settings`);
  const mod = await window.System.import(`/public/plugins/${type}/module.js`);
  const plugin = mod.plugin as AnyPlugin;
  if (!plugin || !plugin.DataSourceClass) {
    throw new Error(`${type}/module.js does not export a data source plugin`);
  }
  plugin.meta = meta;
  return { plugin, meta, moduleKeys: Object.keys(mod) };
}

/** What a data source instance is built from (the frontend settings Grafana boots with). */
function instanceSettingsOf(
  settings: DataSourceSettings,
  meta: DataSourcePluginMeta,
): DataSourceInstanceSettings {
  return {
    id: settings.id,
    uid: settings.uid,
    type: settings.type,
    name: settings.name,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${settings.uid}`,
    jsonData: settings.jsonData,
    meta,
    readOnly: settings.readOnly,
  };
}

let root: Root | undefined;
function render(element: React.ReactNode) {
  root?.unmount();
  root = createRoot(document.getElementById('root')!);
  root.render(element);
}

async function mountDataSource(uid: string, initialQuery: DataQuery) {
  const settings = await getJson<DataSourceSettings>(`/api/datasources/uid/${uid}`);
  const { plugin, meta, moduleKeys } = await importDataSourcePlugin(settings.type);
  const ds = new plugin.DataSourceClass(instanceSettingsOf(settings, meta)) as DataSourceApi<DataQuery>;
  window.omaHost.ds = ds;
  render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <HostApp
        plugin={plugin}
        ds={ds}
        settings={{ ...settings, typeName: meta.name, typeLogoUrl: '' }}
        initialQuery={initialQuery}
      />
    </ThemeContext.Provider>,
  );
  return { pluginId: meta.id, moduleKeys };
}

/**
 * Grafana's DataSourceSrv as app pages use it. Grafana's own (public/app/features/plugins/
 * datasource_srv.ts) knows the data sources of the boot data until reload(); this one asks
 * /api/datasources/uid/<uid> on every get(), so a data source created on the config page is
 * found at once. A missing one is rejected with Grafana's plain object, not an Error.
 */
class HostDataSourceSrv {
  private settings = new Map<string, DataSourceInstanceSettings>();

  async get(ref?: string | { uid?: string } | null): Promise<DataSourceApi> {
    const uid = typeof ref === 'string' ? ref : ref?.uid;
    const res = uid ? await window.fetch(`/api/datasources/uid/${encodeURIComponent(uid)}`) : undefined;
    if (!res?.ok) {
      return Promise.reject({ message: `Datasource ${uid} was not found` });
    }
    const settings = (await res.json()) as DataSourceSettings;
    const { plugin, meta } = await importDataSourcePlugin(settings.type);
    const instanceSettings = instanceSettingsOf(settings, meta);
    this.settings.set(settings.uid, instanceSettings);
    const instance = new plugin.DataSourceClass(instanceSettings) as DataSourceApi;
    instance.components = plugin.components;
    return instance;
  }
  /** Only data sources this page has already loaded with get(). */
  getInstanceSettings(ref?: string | { uid?: string } | null) {
    return this.settings.get((typeof ref === 'string' ? ref : ref?.uid) ?? '');
  }
  getList() {
    return [...this.settings.values()];
  }
  async reload() {}
  registerRuntimeDataSource() {
    throw new Error('runtime data sources are not supported by the e2e host');
  }
}

const APP_ID = 'oma-migration-app';

interface MountAppOptions {
  /** An app page's route below /a/<app id>/ (e.g. overview), or 'config'. */
  page: string;
  theme?: 'light' | 'dark';
}

/** The frame around an app page (Grafana's PluginPage: page title, actions, contents). */
function HostPluginPage({ children, actions, pageNav, subTitle }: PluginPageProps) {
  const context = usePluginContext();
  const location = useLocation();
  const styles = useHostStyles();
  // Grafana titles the page after the app's nav node for the URL (the include with that path).
  const include = context?.meta.includes?.find(
    (i) => i.path?.replace('%PLUGIN_ID%', context.meta.id) === location.pathname,
  );
  const title = pageNav?.text ?? include?.name ?? context?.meta.name ?? '';
  return (
    <div className={styles.page} data-testid="host-plugin-page">
      <header className={styles.header}>
        <div>
          <h1 className={styles.title}>{title}</h1>
          {subTitle && <div className={styles.subTitle}>{subTitle}</div>}
        </div>
        {actions && <div data-testid="host-page-actions">{actions}</div>}
      </header>
      {children}
    </div>
  );
}

/**
 * Grafana's AppRootPage (public/app/features/plugins/components/AppRootPage.tsx): an app that is
 * not enabled gets "Application Not Enabled"; a page include whose role the user lacks gets
 * "Access denied"; otherwise the root component inside PluginContextProvider, with the props
 * Grafana passes (basename is the current pathname there too).
 */
function HostAppRootPage({ plugin }: { plugin: AppPlugin }) {
  const location = useLocation();
  const [, setNav] = React.useState<NavModel | null>(null);
  const query = useMemo(() => locationSearchToObject(location.search), [location.search]);
  const styles = useHostStyles();
  const { meta } = plugin;
  if (!meta.enabled || !plugin.root) {
    return (
      <div className={styles.page}>
        <Alert
          severity="error"
          title={meta.enabled ? 'No root app page component found' : 'Application Not Enabled'}
        />
      </div>
    );
  }
  const include = meta.includes?.find((i) => i.path?.replace('%PLUGIN_ID%', meta.id) === location.pathname);
  const role = config.bootData.user.orgRole;
  const rank = { Viewer: 1, Editor: 2, Admin: 3 } as Record<string, number>;
  if (include?.role && (rank[role] ?? 0) < (rank[include.role] ?? 0)) {
    return (
      <Alert severity="warning" title="Access denied">
        You do not have permission to see this page.
      </Alert>
    );
  }
  const Root = plugin.root;
  return (
    <PluginContextProvider meta={meta}>
      <Root
        meta={meta}
        basename={location.pathname}
        onNavChanged={setNav}
        query={query}
        path={location.pathname}
      />
    </PluginContextProvider>
  );
}

/** The app's configuration tab on Grafana's plugin details page (/plugins/<id>). */
function HostPluginConfigPage({ plugin }: { plugin: AppPlugin }) {
  const styles = useHostStyles();
  const page = plugin.configPages?.[0];
  return (
    <div className={styles.page} data-testid="host-plugin-details">
      <header className={styles.header}>
        <h1 className={styles.title}>{plugin.meta.name}</h1>
      </header>
      <div className={styles.tab}>{page?.title ?? 'Configuration'}</div>
      {page ? (
        <page.body plugin={plugin} query={{}} />
      ) : (
        <Alert severity="error" title="No configuration page" />
      )}
    </div>
  );
}

const hostStyles = (t: GrafanaTheme2) => ({
  page: emotionCss.css({
    minHeight: '100vh',
    padding: t.spacing(2, 3),
    background: t.colors.background.primary,
  }),
  header: emotionCss.css({
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: t.spacing(2),
    marginBottom: t.spacing(3),
  }),
  title: emotionCss.css({ ...t.typography.h2, margin: 0 }),
  subTitle: emotionCss.css({ color: t.colors.text.secondary, marginTop: t.spacing(1) }),
  tab: emotionCss.css({
    display: 'inline-block',
    marginBottom: t.spacing(3),
    paddingBottom: t.spacing(0.5),
    borderBottom: `2px solid ${t.colors.primary.main}`,
    fontWeight: t.typography.fontWeightMedium,
  }),
});
const useHostStyles = () => grafanaUi.useStyles2(hostStyles);

/**
 * Renders the app like Grafana: the module from /public/plugins/<app id>/module.js, its meta from
 * /api/plugins/<app id>/settings (importAppPlugin: init(meta), then meta), inside Grafana's router
 * (public/app/routes/RoutesWrapper.tsx: a v5 Router on the location service's history,
 * LocationServiceProvider, CompatRouter, then the v6 route `/a/:pluginId/*` of AppRootPage),
 * with the theme chosen for this mount.
 */
async function mountApp({ page, theme: mode = 'light' }: MountAppOptions) {
  const meta = await getJson<AppPluginMeta>(`/api/plugins/${APP_ID}/settings`);
  const mod = await window.System.import(`/public/plugins/${APP_ID}/module.js`);
  const plugin = mod.plugin as AppPlugin;
  if (!plugin || typeof plugin.setRootPage !== 'function') {
    throw new Error(`${APP_ID}/module.js does not export an app plugin`);
  }
  plugin.init(meta);
  plugin.meta = meta;

  const appTheme = createTheme({ colors: { mode } });
  config.theme2 = appTheme;
  config.bootData.user.theme = mode;
  const path = page === 'config' ? `/plugins/${APP_ID}` : `/a/${APP_ID}/${page}`;
  const history = createMemoryHistory({ initialEntries: [path] });
  render(
    <ThemeContext.Provider value={appTheme}>
      <GlobalStyles />
      <Router history={history}>
        <LocationServiceProvider service={new HistoryWrapper(history as never)}>
          <CompatRouter>
            <Routes>
              <Route path="/a/:pluginId/*" element={<HostAppRootPage plugin={plugin} />} />
              <Route path="/plugins/:pluginId" element={<HostPluginConfigPage plugin={plugin} />} />
            </Routes>
          </CompatRouter>
        </LocationServiceProvider>
      </Router>
    </ThemeContext.Provider>,
  );
  document.body.dataset.theme = mode;
  return { pluginId: meta.id, enabled: Boolean(meta.enabled) };
}

/**
 * Renders a panel plugin the way a dashboard does (HostDashboardPanel), on a page of its own size,
 * with the theme chosen for this mount. The user's role is the signed-in user's (boot data).
 */
async function mountPanel({
  theme: mode = 'dark',
  ...spec
}: MountPanelOptions & { theme?: 'light' | 'dark' }) {
  const plugin = await importPanelPlugin(spec.pluginId);
  const panelTheme = createTheme({ colors: { mode } });
  config.theme2 = panelTheme;
  config.bootData.user.theme = mode;
  const record: PanelRecord = {
    pluginId: spec.pluginId,
    options: {},
    fieldConfig: { defaults: {}, overrides: [] },
    runs: 0,
    refreshEvents: 0,
    renderCounter: 0,
    frames: [],
    errors: [],
  };
  window.omaHost.panel = record;
  render(
    <ThemeContext.Provider value={panelTheme}>
      <GlobalStyles />
      <div
        data-testid="host-panel"
        style={{
          padding: 8,
          background: panelTheme.colors.background.canvas,
          minHeight: '100vh',
          boxSizing: 'border-box',
        }}
      >
        <HostDashboardPanel spec={spec} record={record} />
        {Array.from({ length: Math.max(0, (spec.copies ?? 1) - 1) }, (_, i) => (
          <div key={i} style={{ marginTop: 8 }}>
            <HostDashboardPanel spec={{ ...spec, id: (spec.id ?? 1) + i + 1 }} record={{ ...record }} />
          </div>
        ))}
      </div>
    </ThemeContext.Provider>,
  );
  document.body.dataset.theme = mode;
  return { pluginId: plugin.meta.id, type: plugin.meta.type };
}

/**
 * Renders a panel plugin through PanelRenderer with data the caller made, as an app page does
 * with frames of its own (here: frames a test builds, e.g. hundreds of networks).
 */
async function renderPanel({ theme: mode = 'dark', frames, ...props }: RenderPanelOptions) {
  const plugin = await importPanelPlugin(props.pluginId);
  const panelTheme = createTheme({ colors: { mode } });
  config.theme2 = panelTheme;
  const data: PanelData = {
    state: LoadingState.Done,
    series: frames.map((f) => createDataFrame(f)),
    timeRange: grafanaData.rangeUtil.convertRawToRange({ from: 'now-24h', to: 'now' }),
  };
  render(
    <ThemeContext.Provider value={panelTheme}>
      <GlobalStyles />
      <div data-testid="host-panel" style={{ padding: 8, background: panelTheme.colors.background.canvas }}>
        <grafanaRuntime.PanelRenderer {...props} data={data} />
      </div>
    </ThemeContext.Provider>,
  );
  document.body.dataset.theme = mode;
  return { pluginId: plugin.meta.id, type: plugin.meta.type };
}

// Before the shared modules are registered: plugins get a copy of @grafana/runtime's exports.
setPluginPage(HostPluginPage);
setPanelRenderer(HostPanelRenderer);
setPanelDataErrorView(HostPanelDataErrorView);
registerSharedModules();
registerStandardEditors();
setAppEvents(new grafanaData.EventBusSrv());
setQueryRunnerFactory(() => new HostQueryRunner());
registerTransformers();
const templateSrv = new HostTemplateSrv();
setBackendSrv(new HostBackendSrv() as unknown as BackendSrv);
setTemplateSrv(templateSrv as unknown as TemplateSrv);
setDataSourceSrv(new HostDataSourceSrv() as unknown as DataSourceSrv);
window.omaHost = {
  sharedModules: Object.keys(SHARED_MODULES),
  mountDataSource,
  mountApp,
  mountPanel,
  renderPanel,
  runPanel,
  setVariables: (values) => {
    templateSrv.variables = { ...values };
  },
};
document.body.dataset.hostReady = 'true';
