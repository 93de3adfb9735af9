import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { VM_CONTEXT_STATUSES } from '@oma-insights/contracts/enums';
// Type-only: erased by the build, so TypeBox (which that module uses) is never bundled.
import type { QueryRequest } from '@oma-insights/contracts/query-request';
// Type-only as well: that module builds TypeBox schemas.
import type { BulkMappingRequest, FailoverType } from '@oma-insights/contracts/network-mapping';
import {
  CBT_VIEWS,
  JOB_FILTERS,
  DEFAULT_PREDICTION_CONCURRENCY,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  MAX_QUERY_ROWS,
  NETWORK_QUERY_TYPES,
  PERFORMANCE_VIEWS,
  QUERY_TYPES,
  SUCCESS_RATE_GROUPS,
  VARIABLE_KINDS,
  VOLUME_VIEWS,
  type VariableKind,
} from '@oma-insights/contracts/query-protocol';

/** Query types the server's `POST /api/v1/query` answers: the lists live in the shared contracts. */
export type QueryType = (typeof QUERY_TYPES)[number];

/**
 * Query types this data source streams (LoadingState.Streaming) over the server's live channels,
 * polling `POST /query` for the same type when the WebSocket is unavailable.
 */
export const STREAMING_QUERY_TYPES = [
  'liveProgress',
  'notifications',
  'systemHealth',
] as const satisfies readonly QueryType[];
export type StreamingQueryType = (typeof STREAMING_QUERY_TYPES)[number];

export const KNOWN_QUERY_TYPES: readonly QueryType[] = QUERY_TYPES;

/**
 * How streaming queries get their updates: `websocket` only over the live channel, `polling` only
 * through `POST /query`, `auto` over the WebSocket and by polling while it cannot be opened.
 */
export const LIVE_MODES = ['auto', 'websocket', 'polling'] as const;
export type LiveMode = (typeof LIVE_MODES)[number];
export const LIVE_MODE_LABELS: Record<LiveMode, string> = {
  auto: 'Auto',
  websocket: 'WebSocket',
  polling: 'Polling',
};
export const DEFAULT_LIVE_MODE: LiveMode = 'auto';
/** How often polling asks the server, in seconds (data source setting). */
export const DEFAULT_POLL_SECONDS = 5;
export const MIN_POLL_SECONDS = 1;
export const MAX_POLL_SECONDS = 300;

/** What a liveProgress query shows: the active jobs, or their total throughput over time. */
export const LIVE_PROGRESS_VIEWS = ['jobs', 'throughput'] as const;
export type LiveProgressView = (typeof LIVE_PROGRESS_VIEWS)[number];

/** Rows a notifications feed keeps, and points a live time series keeps. */
export const DEFAULT_LIVE_ROWS = 200;
export const MAX_LIVE_ROWS = 5000;
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
  'successRates',
  'performanceMetrics',
  'cbtPerformance',
  'volumePerformance',
  'analyticsSummary',
  'liveProgress',
  'notifications',
  'systemHealth',
  'vmDisks',
  'cbtHistory',
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
  vmDisks: 'VM disks',
  cbtHistory: 'CBT sync history',
  successRates: 'Success rates',
  performanceMetrics: 'Performance metrics',
  cbtPerformance: 'CBT performance',
  volumePerformance: 'Volume performance',
  analyticsSummary: 'Analytics summary (KPIs)',
  liveProgress: 'Live progress',
  notifications: 'Notifications',
  systemHealth: 'System health',
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
  /** Exact VM names, comma-separated (each may be a template variable). */
  vm?: string;
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
  /** Exact VM names, comma-separated (each may be a template variable). */
  vm?: string;
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
 * Filters every analytics query takes, named as the server's query schema names them; each may be
 * a template variable ("All" drops it).
 */
export const ANALYTICS_FILTERS = ['vcenter', 'datacenter', 'vm', 'replication_type', 'vm_group'] as const;
export type AnalyticsFilter = (typeof ANALYTICS_FILTERS)[number];
export type AnalyticsFilters = Partial<Record<AnalyticsFilter, string>>;

/** Finished replication jobs per time bucket (intervalMs) over the time range. */
export interface MigrationTrendsQuery extends DataQuery, AnalyticsFilters {
  queryType: 'migrationTrends';
}

/** How a `successRates` query breaks the jobs down. */
export { SUCCESS_RATE_GROUPS, PERFORMANCE_VIEWS, CBT_VIEWS, VOLUME_VIEWS };
export type SuccessRateGroup = (typeof SUCCESS_RATE_GROUPS)[number];
export type PerformanceView = (typeof PERFORMANCE_VIEWS)[number];
export type CbtView = (typeof CBT_VIEWS)[number];
export type VolumeView = (typeof VOLUME_VIEWS)[number];
export const DEFAULT_SUCCESS_RATE_GROUP: SuccessRateGroup = 'vcenter';
export const DEFAULT_PERFORMANCE_VIEW: PerformanceView = 'vms';
export const DEFAULT_CBT_VIEW: CbtView = 'trend';
export const DEFAULT_VOLUME_VIEW: VolumeView = 'operations';

