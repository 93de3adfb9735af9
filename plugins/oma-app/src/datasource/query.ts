/**
 * Pure query logic: reading saved queries, template-variable interpolation and building the
 * `POST /api/v1/query` body. No Grafana services here so it can be unit tested directly.
 */
import type { DataQuery } from '@grafana/schema';
import {
  ALL_VALUE,
  ANALYTICS_FILTERS,
  CBT_VIEWS,
  DEFAULT_CANDIDATES,
  DEFAULT_CBT_VIEW,
  DEFAULT_PERFORMANCE_VIEW,
  DEFAULT_SUCCESS_RATE_GROUP,
  DEFAULT_VOLUME_VIEW,
  DEFAULT_LIVE_MODE,
  DEFAULT_LIVE_ROWS,
  DEFAULT_POLL_SECONDS,
  LIVE_MODES,
  MAX_LIVE_ROWS,
  MAX_POLL_SECONDS,
  MIN_POLL_SECONDS,
  DEFAULT_FAILOVER_TYPE,
  DEFAULT_LIMIT,
  DEFAULT_NETWORK_VM_LIMIT,
  DEFAULT_PREDICTION_CONCURRENCY,
  JOB_STATUS_FILTERS,
  MAX_CANDIDATES,
  MAX_LIMIT,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  PERFORMANCE_VIEWS,
  SUCCESS_RATE_GROUPS,
  VARIABLE_KINDS,
  VOLUME_VIEWS,
  assertNever,
  isFailoverType,
  isQueryType,
  type AnalyticsFilters,
  type FailoverType,
  type JobStatusFilter,
  type SuccessRateGroup,
  type LiveMode,
  type OmaQuery,
  type StreamingQuery,
  type VariableKind,
  type VariableQuery,
  type WireQuery,
  type WireQueryRequest,
} from './types';

/** Replaces template variables in one string (a wrapper around `getTemplateSrv().replace`). */
export type Interpolate = (value: string) => string;

/** A query as stored in a dashboard: any shape, from any plugin version. */
type SavedQuery = DataQuery & { [key: string]: unknown };

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A positive whole number up to `max`; anything else (missing, 0, negative, text) is the default. */
function clampCount(value: unknown, fallback: number, max: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 1) {
    return fallback;
  }
  return Math.min(Math.floor(n), max);
}

const clampLimit = (value: unknown) => clampCount(value, DEFAULT_LIMIT, MAX_LIMIT);

const isTemplate = (value: unknown): value is `$${string}` =>
  typeof value === 'string' && value.startsWith('$');

/** live or test, or a template variable kept until interpolation; anything else is live. */
function savedFailoverType(value: unknown): FailoverType | `$${string}` {
  return isFailoverType(value) || isTemplate(value) ? value : DEFAULT_FAILOVER_TYPE;
}

/** After interpolation: what the variable resolved to, when it is live or test; otherwise live. */
function resolvedFailoverType(value: string, interpolate: Interpolate): FailoverType {
  const resolved = interpolate(value).trim();
  return isFailoverType(resolved) ? resolved : DEFAULT_FAILOVER_TYPE;
}

/** Names as saved: comma-separated text (or an array, as a hand-written query may hold them). */
function savedNames(value: unknown): string | undefined {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const names = items
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return names.length > 0 ? names.join(',') : undefined;
}

/**
 * Interpolates every name; a multi-value variable (joined with commas by the 'csv' format) adds
 * each of its values; "All" and empty values drop out. Duplicates are sent once.
 */
function interpolateNames(names: string | undefined, interpolate: Interpolate): string | undefined {
  if (!names) {
    return undefined;
  }
  const out = new Set<string>();
  for (const name of names.split(',')) {
    for (const value of interpolate(name).split(',')) {
      const v = value.trim();
      if (v !== '' && v !== ALL_VALUE) {
        out.add(v);
      }
    }
  }
  return out.size > 0 ? [...out].join(',') : undefined;
}

