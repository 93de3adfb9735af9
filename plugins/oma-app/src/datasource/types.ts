import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { VM_CONTEXT_STATUSES } from '@oma-insights/contracts/enums';
// Type-only, like QueryRequest below.
import type { FailoverType } from '@oma-insights/contracts/network-mapping';
// Type-only: erased by the build, so TypeBox (which that module uses) is never bundled.
import type { QueryRequest } from '@oma-insights/contracts/query-request';
import {
  JOB_FILTERS,
  MAX_QUERY_ROWS,
  QUERY_TYPES,
  VARIABLE_KINDS,
  type VariableKind,
} from '@oma-insights/contracts/query-protocol';

/** Query types the server's `POST /api/v1/query` answers: the one list lives in the shared contracts. */
export const KNOWN_QUERY_TYPES = QUERY_TYPES;
export type QueryType = (typeof KNOWN_QUERY_TYPES)[number];

/** The query types a user picks in the panel query editor (the others are used internally). */
export const EDITOR_QUERY_TYPES = ['vmContexts', 'jobs'] as const satisfies readonly QueryType[];
export type EditorQueryType = (typeof EDITOR_QUERY_TYPES)[number];

export const QUERY_TYPE_LABELS: Record<QueryType, string> = {
  vmContexts: 'VM contexts',
  jobs: 'Replication jobs',
  variable: 'Template variable',
  failedJobAnnotations: 'Failed job annotations',
  networkTopology: 'Network topology',
  networkRecommendations: 'Network recommendations',
  networkVms: 'VM networks',
  networkValidation: 'Network mapping validation',
  networkPerformance: 'Network performance',
};

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

/** live or test failover; a template variable may stand in until interpolation. */
export type FailoverTypeField = 'live' | 'test';

export interface NetworkTopologyQuery extends DataQuery {
  queryType: 'networkTopology';
  failoverType?: FailoverTypeField;
  vcenter?: string;
  datacenter?: string;
}

export interface NetworkRecommendationsQuery extends DataQuery {
  queryType: 'networkRecommendations';
  failoverType?: FailoverTypeField;
  sourceNetwork?: string;
  unmappedOnly?: boolean;
  /** Candidates per source network. */
  candidates?: number;
}

export interface NetworkVmsQuery extends DataQuery {
  queryType: 'networkVms';
  vcenter?: string;
  datacenter?: string;
  sourceNetwork?: string;
  search?: string;
  limit?: number;
}

export interface NetworkValidationQuery extends DataQuery {
  queryType: 'networkValidation';
  failoverType?: FailoverType;
  /** Comma-separated VM names (or a multi-value template variable); empty for every VM. */
  vmNames?: string;
}

export interface NetworkPerformanceQuery extends DataQuery {
  queryType: 'networkPerformance';
}

/** Every query this data source sends, discriminated on `queryType`. */
export type OmaQuery =
  | VmContextsQuery
  | JobsQuery
  | VariableQuery
  | FailedJobAnnotationsQuery
  | NetworkTopologyQuery
  | NetworkRecommendationsQuery
  | NetworkVmsQuery
  | NetworkValidationQuery
  | NetworkPerformanceQuery;

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

export function isQueryType(value: unknown): value is QueryType {
  return typeof value === 'string' && (KNOWN_QUERY_TYPES as readonly string[]).includes(value);
}

export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
