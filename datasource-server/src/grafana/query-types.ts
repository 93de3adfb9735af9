// The schema of each query type `POST /api/v1/query` answers. The lists of types, job filters and
// variable kinds live in the shared contracts (the plugin uses the same ones); a schema and a
// handler must exist for each.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  FAILOVER_TYPES,
  JOB_FILTERS,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  MAX_QUERY_ROWS,
  QueryRefId,
  StringEnum,
  VARIABLE_KINDS,
  CBT_VIEWS,
  VOLUME_VIEWS,
  type QueryType,
} from '@oma-insights/contracts';

const text = Type.String({ maxLength: 1000 });
const limit = Type.Integer({ minimum: 1, maximum: MAX_QUERY_ROWS });
const strict = { additionalProperties: false } as const;
const failoverType = StringEnum(FAILOVER_TYPES);
/** The filters of the analytics query types (as their REST endpoints). */
const analyticsFilters = {
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
  cbtPerformance: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('cbtPerformance'),
      view: Type.Optional(StringEnum(CBT_VIEWS)),
      ...analyticsFilters,
    },
    strict,
  ),
  volumePerformance: Type.Object(
    {
      refId: QueryRefId,
      queryType: Type.Literal('volumePerformance'),
      view: Type.Optional(StringEnum(VOLUME_VIEWS)),
      ...analyticsFilters,
    },
    strict,
  ),
  analyticsSummary: Type.Object(
    { refId: QueryRefId, queryType: Type.Literal('analyticsSummary'), ...analyticsFilters },
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
