/**
 * Panels in the e2e host, rendered the way Grafana renders them:
 *
 * - importPanelPlugin: the panel's module.js through SystemJS, its meta from the plugin settings
 *   API (public/app/features/plugins/importPanelPlugin.ts);
 * - HostQueryRunner: what createQueryRunner() gives (public/app/features/query/state/QueryRunner.ts
 *   and runRequest.ts): the queries through the data source (so through the route proxy to the
 *   real server) over a time range, as PanelData with state, series, errors, timeRange, request;
 * - HostPanelRenderer: the PanelRenderer Grafana registers with setPanelRenderer
 *   (public/app/features/panel/components/PanelRenderer.tsx): options with the plugin's defaults,
 *   field config overrides applied, the app events bus, for app pages;
 * - HostDashboardPanel: a dashboard panel (PanelStateWrapper + PanelChrome): its own query
 *   runner, a scoped event bus on which a RefreshEvent runs the queries again, saved options that
 *   onOptionsChange updates, the template service's replaceVariables, a render counter.
 */
import { css } from '@emotion/css';
import {
  applyFieldOverrides,
  CoreApp,
  DashboardCursorSync,
  EventBusSrv,
  getPanelOptionsWithDefaults,
  LoadingState,
  PluginContextProvider,
  rangeUtil,
  standardEditorsRegistry,
  type AbsoluteTimeRange,
  type DataFrame,
  type DataFrameDTO,
  type DataQuery,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceRef,
  type FieldConfigSource,
  type PanelData,
  type PanelPlugin,
  type PanelPluginMeta,
  type QueryRunner,
  type QueryRunnerOptions,
  type TimeRange,
} from '@grafana/data';
import {
  getAppEvents,
  getDataSourceSrv,
  getTemplateSrv,
  RefreshEvent,
  toDataQueryError,
  type PanelDataErrorViewProps,
  type PanelRendererProps,
} from '@grafana/runtime';
import {
  ErrorBoundaryAlert,
  PanelChrome,
  PanelContextProvider,
  useStyles2,
  useTheme2,
  type PanelContext,
} from '@grafana/ui';
import { useEffect, useMemo, useState, type ComponentType } from 'react';
import { from, ReplaySubject, switchMap, type Observable, type Subscription } from 'rxjs';

interface SystemJSLike {
  import(id: string): Promise<Record<string, unknown>>;
}

/**
 * The option editors Grafana core registers at start-up (core/components/OptionsUI/registry.tsx).
 * A panel's options builder looks its editors up by these ids; the host has no options pane, so
 * each is a placeholder that renders nothing.
 */
const STANDARD_EDITOR_IDS = [
  'number',
  'slider',
  'text',
  'strings',
  'select',
  'multi-select',
  'radio',
  'boolean',
  'unit',
  'color',
  'field-name',
  'dashboard-uid',
  'timezone',
  'mappings',
  'thresholds',
  'links',
  'stats-picker',
  'fieldColor',
];

export function registerStandardEditors() {
  const NoEditor: ComponentType = () => null;
  standardEditorsRegistry.setInit(() =>
    STANDARD_EDITOR_IDS.map((id) => ({ id, name: id, description: '', editor: NoEditor as never })),
  );
}

const panelPlugins = new Map<string, Promise<PanelPlugin>>();

/** Loads a panel plugin once (Grafana caches them too), as its module.js and its meta. */
export function importPanelPlugin(pluginId: string): Promise<PanelPlugin> {
  let loading = panelPlugins.get(pluginId);
  if (!loading) {
    loading = (async () => {
      const res = await window.fetch(`/api/plugins/${encodeURIComponent(pluginId)}/settings`);
      if (!res.ok) {
        throw new Error(`panel plugin ${pluginId}: HTTP ${res.status}`);
      }
      const meta = (await res.json()) as PanelPluginMeta;
      const system = (window as unknown as { System: SystemJSLike }).System;
      const mod = await system.import(`/${meta.module}`);
      const plugin = mod.plugin as PanelPlugin | undefined;
      if (!plugin || typeof plugin.getPanelOptionsSupplier !== 'function' || !plugin.panel) {
        throw new Error(`${pluginId}/module.js does not export a panel plugin`);
      }
      plugin.meta = meta;
      return plugin;
    })();
    panelPlugins.set(pluginId, loading);
    loading.catch(() => panelPlugins.delete(pluginId));
  }
  return loading;
}

