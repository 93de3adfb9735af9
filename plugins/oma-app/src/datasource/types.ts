import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { VM_CONTEXT_STATUSES } from '@oma-insights/contracts/enums';
// Type-only: erased by the build, so TypeBox (which that module uses) is never bundled.
import type { QueryRequest } from '@oma-insights/contracts/query-request';
// Type-only as well: that module builds TypeBox schemas.
import type { BulkMappingRequest, FailoverType } from '@oma-insights/contracts/network-mapping';
import {
  CBT_VIEWS,
  VOLUME_VIEWS,
  JOB_FILTERS,
  DEFAULT_PREDICTION_CONCURRENCY,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  MAX_QUERY_ROWS,
  NETWORK_QUERY_TYPES,
  QUERY_TYPES,
  VARIABLE_KINDS,
  type VariableKind,
} from '@oma-insights/contracts/query-protocol';

/**
 * Query types the server's `POST /api/v1/query` answers: the lists live in the shared contracts.
 * The network ones join QUERY_TYPES as the server learns them; each is listed once.
 */
export type QueryType = (typeof QUERY_TYPES)[number] | (typeof NETWORK_QUERY_TYPES)[number];
export const KNOWN_QUERY_TYPES: readonly QueryType[] = [
  ...new Set<QueryType>([...QUERY_TYPES, ...NETWORK_QUERY_TYPES]),
];
export type NetworkQueryType = (typeof NETWORK_QUERY_TYPES)[number];

/** The query types a user picks in the panel query editor (the others are used internally). */
export const EDITOR_QUERY_TYPES = [
  'vmContexts',
  'jobs',
  'networkTopology',
  'networkRecommendations',
  'networkVms',
  'networkValidation',
  'networkPerformance',
  'networkAdoption',
  'predictions',
  'migrationTrends',
  'cbtPerformance',
  'volumePerformance',
  'analyticsSummary',
] as const satisfies readonly QueryType[];
export type EditorQueryType = (typeof EDITOR_QUERY_TYPES)[number];

export const QUERY_TYPE_LABELS: Record<QueryType, string> = {
  vmContexts: 'VM contexts',
  jobs: 'Replication jobs',
  variable: 'Template variable',
  failedJobAnnotations: 'Failed job annotations',
  networkTopology: 'Network topology',
  networkRecommendations: 'Network recommendations',
  networkVms: 'Network VMs',
  networkValidation: 'Network validation',
  networkPerformance: 'Network performance',
  networkAdoption: 'Recommendation adoption',
  predictions: 'Sync predictions',
  migrationTrends: 'Migration trends',
  cbtPerformance: 'CBT sync performance',
  volumePerformance: 'Volume operations',
  analyticsSummary: 'KPI summary',
};

export { CBT_VIEWS, VOLUME_VIEWS };
export type CbtView = (typeof CBT_VIEWS)[number];
export type VolumeView = (typeof VOLUME_VIEWS)[number];
export const CBT_VIEW_LABELS: Record<CbtView, string> = { trend: 'Trend', summary: 'Per sync type' };
export const VOLUME_VIEW_LABELS: Record<VolumeView, string> = {
  operations: 'Per operation type',
  trend: 'Trend',
  cloudstack: 'CloudStack jobs',
};

/** What a network query is about: the network a VM gets on live failover, or on test failover. */
export type { FailoverType };
export const FAILOVER_TYPE_LABELS: Record<FailoverType, string> = {
  live: 'Live failover',
  test: 'Test failover',
};
/** Every failover type, derived from the labels (a Record names each one exactly once). */
export const FAILOVER_TYPES = Object.keys(FAILOVER_TYPE_LABELS) as FailoverType[];
export const DEFAULT_FAILOVER_TYPE: FailoverType = 'live';