/** `value` when it is one of `list`, else `fallback`. */
function oneOf<T extends string>(list: readonly T[], value: unknown, fallback: T): T {
  return typeof value === 'string' && (list as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The analytics filters as saved: text (a template variable is text too), blanks dropped. */
function savedFilters(saved: SavedQuery): AnalyticsFilters {
  return Object.fromEntries(ANALYTICS_FILTERS.map((name) => [name, optionalString(saved[name])]));
}

/** A success-rate group, or a template variable kept until interpolation; anything else the default. */
function savedGroup(value: unknown): SuccessRateGroup | `$${string}` {
  return isTemplate(value) ? value : oneOf(SUCCESS_RATE_GROUPS, value, DEFAULT_SUCCESS_RATE_GROUP);
}

function isJobStatus(value: unknown): value is JobStatusFilter {
  return typeof value === 'string' && (JOB_STATUS_FILTERS as readonly string[]).includes(value);
}

function isVariableKind(value: unknown): value is VariableKind {
  return typeof value === 'string' && (VARIABLE_KINDS as readonly string[]).includes(value);
}

function savedLiveMode(value: unknown): LiveMode | undefined {
  return typeof value === 'string' && (LIVE_MODES as readonly string[]).includes(value)
    ? (value as LiveMode)
    : undefined;
}

/** The fields every streaming query has: a per-query live mode and how many rows it keeps. */
function streamingFields(saved: SavedQuery) {
  return {
    liveMode: savedLiveMode(saved.liveMode),
    limit: saved.limit === undefined ? undefined : clampCount(saved.limit, DEFAULT_LIVE_ROWS, MAX_LIVE_ROWS),
  };
}

/**
 * Reads a saved query (possibly from an older plugin version, an empty new panel, or a provisioned
 * dashboard) into the current model. A query without a known `queryType` becomes `vmContexts`.
 */
export function normalizeQuery(query: DataQuery): OmaQuery {
  const saved = query as SavedQuery;
  const base = { refId: saved.refId || 'A', hide: saved.hide, datasource: saved.datasource, key: saved.key };
  const queryType = isQueryType(saved.queryType) ? saved.queryType : 'vmContexts';
  switch (queryType) {
    case 'vmContexts':
      return {
        ...base,
        queryType,
        status: optionalString(saved.status),
        vcenter: optionalString(saved.vcenter),
        search: optionalString(saved.search),
        vm: savedNames(saved.vm),
        limit: clampLimit(saved.limit),
      };
    case 'jobs': {
      const status = saved.status;
      return {
        ...base,
        queryType,
        // A template variable may stand in for the status filter; it is checked after interpolation.
        status:
          isJobStatus(status) || (typeof status === 'string' && status.includes('$'))
            ? (status as JobStatusFilter)
            : 'running',
        vm: optionalString(saved.vm),
        limit: clampLimit(saved.limit),
      };
    }
    case 'variable':
      return {
        ...base,
        queryType,
        variable: isVariableKind(saved.variable) ? saved.variable : 'vms',
        vcenter: optionalString(saved.vcenter),
      };
    case 'failedJobAnnotations':
      return { ...base, queryType, vm: optionalString(saved.vm) };
    case 'networkTopology':
      return {
        ...base,
        queryType,
        failoverType: savedFailoverType(saved.failoverType),
        vcenter: optionalString(saved.vcenter),
        datacenter: optionalString(saved.datacenter),
      };
    case 'networkRecommendations':
      return {
        ...base,
        queryType,
        failoverType: savedFailoverType(saved.failoverType),
        sourceNetwork: optionalString(saved.sourceNetwork),
        unmappedOnly: saved.unmappedOnly === true ? true : undefined,
        candidates: clampCount(saved.candidates, DEFAULT_CANDIDATES, MAX_CANDIDATES),
      };
    case 'networkVms':
      return {
        ...base,
        queryType,
        vcenter: optionalString(saved.vcenter),
        datacenter: optionalString(saved.datacenter),
        sourceNetwork: optionalString(saved.sourceNetwork),
        search: optionalString(saved.search),
        vm: savedNames(saved.vm),
        limit: clampCount(saved.limit, DEFAULT_NETWORK_VM_LIMIT, MAX_NETWORK_VM_ROWS),
      };
    case 'networkValidation':
      return {
        ...base,
        queryType,
        failoverType: savedFailoverType(saved.failoverType),
        vmNames: savedNames(saved.vmNames),
      };
    case 'networkPerformance':
    case 'networkAdoption':
      return { ...base, queryType };
    case 'predictions':
      return {
        ...base,
        queryType,
        // As typed (the editor keeps a trailing comma); the server skips blank names.
        vm: optionalString(saved.vm),
        vcenter: optionalString(saved.vcenter),
        datacenter: optionalString(saved.datacenter),
        concurrency:
          saved.concurrency === undefined
            ? undefined
            : clampCount(saved.concurrency, DEFAULT_PREDICTION_CONCURRENCY, MAX_PREDICTION_CONCURRENCY),
      };
    case 'migrationTrends':
    case 'analyticsSummary':
      return { ...base, queryType, ...savedFilters(saved) };
    case 'successRates':
      return { ...base, queryType, group_by: savedGroup(saved.group_by), ...savedFilters(saved) };
    case 'performanceMetrics':
      return {
        ...base,
        queryType,
        view: oneOf(PERFORMANCE_VIEWS, saved.view, DEFAULT_PERFORMANCE_VIEW),
        // Unset: the server's default number of rows.
        limit: saved.limit === undefined ? undefined : clampLimit(saved.limit),
        ...savedFilters(saved),
      };
    case 'vmDisks':
    case 'cbtHistory':
      return { ...base, queryType, vm: savedNames(saved.vm), limit: clampLimit(saved.limit) };
    case 'cbtPerformance':
      return {
        ...base,
        queryType,
        view: oneOf(CBT_VIEWS, saved.view, DEFAULT_CBT_VIEW),
        ...savedFilters(saved),
      };
    case 'volumePerformance':
      return {
        ...base,
        queryType,
        view: oneOf(VOLUME_VIEWS, saved.view, DEFAULT_VOLUME_VIEW),
        ...savedFilters(saved),
      };
    case 'liveProgress':
      return {
        ...base,
        queryType,
        ...streamingFields(saved),
        view: saved.view === 'throughput' ? 'throughput' : 'jobs',
        vm: optionalString(saved.vm),
        job: optionalString(saved.job),
      };
    case 'notifications':
    case 'systemHealth':
      return { ...base, queryType, ...streamingFields(saved) };
    default:
      return assertNever(queryType, 'query type');
  }
}

function interpolateOptional(value: string | undefined, interpolate: Interpolate): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const result = optionalString(interpolate(value));
  return result === ALL_VALUE ? undefined : result;
}

function interpolateFilters(query: AnalyticsFilters, interpolate: Interpolate): AnalyticsFilters {
  return Object.fromEntries(
    ANALYTICS_FILTERS.map((name) => [name, interpolateOptional(query[name], interpolate)]),
  );
}

/** Applies template variables to every free-text field of every query type. */
export function interpolateQuery(query: OmaQuery, interpolate: Interpolate): OmaQuery {
  switch (query.queryType) {
    case 'vmContexts':
      return {
        ...query,
        status: interpolateOptional(query.status, interpolate),
        vcenter: interpolateOptional(query.vcenter, interpolate),
        search: interpolateOptional(query.search, interpolate),
        vm: interpolateNames(query.vm, interpolate),
      };
    case 'jobs': {
      const status = query.status === undefined ? undefined : interpolate(query.status);
      return {
        ...query,
        status: isJobStatus(status) ? status : 'running',
        vm: interpolateOptional(query.vm, interpolate),
      };
    }
    case 'variable':
      return { ...query, vcenter: interpolateOptional(query.vcenter, interpolate) };
    case 'failedJobAnnotations':
      return { ...query, vm: interpolateOptional(query.vm, interpolate) };
    case 'networkTopology':
      return {
        ...query,
        failoverType: resolvedFailoverType(query.failoverType, interpolate),
        vcenter: interpolateOptional(query.vcenter, interpolate),
        datacenter: interpolateOptional(query.datacenter, interpolate),
      };
    case 'networkRecommendations':
      return {
        ...query,
        failoverType: resolvedFailoverType(query.failoverType, interpolate),
        sourceNetwork: interpolateOptional(query.sourceNetwork, interpolate),
      };
    case 'networkVms':
      return {
        ...query,
        vcenter: interpolateOptional(query.vcenter, interpolate),
        datacenter: interpolateOptional(query.datacenter, interpolate),
        sourceNetwork: interpolateOptional(query.sourceNetwork, interpolate),
        search: interpolateOptional(query.search, interpolate),
        vm: interpolateNames(query.vm, interpolate),
      };
    case 'networkValidation':
      return {
        ...query,
        failoverType: resolvedFailoverType(query.failoverType, interpolate),
        vmNames: interpolateNames(query.vmNames, interpolate),
      };
    case 'networkPerformance':
    case 'networkAdoption':
      return query;
    case 'predictions':
      return {
        ...query,
        vm: interpolateNames(query.vm, interpolate),
        vcenter: interpolateOptional(query.vcenter, interpolate),
        datacenter: interpolateOptional(query.datacenter, interpolate),
      };
    case 'migrationTrends':
    case 'performanceMetrics':
    case 'cbtPerformance':
    case 'volumePerformance':
    case 'analyticsSummary':
      return { ...query, ...interpolateFilters(query, interpolate) };
    case 'successRates':
      return {
        ...query,
        // A variable that resolves to something else is the default group, not a refused query.
        group_by: oneOf(SUCCESS_RATE_GROUPS, interpolate(query.group_by).trim(), DEFAULT_SUCCESS_RATE_GROUP),
        ...interpolateFilters(query, interpolate),
      };
    case 'liveProgress':
      return {
        ...query,
        vm: interpolateOptional(query.vm, interpolate),
        job: interpolateOptional(query.job, interpolate),
      };
    case 'notifications':
    case 'systemHealth':
      return query;
    case 'vmDisks':
    case 'cbtHistory':
      return { ...query, vm: interpolateNames(query.vm, interpolate) };
    default:
      return assertNever(query, 'query');
  }
}

/** Keys Grafana keeps on a query for itself; the server never needs them. */
const GRAFANA_ONLY_KEYS = new Set(['datasource', 'hide', 'key']);

/** Drops Grafana-only keys and unset fields: the server sees exactly what the query asks for. */
export function toWireQuery(query: OmaQuery): WireQuery {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && !GRAFANA_ONLY_KEYS.has(k)) {
      out[k] = v;
    }
  }
  return out as WireQuery;
}

