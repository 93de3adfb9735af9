/**
 * Browser side of the e2e host: loads built plugins the way Grafana does (SystemJS, AMD
 * dist/module.js, Grafana's shared modules from an import map) and renders a data source's
 * config editor, health check, query editor and results with realistic props.
 *
 * It is bundled by webpack (tests/e2e/build-host.js) and driven by Playwright through the DOM
 * and `window.omaHost`.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  fieldMatchers,
  getFieldDisplayName,
  standardTransformers,
  standardTransformersRegistry,
  ThemeContext,
  transformDataFrame,
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
  type TestDataSourceResponse,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type FetchError,
  type FetchResponse,
  type TemplateSrv,
} from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { Alert, Button, GlobalStyles, Stack, Table } from '@grafana/ui';
import * as lodash from 'lodash';
import * as moment from 'moment';
import * as React from 'react';
import { useCallback, useMemo, useState } from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import { lastValueFrom, Observable } from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

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

/** Modules Grafana shares with plugins, registered under the `app:` scheme like Grafana does. */
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

async function mountDataSource(uid: string, initialQuery: DataQuery) {
  const settings = await getJson<DataSourceSettings>(`/api/datasources/uid/${uid}`);
  const meta = await getJson<DataSourcePluginMeta>(`/api/plugins/${settings.type}/settings`);
  const mod = await window.System.import(`/public/plugins/${settings.type}/module.js`);
  const plugin = mod.plugin as AnyPlugin;
  if (!plugin || !plugin.DataSourceClass) {
    throw new Error(`${settings.type}/module.js does not export a data source plugin`);
  }
  plugin.meta = meta;
  const instanceSettings: DataSourceInstanceSettings = {
    id: settings.id,
    uid: settings.uid,
    type: settings.type,
    name: settings.name,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${settings.uid}`,
    jsonData: settings.jsonData,
    meta,
    readOnly: false,
  };
  const ds = new plugin.DataSourceClass(instanceSettings) as DataSourceApi<DataQuery>;
  window.omaHost.ds = ds;
  const root = createRoot(document.getElementById('root')!);
  root.render(
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
  return { pluginId: meta.id, moduleKeys: Object.keys(mod) };
}

registerSharedModules();
registerTransformers();
const templateSrv = new HostTemplateSrv();
setBackendSrv(new HostBackendSrv() as unknown as BackendSrv);
setTemplateSrv(templateSrv as unknown as TemplateSrv);
window.omaHost = {
  sharedModules: Object.keys(SHARED_MODULES),
  mountDataSource,
  runPanel,
  setVariables: (values) => {
    templateSrv.variables = { ...values };
  },
};
document.body.dataset.hostReady = 'true';