function usePanelPlugin(pluginId: string): { plugin?: PanelPlugin; error?: string } {
  const [state, setState] = useState<{ plugin?: PanelPlugin; error?: string }>({});
  useEffect(() => {
    let current = true;
    importPanelPlugin(pluginId).then(
      (plugin) => current && setState({ plugin }),
      (err: unknown) => current && setState({ error: String(err) }),
    );
    return () => {
      current = false;
    };
  }, [pluginId]);
  return state;
}

function isDataSourceApi(ds: QueryRunnerOptions['datasource']): ds is DataSourceApi {
  return typeof (ds as DataSourceApi | null)?.query === 'function';
}

/** Grafana's QueryRunner: one request at a time, its PanelData on a replaying stream. */
export class HostQueryRunner implements QueryRunner {
  private readonly subject = new ReplaySubject<PanelData>(1);
  private subscription?: Subscription;
  private last?: PanelData;
  private runs = 0;

  get(): Observable<PanelData> {
    return this.subject.asObservable();
  }

  run(options: QueryRunnerOptions): void {
    this.cancel();
    const { timeRange } = options;
    const ref = isDataSourceApi(options.datasource)
      ? undefined
      : ((options.datasource as DataSourceRef | null) ??
        options.queries.find((q) => q.datasource)?.datasource);
    const request: DataQueryRequest = {
      app: options.app ?? 'dashboard',
      requestId: `host-q${++this.runs}`,
      timezone: options.timezone,
      panelId: options.panelId,
      dashboardUID: options.dashboardUID,
      range: timeRange,
      rangeRaw: timeRange.raw,
      // As Grafana's QueryRunner: the range over the panel's width, no finer than its min interval.
      ...rangeUtil.calculateInterval(
        timeRange,
        options.maxDataPoints ?? 1000,
        options.minInterval ?? undefined,
      ),
      maxDataPoints: options.maxDataPoints,
      scopedVars: options.scopedVars ?? {},
      // Queries without a data source of their own use the panel's, as Grafana fills it in.
      targets: options.queries.map((q) => (q.datasource || !ref ? q : { ...q, datasource: ref })),
      startTime: Date.now(),
    };
    const emit = (data: Omit<PanelData, 'timeRange' | 'request'>) => {
      this.last = { ...data, timeRange, request };
      this.subject.next(this.last);
    };
    emit({ state: LoadingState.Loading, series: this.last?.series ?? [] });
    const datasource = isDataSourceApi(options.datasource)
      ? Promise.resolve(options.datasource)
      : getDataSourceSrv().get(ref);
    this.subscription = from(datasource)
      .pipe(switchMap((ds) => from(ds.query(request) as Observable<DataQueryResponse>)))
      .subscribe({
        next: (res) =>
          emit({
            state: res.state ?? (res.errors?.length ? LoadingState.Error : LoadingState.Done),
            series: res.data as DataFrame[],
            errors: res.errors,
            error: res.error ?? res.errors?.[0],
          }),
        error: (err: unknown) => {
          const error = toDataQueryError(err as never);
          emit({ state: LoadingState.Error, series: [], error, errors: [error] });
        },
      });
  }

