/**
 * Pure query logic: reading saved queries, template-variable interpolation and building the
 * `POST /api/v1/query` body. No Grafana services here so it can be unit tested directly.
 */
import type { DataQuery } from '@grafana/schema';
import {
  ALL_VALUE,
  DEFAULT_CANDIDATES,
  DEFAULT_FAILOVER_TYPE,
  DEFAULT_LIMIT,
  DEFAULT_NETWORK_VM_LIMIT,
  DEFAULT_PREDICTION_CONCURRENCY,
  JOB_STATUS_FILTERS,
  MAX_CANDIDATES,
  MAX_LIMIT,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  VARIABLE_KINDS,
  CBT_VIEWS,
  VOLUME_VIEWS,
  assertNever,
  isFailoverType,
  isQueryType,
  type FailoverType,
  type JobStatusFilter,
  type OmaQuery,
  type VariableKind,
  type VariableQuery,
  type WireQuery,
  type WireQueryRequest,
} from './types';

function oneOf<T extends string>(values: readonly T[], value: unknown): T | undefined {
  return (values as readonly unknown[]).includes(value) ? (value as T) : undefined;
}

/** The analytics filters of a saved query, blanks dropped. */
function savedFilters(saved: { [key: string]: unknown }) {
  return {
    vcenter: optionalString(saved.vcenter),
    datacenter: optionalString(saved.datacenter),
    vm: optionalString(saved.vm),
    replication_type: optionalString(saved.replication_type),
    vm_group: optionalString(saved.vm_group),
  };
}

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

function isJobStatus(value: unknown): value is JobStatusFilter {
  return typeof value === 'string' && (JOB_STATUS_FILTERS as readonly string[]).includes(value);
}

function isVariableKind(value: unknown): value is VariableKind {
  return typeof value === 'string' && (VARIABLE_KINDS as readonly string[]).includes(value);
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
      return {
        ...base,
        queryType,
        vcenter: optionalString(saved.vcenter),
        datacenter: optionalString(saved.datacenter),
        vm: optionalString(saved.vm),
        replication_type: optionalString(saved.replication_type),
        vm_group: optionalString(saved.vm_group),
      };
    case 'cbtPerformance':
      return { ...base, queryType, view: oneOf(CBT_VIEWS, saved.view), ...savedFilters(saved) };
    case 'volumePerformance':
      return { ...base, queryType, view: oneOf(VOLUME_VIEWS, saved.view), ...savedFilters(saved) };
    case 'analyticsSummary':
      return { ...base, queryType, ...savedFilters(saved) };
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

/** Applies template variables to every free-text field of every query type. */
export function interpolateQuery(query: OmaQuery, interpolate: Interpolate): OmaQuery {
  switch (query.queryType) {
    case 'vmContexts':
      return {
        ...query,
        status: interpolateOptional(query.status, interpolate),
        vcenter: interpolateOptional(query.vcenter, interpolate),
        search: interpolateOptional(query.search, interpolate),
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
    case 'cbtPerformance':
    case 'volumePerformance':
    case 'analyticsSummary':
      return {
        ...query,
        vcenter: interpolateOptional(query.vcenter, interpolate),
        datacenter: interpolateOptional(query.datacenter, interpolate),
        vm: interpolateOptional(query.vm, interpolate),
        replication_type: interpolateOptional(query.replication_type, interpolate),
        vm_group: interpolateOptional(query.vm_group, interpolate),
      };
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
