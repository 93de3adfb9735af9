// The schema of each query type `POST /api/v1/query` answers. The lists of types, job filters and
// variable kinds live in the shared contracts (the plugin uses the same ones); a schema and a
// handler must exist for each.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  FAILOVER_TYPES,
  JOB_FILTERS,
  MAX_NETWORK_VM_ROWS,
  MAX_PERFORMANCE_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  MAX_QUERY_ROWS,
  PERFORMANCE_VIEWS,
  NOTIFICATION_SEVERITIES,
  QueryRefId,
  StringEnum,
  SUCCESS_RATE_GROUPS,
  VARIABLE_KINDS,
  CBT_VIEWS,
  VOLUME_VIEWS,
  type QueryType,
} from '@oma-insights/contracts';

const text = Type.String({ maxLength: 1000 });
const limit = Type.Integer({ minimum: 1, maximum: MAX_QUERY_ROWS });
const strict = { additionalProperties: false } as const;
const failoverType = StringEnum(FAILOVER_TYPES);
/** VM names: a multi-value variable may carry thousands. */
const vmNames = Type.String({ maxLength: 1_000_000 });
/** The filters of the job analytics queries (as GET /analytics/migration-trends takes them). */
const jobFilters = {
  vcenter: Type.Optional(text),
  datacenter: Type.Optional(text),
  vm: Type.Optional(text),
  replication_type: Type.Optional(text),
  vm_group: Type.Optional(text),
};

export const QUERY_SCHEMAS = {
  vmContexts: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('vmContexts'),
      status: Type.Optional(text),
      vcenter: Type.Optional(text),
      search: Type.Optional(text),
      // Exact VM names (comma-separated): a VM Detail dashboard's one VM.
      vm: Type.Optional(vmNames),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  jobs: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('jobs'),
      status: Type.Optional(StringEnum(JOB_FILTERS)),
      vm: Type.Optional(text),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  variable: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('variable'),
      variable: StringEnum(VARIABLE_KINDS),
      vcenter: Type.Optional(text),
    },
    strict,
  ),
  failedJobAnnotations: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('failedJobAnnotations'),
      vm: Type.Optional(text),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  networkTopology: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('networkTopology'),
      failoverType: Type.Optional(failoverType),
      vcenter: Type.Optional(text),
      datacenter: Type.Optional(text),
    },
    strict,
  ),
  networkRecommendations: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('networkRecommendations'),
      failoverType: Type.Optional(failoverType),
      sourceNetwork: Type.Optional(text),
      unmappedOnly: Type.Optional(Type.Boolean()),
      candidates: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    },
    strict,
  ),
  networkVms: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('networkVms'),
      vcenter: Type.Optional(text),
      datacenter: Type.Optional(text),
      sourceNetwork: Type.Optional(text),
      search: Type.Optional(text),
      // Exact VM names (comma-separated), where search matches a part of a name.
      vm: Type.Optional(vmNames),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_NETWORK_VM_ROWS })),
    },
    strict,
  ),
  networkValidation: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('networkValidation'),
      failoverType: Type.Optional(failoverType),
      // A multi-value variable may carry thousands of names.
      vmNames: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    },
    strict,
  ),
  networkAdoption: Type.Object({ refId: QueryRefId, queryType: Type.Literal('networkAdoption') }, strict),
  networkPerformance: Type.Object(
    { refId: QueryRefId, queryType: Type.Literal('networkPerformance') },
    strict,
  ),
  predictions: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('predictions'),
      // VM names: a multi-value variable may carry thousands.
      vm: Type.Optional(Type.String({ maxLength: 1_000_000 })),
      vcenter: Type.Optional(text),
      datacenter: Type.Optional(text),
      concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PREDICTION_CONCURRENCY })),
    },
    strict,
  ),
  migrationTrends: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('migrationTrends'),
      vcenter: Type.Optional(text),
      datacenter: Type.Optional(text),
      vm: Type.Optional(text),
      replication_type: Type.Optional(text),
      vm_group: Type.Optional(text),
    },
    strict,
  ),
  vmDisks: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('vmDisks'),
      vm: Type.Optional(vmNames),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  cbtHistory: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('cbtHistory'),
      vm: Type.Optional(vmNames),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  successRates: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('successRates'),
      group_by: StringEnum(SUCCESS_RATE_GROUPS),
      ...jobFilters,
    },
    strict,
  ),
  performanceMetrics: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('performanceMetrics'),
      view: StringEnum(PERFORMANCE_VIEWS),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PERFORMANCE_ROWS })),
      ...jobFilters,
    },
    strict,
  ),
  systemHealth: Type.Object({ refId: QueryRefId, queryType: Type.Literal('systemHealth') }, strict),
  notifications: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('notifications'),
      severity: Type.Optional(StringEnum(NOTIFICATION_SEVERITIES)),
      vm: Type.Optional(text),
      source: Type.Optional(Type.String({ maxLength: 64 })),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  liveProgress: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('liveProgress'),
      vm: Type.Optional(
        Type.String({ minLength: 1, maxLength: 191, description: 'A VM name or context id' }),
      ),
      job: Type.Optional(Type.String({ minLength: 1, maxLength: 191 })),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  cbtPerformance: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('cbtPerformance'),
      view: Type.Optional(StringEnum(CBT_VIEWS)),
      ...jobFilters,
    },
    strict,
  ),
  volumePerformance: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('volumePerformance'),
      view: Type.Optional(StringEnum(VOLUME_VIEWS)),
      ...jobFilters,
    },
    strict,
  ),
  analyticsSummary: Type.Object(
    { refId: QueryRefId, queryType: Type.Literal('analyticsSummary'), ...jobFilters },
    strict,
  ),
} satisfies Record<QueryType, TSchema>;

export type QueryOf<K extends QueryType> = Static<(typeof QUERY_SCHEMAS)[K]>;

/** Comma-separated values (multi-value template variables) as a list. */
export function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