/**
 * A streaming query as `POST /query` takes it for its history, current state or polling: only
 * what the server filters on (the live mode, view and kept rows are the browser's business).
 */
export function toServerQuery(query: StreamingQuery): WireQuery {
  const base = { refId: query.refId, queryType: query.queryType };
  return toWireQuery(
    (query.queryType === 'liveProgress' ? { ...base, vm: query.vm, job: query.job } : base) as OmaQuery,
  );
}

/** The live mode a query uses: its own, else the data source's, else auto. */
export function liveModeOf(query: StreamingQuery, settings: { liveMode?: unknown }): LiveMode {
  return query.liveMode ?? savedLiveMode(settings.liveMode) ?? DEFAULT_LIVE_MODE;
}

/** Seconds between polls from the data source settings, within the allowed range. */
export function pollIntervalMs(settings: { pollIntervalSeconds?: unknown }): number {
  const seconds = Number(settings.pollIntervalSeconds);
  if (settings.pollIntervalSeconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    return DEFAULT_POLL_SECONDS * 1000;
  }
  return Math.round(Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, seconds)) * 1000);
}

export interface RequestOptions {
  from: Date;
  to: Date;
  intervalMs?: number;
  maxDataPoints?: number;
}

export function buildQueryRequest(queries: OmaQuery[], options: RequestOptions): WireQueryRequest {
  const body: WireQueryRequest = {
    range: { from: options.from.toISOString(), to: options.to.toISOString() },
    queries: queries.map(toWireQuery),
  };
  if (options.intervalMs !== undefined) {
    body.intervalMs = options.intervalMs;
  }
  if (options.maxDataPoints !== undefined) {
    body.maxDataPoints = options.maxDataPoints;
  }
  return body;
}