/** Candidates per source network a recommendations query asks for (the server allows 1..20). */
export const DEFAULT_CANDIDATES = 3;
export const MAX_CANDIDATES = 20;
/** A networkVms query lists every NIC by default: the panels need all of them, the server caps it. */
export const DEFAULT_NETWORK_VM_LIMIT = MAX_NETWORK_VM_ROWS;
export { MAX_NETWORK_VM_ROWS };
export { DEFAULT_PREDICTION_CONCURRENCY, MAX_PREDICTION_CONCURRENCY };

/** `vm_replication_contexts.current_status` values in the OMA schema. */
export const VM_STATUSES = VM_CONTEXT_STATUSES;
export type VmStatus = (typeof VM_STATUSES)[number];

/** Which replication jobs a `jobs` query returns. */
export const JOB_STATUS_FILTERS = JOB_FILTERS;
export type JobStatusFilter = (typeof JOB_STATUS_FILTERS)[number];

/** What a `variable` query (template variables) lists. */
export { VARIABLE_KINDS };
export type { VariableKind };

/**
 * Value a dashboard variable's "All" option should carry (`allValue`): a filter that resolves to
 * it is dropped, so "All" means "no filter" without the server having to know about it.
 */
export const ALL_VALUE = '__all';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = MAX_QUERY_ROWS;

export interface VmContextsQuery extends DataQuery {
  queryType: 'vmContexts';
  /** A VM status, a template variable, or empty for all. */
  status?: string;
  vcenter?: string;
  /** Substring of the VM name. */
  search?: string;
  limit?: number;
}

export interface JobsQuery extends DataQuery {
  queryType: 'jobs';
  status?: JobStatusFilter;
  /** A VM name or a template variable. */
  vm?: string;
  limit?: number;
}

export interface VariableQuery extends DataQuery {
  queryType: 'variable';
  variable: VariableKind;
  /** Optional narrowing, e.g. datacenters of one vCenter (may hold template variables). */
  vcenter?: string;
}

export interface FailedJobAnnotationsQuery extends DataQuery {
  queryType: 'failedJobAnnotations';
  vm?: string;
}

/**
 * A `failoverType` field: live or test, or a template variable that resolves to one (checked after
 * interpolation, like the job status filter).
 */
type FailoverTypeField = FailoverType | `$${string}`;

/** Source and destination networks with the mappings between them (Node Graph frames). */
export interface NetworkTopologyQuery extends DataQuery {
  queryType: 'networkTopology';
  failoverType: FailoverTypeField;
  vcenter?: string;
  datacenter?: string;
}

/** Ranked destination candidates per source network. */
export interface NetworkRecommendationsQuery extends DataQuery {
  queryType: 'networkRecommendations';
  failoverType: FailoverTypeField;
  sourceNetwork?: string;
  /** Only source networks that have VMs without a mapping. */
  unmappedOnly?: boolean;
  /** Candidates per source network. */
  candidates?: number;
}

/** One row per VM NIC network with its live and test mapping. */
export interface NetworkVmsQuery extends DataQuery {
  queryType: 'networkVms';
  vcenter?: string;
  datacenter?: string;
  sourceNetwork?: string;
  /** Part of the VM name. */
  search?: string;
  limit?: number;
}

/** Validation of the mappings before a failover: a summary and one row per issue. */
export interface NetworkValidationQuery extends DataQuery {
  queryType: 'networkValidation';
  failoverType: FailoverTypeField;
  /**
   * Only these VMs: comma-separated names, each may be a template variable (a multi-value one
   * adds all its values); empty for every VM. The server takes the same comma-separated text.
   */
  vmNames?: string;
}

/** Per destination network: jobs, throughput, probe latency and loss over the time range. */
export interface NetworkPerformanceQuery extends DataQuery {
  queryType: 'networkPerformance';
}

export interface NetworkAdoptionQuery extends DataQuery {
  queryType: 'networkAdoption';
}

/** Each VM's predicted next sync, and the time to finish the VMs not yet migrated (in meta). */
export interface PredictionsQuery extends DataQuery {
  queryType: 'predictions';
  /** Comma-separated VM names, each may be a template variable; empty for every VM. */
  vm?: string;
  vcenter?: string;
  datacenter?: string;
  /** Syncs the OMA runs at once. */
  concurrency?: number;
}

