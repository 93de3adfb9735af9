// Network mapping before failover: topology, recommendations, bulk mapping, validation,
// performance (issue "Network mapping"). The server validates with these schemas; the plugins
// import the types only.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp } from './common';
import { VM_CONTEXT_STATUSES } from './enums';
import {
  FAILOVER_TYPES,
  MAX_BULK_RULES,
  MAX_SELECTOR_VMS,
  NAME_MATCH_TYPES,
  VALIDATION_CODES,
} from './network-values';

export * from './network-values';

const FAILOVER_TYPE_DESCRIPTION = 'live: the network a VM gets on live failover; test: on test failover';
const FailoverTypeSchema = StringEnum(FAILOVER_TYPES, { description: FAILOVER_TYPE_DESCRIPTION });
/** An optional query or body field that defaults to live. */
const failoverTypeParameter = () =>
  Type.Optional(StringEnum(FAILOVER_TYPES, { description: FAILOVER_TYPE_DESCRIPTION, default: 'live' }));

const Name = Type.String({ minLength: 1, maxLength: 255 });

// ---------------------------------------------------------------------------------------------
// Topology

export const TopologyQuery = Type.Object(
  {
    failover_type: failoverTypeParameter(),
    vcenter: Type.Optional(Name),
    datacenter: Type.Optional(Name),
  },
  { additionalProperties: false },
);

export const TOPOLOGY_NODE_KINDS = ['source', 'destination'] as const;
export const TopologyNode = Type.Object({
  id: Type.String({ description: 'src:<network name> or dst:<CloudStack network id>' }),
  kind: StringEnum(TOPOLOGY_NODE_KINDS),
  name: Type.String(),
  vm_count: Type.Integer({
    description: 'Distinct VMs on this source network, or mapped to this destination',
  }),
  vlan: Nullable(Type.String()),
  zone: Nullable(Type.String()),
  state: Nullable(
    Type.String({ description: 'CloudStack state; for a source: mapped, partial or unmapped' }),
  ),
});
export type TopologyNode = Static<typeof TopologyNode>;

export const EDGE_VALIDATION_STATUSES = ['valid', 'invalid', 'pending', 'mixed'] as const;
export const TopologyEdge = Type.Object({
  id: Type.String(),
  source: Type.String(),
  target: Type.String(),
  vm_count: Type.Integer(),
  is_test_network: Type.Boolean(),
  validation_status: StringEnum(EDGE_VALIDATION_STATUSES, {
    description: 'The mappings behind the edge: all valid, any invalid, all pending, or a mix',
  }),
});
export type TopologyEdge = Static<typeof TopologyEdge>;

export const Topology = Type.Object({
  failover_type: FailoverTypeSchema,
  nodes: Type.Array(TopologyNode),
  edges: Type.Array(TopologyEdge),
  unmapped: Type.Array(Type.Object({ source_network: Type.String(), vm_count: Type.Integer() })),
});
export type Topology = Static<typeof Topology>;

// ---------------------------------------------------------------------------------------------
// Recommendations

export const RecommendationQuery = Type.Object(
  {
    failover_type: failoverTypeParameter(),
    source_network: Type.Optional(Name),
    vm: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only networks of this VM' })),
    unmapped_only: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'Candidates per source network' }),
    ),
  },
  { additionalProperties: false },
);
export type RecommendationQuery = Static<typeof RecommendationQuery>;

export const Candidate = Type.Object({
  network_id: Type.String(),
  network_name: Type.String(),
  score: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'Estimated probability that this is the right destination (candidates sum to at most 1)',
  }),
  reasons: Type.Array(Type.String()),
});
export type Candidate = Static<typeof Candidate>;

export const Recommendation = Type.Object({
  source_network: Type.String(),
  vm_count: Type.Integer(),
  current: Nullable(
    Type.Object({
      network_id: Type.String({ description: 'The destination most of its mapped VMs use' }),
      network_name: Type.String(),
      vm_count: Type.Integer({ description: 'VMs mapped to it' }),
    }),
  ),
  candidates: Type.Array(Candidate),
});
export type Recommendation = Static<typeof Recommendation>;

export const RecommendationList = Type.Object({
  failover_type: FailoverTypeSchema,
  data: Type.Array(Recommendation),
});
export type RecommendationList = Static<typeof RecommendationList>;

export const AdoptionQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 64 })),
    to: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const AdoptionCounts = {
  changes: Type.Integer({ description: 'Mapping creations and replacements' }),
  top1: Type.Integer({ description: 'Changes that chose the top recommendation' }),
  in_top3: Type.Integer(),
  rate: Nullable(Type.Number({ description: 'top1 / changes; null without changes' })),
};
export const Adoption = Type.Object({
  from: Timestamp,
  to: Timestamp,
  overall: Type.Object(AdoptionCounts),
  by_day: Type.Array(
    Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (UTC)' }), ...AdoptionCounts }),
  ),
  by_source_network: Type.Array(Type.Object({ source_network: Type.String(), ...AdoptionCounts })),
});
export type Adoption = Static<typeof Adoption>;

// ---------------------------------------------------------------------------------------------
// Bulk mapping

export const BulkSelector = Type.Object(
  {
    vm_names: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: MAX_SELECTOR_VMS })),
    name_pattern: Type.Optional(
      Type.Object(
        {
          match: StringEnum(NAME_MATCH_TYPES),
          value: Type.String({ minLength: 1, maxLength: 255 }),
        },
        { additionalProperties: false },
      ),
    ),
    vcenter: Type.Optional(Name),
    datacenter: Type.Optional(Name),
    source_network: Type.Optional(Name),
    status: Type.Optional(StringEnum(VM_CONTEXT_STATUSES)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'VMs matching every given field; at least one field (an empty selector is refused)',
  },
);
export type BulkSelector = Static<typeof BulkSelector>;