const VARIABLE_QUERY_PATTERN = /^\s*([A-Za-z]+)\s*(?:\(\s*([^)]*?)\s*\))?\s*$/;

/**
 * Reads a template-variable query. Grafana's variable editor stores the text the user typed:
 * `vcenters`, `datacenters`, `vms`, `sourceNetworks`, `destinationNetworks`, optionally narrowed to
 * one vCenter as `vms($vcenter)`. An object query (`{queryType:'variable', variable}`) is accepted too.
 */
export function parseVariableQuery(query: unknown): VariableQuery {
  if (typeof query === 'object' && query !== null) {
    const normalized = normalizeQuery({
      refId: 'variable',
      ...(query as Record<string, unknown>),
      queryType: 'variable',
    });
    return normalized as VariableQuery;
  }
  const text = typeof query === 'string' ? query : '';
  const match = VARIABLE_QUERY_PATTERN.exec(text);
  const kind = match?.[1];
  if (!match || !isVariableKind(kind)) {
    throw new Error(
      `Unknown variable query "${text}". Use one of: ${VARIABLE_KINDS.join(', ')} (optionally with a vCenter, e.g. vms($vcenter)).`,
    );
  }
  return { refId: 'variable', queryType: 'variable', variable: kind, vcenter: optionalString(match[2]) };
}