  cancel(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  destroy(): void {
    this.cancel();
    this.subject.complete();
  }
}

const NO_FIELD_CONFIG: FieldConfigSource = { defaults: {}, overrides: [] };

/** Options with the plugin's defaults and data with its field config applied, as Grafana does. */
function usePreparedPanel(
  plugin: PanelPlugin | undefined,
  options: Record<string, unknown>,
  fieldConfig: FieldConfigSource,
  data: PanelData | undefined,
  timeZone: string,
) {
  const theme = useTheme2();
  const prepared = useMemo(
    () =>
      plugin &&
      getPanelOptionsWithDefaults({
        plugin,
        currentOptions: options,
        currentFieldConfig: fieldConfig,
        isAfterPluginChange: false,
      }),
    [plugin, options, fieldConfig],
  );
  const processed = useMemo(() => {
    if (!plugin || !prepared || !data) {
      return undefined;
    }
    const templateSrv = getTemplateSrv();
    const series = applyFieldOverrides({
      data: data.series,
      fieldConfig: prepared.fieldConfig,
      fieldConfigRegistry: plugin.fieldConfigRegistry,
      replaceVariables: (value, scopedVars) => templateSrv.replace(value, scopedVars),
      theme,
      timeZone,
    });
    return { ...data, series };
  }, [plugin, prepared, data, theme, timeZone]);
  return { prepared, processed };
}

const noop = () => {};

/** The PanelRenderer app pages use (setPanelRenderer): data from the caller, events on the app bus. */
export function HostPanelRenderer(props: PanelRendererProps) {
  const {
    pluginId,
    data,
    title,
    options = {},
    fieldConfig = NO_FIELD_CONFIG,
    timeZone = 'browser',
    width,
    height,
    onOptionsChange = noop,
    onFieldConfigChange = noop,
    onChangeTimeRange = noop,
  } = props;
  const { plugin, error } = usePanelPlugin(pluginId);
  const { prepared, processed } = usePreparedPanel(
    plugin,
    options as Record<string, unknown>,
    fieldConfig as FieldConfigSource,
    data,
    timeZone,
  );
  if (error) {
    return <div>Failed to load plugin: {error}</div>;
  }
  if (!plugin || !prepared) {
    return null;
  }
  if (!processed) {
    return <div>No panel data</div>;
  }
  const Panel = plugin.panel!;
  return (
    <PluginContextProvider meta={plugin.meta}>
      <ErrorBoundaryAlert>
        <Panel
          id={1}
          data={processed}
          title={title}
          timeRange={processed.timeRange}
          timeZone={timeZone}
          options={prepared.options}
          fieldConfig={prepared.fieldConfig}
          transparent={false}
          width={width}
          height={height}
          renderCounter={0}
          replaceVariables={(value, scopedVars, format) =>
            getTemplateSrv().replace(value, scopedVars, format)
          }
          onOptionsChange={onOptionsChange}
          onFieldConfigChange={onFieldConfigChange}
          onChangeTimeRange={onChangeTimeRange}
          eventBus={getAppEvents()}
        />
      </ErrorBoundaryAlert>
    </PluginContextProvider>
  );
}

/** Grafana's PanelDataErrorView (setPanelDataErrorView): the message, or "No data". */
export function HostPanelDataErrorView({ message }: PanelDataErrorViewProps) {
  const styles = useStyles2((t) => ({
    view: css({
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      height: '100%',
      padding: t.spacing(2),
      textAlign: 'center',
      color: t.colors.text.secondary,
    }),
  }));
  return (
    <div className={styles.view} data-testid="data-testid Panel data error message">
      {message || 'No data'}
    </div>
  );
}

export interface MountPanelOptions {
  pluginId: string;
  /** The panel's queries; each or the panel names its data source. */
  targets: DataQuery[];
  datasource?: DataSourceRef;
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
  width: number;
  height: number;
  title?: string;
  id?: number;
  /** Raw time range, e.g. { from: 'now-24h', to: 'now' } (the default). */
  timeRange?: { from: string; to: string };
  timeZone?: string;
  /** The panel's "Min interval" query option, e.g. '6h'. */
  interval?: string;
  /** The dashboard's graph tooltip setting (shared crosshair / tooltip); off by default. */
  cursorSync?: DashboardCursorSync;
  /** Copies of the panel one below the other, as a dashboard of several panels (the first is recorded). */
  copies?: number;
}

export interface RenderPanelOptions {
  pluginId: string;
  title: string;
  /** Data frames (DataFrameDTO: name, refId, meta, fields with name, type, values, config). */
  frames: DataFrameDTO[];
  options?: Record<string, unknown>;
  width: number;
  height: number;
  theme?: 'light' | 'dark';
}

/** What a mounted panel did, for assertions (window.omaHost.panel). */
export interface PanelRecord {
  pluginId: string;
  /** The options as the panel last saved them (onOptionsChange), defaults applied. */
  options: Record<string, unknown>;
  fieldConfig: FieldConfigSource;
  /** How often its queries ran (the first run, then each RefreshEvent). */
  runs: number;
  /** RefreshEvents published on the panel's event bus. */
  refreshEvents: number;
  renderCounter: number;
  state?: LoadingState;
  frames: Array<{ name?: string; refId?: string; length: number }>;
  errors: string[];
  timeRange?: { from: number; to: number };
  changedTimeRange?: AbsoluteTimeRange;
}

/** The override a legend click saves in Grafana (its __systemRef is 'hideSeriesFrom'). */
const HIDE_SERIES_FROM = 'hideSeriesFrom';
type SystemOverride = FieldConfigSource['overrides'][number] & { __systemRef?: string };

/**
 * What a legend click does to the panel's field config in Grafana (seriesVisibilityConfigFactory,
 * reduced): a click shows only that series, or everything again when it was the only one shown;
 * a ctrl/cmd click adds it to or takes it from what is shown.
 */
function toggleSeries(
  fieldConfig: FieldConfigSource,
  label: string | string[] | null,
  mode: string,
): FieldConfigSource {
  const overrides: SystemOverride[] = fieldConfig.overrides;
  const others = overrides.filter((o) => o.__systemRef !== HIDE_SERIES_FROM);
  const current = overrides.find((o) => o.__systemRef === HIDE_SERIES_FROM);
  const shown: string[] = (current?.matcher.options as { names?: string[] } | undefined)?.names ?? [];
  const labels = label === null ? [] : Array.isArray(label) ? label : [label];
  let names: string[];
  if (labels.length === 0) {
    names = [];
  } else if (mode === 'append' && current) {
    names = shown.includes(labels[0]) ? shown.filter((n) => n !== labels[0]) : [...shown, ...labels];
  } else {
    names = shown.length === labels.length && labels.every((l) => shown.includes(l)) ? [] : labels;
  }
  if (names.length === 0) {
    return { ...fieldConfig, overrides: others };
  }
  const hide: SystemOverride = {
    __systemRef: HIDE_SERIES_FROM,
    matcher: { id: 'byNames', options: { mode: 'exclude', names, prefix: 'All except:', readOnly: true } },
    properties: [{ id: 'custom.hideFrom', value: { viz: true, legend: false, tooltip: true } }],
  };
  return { ...fieldConfig, overrides: [...others, hide] };
}

function timeRangeOf(raw: { from: string; to: string } | undefined, timeZone: string): TimeRange {
  return rangeUtil.convertRawToRange(raw ?? { from: 'now-24h', to: 'now' }, timeZone);
}

/** A dashboard panel: chrome, query runner, scoped event bus, saved options and field config. */
export function HostDashboardPanel({ spec, record }: { spec: MountPanelOptions; record: PanelRecord }) {
  const timeZone = spec.timeZone ?? 'utc';
  const { plugin, error } = usePanelPlugin(spec.pluginId);
  const [options, setOptions] = useState<Record<string, unknown>>(spec.options ?? {});
  const [fieldConfig, setFieldConfig] = useState<FieldConfigSource>(spec.fieldConfig ?? NO_FIELD_CONFIG);
  const [data, setData] = useState<PanelData>();
  const [renderCounter, setRenderCounter] = useState(0);
  // Grafana gives each panel a bus scoped to it on the dashboard's.
  const eventBus = useMemo(() => new EventBusSrv(), []);
  const runner = useMemo(() => new HostQueryRunner(), []);
  // What a dashboard gives each panel through context (PanelStateWrapper / VizPanelRenderer):
  // the events scope all its panels share, the panel's bus and the dashboard's cursor sync.
  const panelContext = useMemo<PanelContext>(
    () => ({
      eventsScope: '__global_',
      eventBus,
      app: CoreApp.Dashboard,
      sync: () => spec.cursorSync ?? DashboardCursorSync.Off,
      onToggleSeriesVisibility: (label, mode) =>
        setFieldConfig((current) => toggleSeries(current, label, mode)),
    }),
    [eventBus, spec.cursorSync],
  );
  const { prepared, processed } = usePreparedPanel(plugin, options, fieldConfig, data, timeZone);

  useEffect(() => {
    const run = () => {
      record.runs += 1;
      runner.run({
        datasource: spec.datasource ?? null,
        queries: spec.targets,
        panelId: spec.id ?? 1,
        timezone: timeZone,
        timeRange: timeRangeOf(spec.timeRange, timeZone),
        maxDataPoints: spec.width,
        minInterval: spec.interval ?? null,
        app: 'dashboard',
      });
    };
    const dataSub = runner.get().subscribe((d) => {
      setData(d);
      setRenderCounter((c) => c + 1);
      record.state = d.state;
      record.frames = d.series.map((f) => ({ name: f.name, refId: f.refId, length: f.length }));
      record.errors = (d.errors ?? []).map((e) => e.message ?? String(e));
      record.timeRange = { from: d.timeRange.from.valueOf(), to: d.timeRange.to.valueOf() };
    });
    const refreshSub = eventBus.subscribe(RefreshEvent, () => {
      record.refreshEvents += 1;
      run();
    });
    run();
    return () => {
      dataSub.unsubscribe();
      refreshSub.unsubscribe();
      runner.destroy();
    };
  }, [runner, eventBus, record, spec, timeZone]);

  useEffect(() => {
    if (prepared) {
      record.options = prepared.options;
      record.fieldConfig = prepared.fieldConfig;
    }
  }, [prepared, record]);
  record.renderCounter = renderCounter;

  if (error) {
    return <div data-testid="host-panel-error">Failed to load plugin: {error}</div>;
  }
  const Panel = plugin?.panel;
  return (
    <PanelChrome
      width={spec.width}
      height={spec.height}
      title={spec.title ?? ''}
      padding={plugin?.noPadding ? 'none' : 'md'}
      loadingState={data?.state}
      statusMessage={data?.errors?.[0]?.message}
    >
      {(innerWidth, innerHeight) =>
        Panel &&
        prepared &&
        processed && (
          <PluginContextProvider meta={plugin.meta}>
            <PanelContextProvider value={panelContext}>
              <ErrorBoundaryAlert>
                <Panel
                  id={spec.id ?? 1}
                  data={processed}
                  title={spec.title ?? ''}
                  timeRange={processed.timeRange}
                  timeZone={timeZone}
                  options={prepared.options}
                  fieldConfig={prepared.fieldConfig}
                  transparent={false}
                  width={innerWidth}
                  height={innerHeight}
                  renderCounter={renderCounter}
                  replaceVariables={(value, scopedVars, format) =>
                    getTemplateSrv().replace(value, scopedVars, format)
                  }
                  onOptionsChange={(next) => setOptions(next as Record<string, unknown>)}
                  onFieldConfigChange={(next) => setFieldConfig(next as FieldConfigSource)}
                  onChangeTimeRange={(range) => {
                    record.changedTimeRange = range;
                  }}
                  eventBus={eventBus}
                />
              </ErrorBoundaryAlert>
            </PanelContextProvider>
          </PluginContextProvider>
        )
      }
    </PanelChrome>
  );
}