export type NetworkQuery =
  | NetworkTopologyQuery
  | NetworkRecommendationsQuery
  | NetworkVmsQuery
  | NetworkValidationQuery
  | NetworkPerformanceQuery
  | NetworkAdoptionQuery;

/**
 * Finished replication jobs per time bucket (intervalMs) over the time range; each filter may be
 * a template variable.
 */
export interface MigrationTrendsQuery extends DataQuery {
  queryType: 'migrationTrends';
  vcenter?: string;
  datacenter?: string;
  vm?: string;
  replication_type?: string;
  vm_group?: string;
}

/** The analytics filters; each may be a template variable. */
export interface AnalyticsFilters {
  vcenter?: string;
  datacenter?: string;
  vm?: string;
  replication_type?: string;
  vm_group?: string;
}

/** CBT syncs per time bucket (view trend) or per sync type (view summary). */
export interface CbtPerformanceQuery extends DataQuery, AnalyticsFilters {
  queryType: 'cbtPerformance';
  view?: CbtView;
}

/** Volume operations per type or per bucket, or CloudStack job outcomes. */
export interface VolumePerformanceQuery extends DataQuery, AnalyticsFilters {
  queryType: 'volumePerformance';
  view?: VolumeView;
}

/** Headline KPIs over the time range against the previous period. */
export interface AnalyticsSummaryQuery extends DataQuery, AnalyticsFilters {
  queryType: 'analyticsSummary';
}

/** Every query this data source sends, discriminated on `queryType`. */
export type OmaQuery =
  | VmContextsQuery
  | JobsQuery
  | VariableQuery
  | FailedJobAnnotationsQuery
  | NetworkQuery
  | PredictionsQuery
  | MigrationTrendsQuery
  | CbtPerformanceQuery
  | VolumePerformanceQuery
  | AnalyticsSummaryQuery;

export const DEFAULT_QUERY: Partial<OmaQuery> = {
  queryType: 'vmContexts',
  limit: DEFAULT_LIMIT,
};

/** Non-secret settings, stored in plain text by Grafana. */
export interface OmaDataSourceOptions extends DataSourceJsonData {
  /** Server base URL as Grafana (not the browser) reaches it, e.g. http://oma-insights:8080. */
  serverUrl?: string;
  /** Server base URL as the browser reaches it, for live WebSocket channels (used by the live issue). */
  liveUrl?: string;
}

/** Secret settings: Grafana encrypts them and only its data proxy ever reads them. */
export interface OmaSecureJsonData {
  readToken?: string;
  writeToken?: string;
}

/** Major version of the server API this plugin speaks; the health check compares it. */
export const EXPECTED_SERVER_MAJOR = 0;

/** Route paths in plugin.json. Neither is a prefix of the other: Grafana matches routes by prefix. */
export const READ_ROUTE = 'read';
export const WRITE_ROUTE = 'write';

/** One query as sent to the server: Grafana's own keys dropped. */
export type WireQuery = Omit<OmaQuery, 'datasource' | 'hide' | 'key'>;

/** `POST /api/v1/query` body: the server's envelope carrying this data source's queries. */
export type WireQueryRequest = Omit<QueryRequest, 'queries'> & { queries: WireQuery[] };

/** Server error body: `{"error":{"code","message","details"}}`. */
export interface ServerErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export function isNetworkQueryType(value: unknown): value is NetworkQueryType {
  return typeof value === 'string' && (NETWORK_QUERY_TYPES as readonly string[]).includes(value);
}

export function isFailoverType(value: unknown): value is FailoverType {
  return typeof value === 'string' && (FAILOVER_TYPES as string[]).includes(value);
}

/** `POST /api/v1/networks/bulk-mapping` body (the data source's bulkMapping sends it). */
export type { BulkMappingRequest };

export function isQueryType(value: unknown): value is QueryType {
  return typeof value === 'string' && (KNOWN_QUERY_TYPES as readonly string[]).includes(value);
}

export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