/**
 * Finished jobs and their success rate per group (a table), or per day (a time series). The
 * server's field is `group_by`; it may be a template variable resolving to one of the groups.
 */
export interface SuccessRatesQuery extends DataQuery, AnalyticsFilters {
  queryType: 'successRates';
  group_by: SuccessRateGroup | `$${string}`;
}

/** Throughput and duration per VM or datastore, the slowest jobs, or the load during migrations. */
export interface PerformanceMetricsQuery extends DataQuery, AnalyticsFilters {
  queryType: 'performanceMetrics';
  view: PerformanceView;
  /** Rows of a table view. */
  limit?: number;
}

/** CBT syncs per bucket, or one row per sync type. */
export interface CbtPerformanceQuery extends DataQuery, AnalyticsFilters {
  queryType: 'cbtPerformance';
  view: CbtView;
}

/** Volume operations per type or per bucket, or CloudStack job outcomes. */
export interface VolumePerformanceQuery extends DataQuery, AnalyticsFilters {
  queryType: 'volumePerformance';
  view: VolumeView;
}

/** The headline KPIs over the time range, beside the period of equal length before it. */
export interface AnalyticsSummaryQuery extends DataQuery, AnalyticsFilters {
  queryType: 'analyticsSummary';
}

export type AnalyticsQuery =
  | MigrationTrendsQuery
  | SuccessRatesQuery
  | PerformanceMetricsQuery
  | CbtPerformanceQuery
  | VolumePerformanceQuery
  | AnalyticsSummaryQuery;

/** Fields every streaming query has. */
interface StreamingFields {
  /** Overrides the data source's live mode for this query. */
  liveMode?: LiveMode;
  /** Rows (notifications) or points (time series) kept while streaming. */
  limit?: number;
}

/** Active replication jobs, live: a table (`jobs`) or their total throughput over time (`throughput`). */
export interface LiveProgressQuery extends DataQuery, StreamingFields {
  queryType: 'liveProgress';
  view?: LiveProgressView;
  /** A VM name or context id, or a template variable. */
  vm?: string;
  job?: string;
}

/** Notifications (history over the time range, then live): time, severity, title, message, ... */
export interface NotificationsQuery extends DataQuery, StreamingFields {
  queryType: 'notifications';
}

/** Server health samples (history over the time range, then live) as a wide time series. */
export interface SystemHealthQuery extends DataQuery, StreamingFields {
  queryType: 'systemHealth';
}

export type StreamingQuery = LiveProgressQuery | NotificationsQuery | SystemHealthQuery;

export function isStreamingQuery(query: OmaQuery): query is StreamingQuery {
  return (STREAMING_QUERY_TYPES as readonly string[]).includes(query.queryType);
}

/** A VM's disks (VM Detail): comma-separated VM names, each may be a template variable; empty for all. */
export interface VmDisksQuery extends DataQuery {
  queryType: 'vmDisks';
  vm?: string;
  limit?: number;
}

/** A VM's CBT syncs over the time range, newest first (VM Detail); `vm` as in VmDisksQuery. */
export interface CbtHistoryQuery extends DataQuery {
  queryType: 'cbtHistory';
  vm?: string;
  limit?: number;
}

/** Every query this data source sends, discriminated on `queryType`. */
export type OmaQuery =
  | VmContextsQuery
  | JobsQuery
  | VariableQuery
  | FailedJobAnnotationsQuery
  | NetworkQuery
  | PredictionsQuery
  | AnalyticsQuery
  | StreamingQuery
  | VmDisksQuery
  | CbtHistoryQuery;

export const DEFAULT_QUERY: Partial<OmaQuery> = {
  queryType: 'vmContexts',
  limit: DEFAULT_LIMIT,
};

/** Non-secret settings, stored in plain text by Grafana. */
export interface OmaDataSourceOptions extends DataSourceJsonData {
  /** Server base URL as Grafana (not the browser) reaches it, e.g. http://oma-insights:8080. */
  serverUrl?: string;
  /**
   * Server base URL as the browser reaches it, for the live WebSocket channels (ws/wss is derived
   * from http/https). A path such as /oma-live is taken relative to Grafana's own address, for a
   * server published behind the same reverse proxy as Grafana.
   */
  liveUrl?: string;
  /** How streaming queries get updates (a query may override it); default auto. */
  liveMode?: LiveMode;
  /** Seconds between two polls when polling; default 5. */
  pollIntervalSeconds?: number;
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