export const BulkRule = Type.Object(
  {
    source_network: Name,
    destination_network_id: Name,
    is_test_network: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type BulkRule = Static<typeof BulkRule>;

export const BulkMappingRequest = Type.Object(
  {
    selector: BulkSelector,
    rules: Type.Optional(Type.Array(BulkRule, { minItems: 1, maxItems: MAX_BULK_RULES })),
    use_recommendations: Type.Optional(
      Type.Boolean({ description: 'Map every selected NIC to its top recommendation (instead of rules)' }),
    ),
    failover_type: failoverTypeParameter(),
    dry_run: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type BulkMappingRequest = Static<typeof BulkMappingRequest>;

export const BulkChange = Type.Object({
  vm_name: Type.String(),
  source_network: Type.String(),
  is_test_network: Type.Boolean(),
  before: Nullable(Type.Object({ network_id: Type.String(), network_name: Type.String() })),
  after: Type.Object({ network_id: Type.String(), network_name: Type.String() }),
  recommendation_rank: Nullable(
    Type.Integer({ description: 'Rank of the destination among the recommendations' }),
  ),
});
export type BulkChange = Static<typeof BulkChange>;

// ---------------------------------------------------------------------------------------------
// Validation

export const ISSUE_SEVERITIES = ['error', 'warning'] as const;
export const VM_VALIDATION_STATUSES = ['valid', 'warning', 'invalid'] as const;

export const ValidationIssue = Type.Object({
  code: StringEnum(VALIDATION_CODES),
  severity: StringEnum(ISSUE_SEVERITIES),
  message: Type.String(),
  source_network: Nullable(Type.String()),
  destination_network_id: Nullable(Type.String()),
});
export type ValidationIssue = Static<typeof ValidationIssue>;

export const VmValidation = Type.Object({
  vm_name: Type.String(),
  status: StringEnum(VM_VALIDATION_STATUSES),
  issues: Type.Array(ValidationIssue),
});
export type VmValidation = Static<typeof VmValidation>;

export const ValidationSummary = Type.Object({
  vms: Type.Integer(),
  valid: Type.Integer(),
  invalid: Type.Integer(),
  warnings: Type.Integer({ description: 'VMs with warnings and no errors' }),
});

export const ValidationReport = Type.Object({
  failover_type: FailoverTypeSchema,
  valid: Type.Boolean({ description: 'No VM has an error' }),
  summary: ValidationSummary,
  results: Type.Array(VmValidation),
});
export type ValidationReport = Static<typeof ValidationReport>;

export const ValidateRequest = Type.Object(
  {
    vm_names: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: MAX_SELECTOR_VMS })),
    failover_type: failoverTypeParameter(),
    persist: Type.Optional(
      Type.Boolean({ description: 'Store validation_status/last_validated (needs the write scope)' }),
    ),
    probe: Type.Optional(
      Type.Boolean({ description: 'TCP-probe each destination network with a probe target' }),
    ),
  },
  { additionalProperties: false },
);
export type ValidateRequest = Static<typeof ValidateRequest>;

export const BulkMappingResult = Type.Object({
  dry_run: Type.Boolean(),
  applied: Type.Boolean(),
  summary: Type.Object({
    vms_matched: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
  }),
  changes: Type.Array(BulkChange),
  validation: ValidationReport,
});
export type BulkMappingResult = Static<typeof BulkMappingResult>;

// ---------------------------------------------------------------------------------------------
// Audit

export const MappingAuditQuery = Type.Object(
  {
    vm_id: Type.Optional(Name),
    source_network_name: Type.Optional(Name),
    request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const MappingAuditEntry = Type.Object({
  id: Type.Integer(),
  action: Type.String({ description: 'created, updated, deleted or validated' }),
  vm_id: Type.String(),
  source_network_name: Type.String(),
  is_test_network: Type.Boolean(),
  before: Nullable(Type.String({ description: 'Destination network id before' })),
  after: Nullable(Type.String({ description: 'Destination network id after' })),
  actor: Type.String({ description: 'Name of the API token that made the change' }),
  request_id: Nullable(Type.String()),
  recommendation_rank: Nullable(Type.Integer()),
  created_at: Timestamp,
});
export type MappingAuditEntry = Static<typeof MappingAuditEntry>;

export const MappingAuditList = Type.Object({
  entries: Type.Array(MappingAuditEntry),
  count: Type.Integer(),
  next_cursor: Nullable(Type.String()),
});

// ---------------------------------------------------------------------------------------------
// Probes and performance

export const ProbeTarget = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Host name or IP reachable on that network',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 50, maximum: 10_000, default: 1000 })),
    attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })),
  },
  { additionalProperties: false },
);
export type ProbeTarget = Static<typeof ProbeTarget>;

export const NetworkPerformanceQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 64 })),
    to: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const NetworkPerformance = Type.Object({
  network_id: Type.String(),
  network_name: Type.String(),
  jobs: Type.Integer({ description: 'Replication jobs in the range of VMs mapped (live) to this network' }),
  avg_throughput_bps: Nullable(Type.Number()),
  peak_throughput_bps: Nullable(Type.Number()),
  probes: Type.Integer(),
  avg_latency_ms: Nullable(Type.Number()),
  loss_percent: Nullable(Type.Number()),
  samples: Type.Array(
    Type.Object({
      time: Timestamp,
      latency_ms: Nullable(Type.Number()),
      loss_percent: Type.Number(),
    }),
  ),
});
export type NetworkPerformance = Static<typeof NetworkPerformance>;

export const NetworkPerformanceList = Type.Object({
  from: Timestamp,
  to: Timestamp,
  data: Type.Array(NetworkPerformance),
});
