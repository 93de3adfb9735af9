// CBT sync and volume operation analytics, and the headline KPIs (issue 9): from hourly rollups
// for whole hours and raw OMA rows for the rest, with one bucket rule for every kind of row:
// a row counts once finished, in the bucket holding its end time.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum, TIME_PARAMETER_RULE, Timestamp } from './common';
import { TREND_INTERVAL_PATTERN } from './analytics-trends';
import { CBT_VIEWS, VOLUME_VIEWS } from './query-protocol';

/** cbt_history has no status: the OMA writes a row when a disk sync ends. */
export const CBT_BUCKET_RULE =
  'A cbt_history row is one finished disk sync (the OMA writes it when the sync ends): it counts in the bucket holding its created_at. A sync succeeded when sync_success = 1.';
export const VOLUME_BUCKET_RULE =
  'A volume operation counts once finished (status completed, failed or cancelled, with a completed_at), in the bucket holding its completed_at; pending and executing ones are never counted. Duration: completed_at − created_at.';
export const CLOUDSTACK_BUCKET_RULE =
  'A CloudStack job (job_tracking rows with job_type cloudstack or a cloudstack_job_id; or every cloudstack_job_tracking row where an OMA has that table instead) counts once finished (status completed, failed or cancelled, with a completed_at), in the bucket holding its completed_at. Duration: completed_at − started_at (initiated_at in cloudstack_job_tracking).';

/** The request filters of every analytics endpoint. */
export const ANALYTICS_FILTERS = ['vcenter', 'datacenter', 'vm', 'replication_type', 'vm_group'] as const;
export type AnalyticsFilter = (typeof ANALYTICS_FILTERS)[number];

/** Where a CloudStack job's figures come from: whichever table this OMA has. */
export const CLOUDSTACK_JOB_TABLES = ['job_tracking', 'cloudstack_job_tracking'] as const;
export type CloudstackJobTable = (typeof CLOUDSTACK_JOB_TABLES)[number];

const filterText = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 255, description }));

const rangeAndFilters = {
  from: Type.Optional(
    Type.String({ maxLength: 64, description: `${TIME_PARAMETER_RULE}; default: 7 days before to` }),
  ),
  to: Type.Optional(Type.String({ maxLength: 64, description: `${TIME_PARAMETER_RULE}; default: now` })),
  interval: Type.Optional(
    Type.String({
      pattern: TREND_INTERVAL_PATTERN,
      description:
        'Bucket width: 15m, 1h, 1d, … or milliseconds (default 1h); buckets are aligned to the Unix epoch (UTC)',
    }),
  ),
  vcenter: filterText("The replication job's v_center_host (CBT), else the VM context's vcenter_host"),
  datacenter: filterText("The replication job's datacenter (CBT), else the VM context's datacenter"),
  vm: filterText(
    "The job's source_vm_name (CBT), else the VM context's vm_name; read from raw rows (VMs are not a rollup dimension)",
  ),
  replication_type: filterText("The replication job's replication_type (initial, incremental)"),
  vm_group: filterText("The replication job's vm_group_id"),
};

export const CbtPerformanceQuery = Type.Object(
  {
    ...rangeAndFilters,
    view: Type.Optional(StringEnum(CBT_VIEWS, { description: 'Only this part (default: both)' })),
  },
  { additionalProperties: false },
);
export type CbtPerformanceQuery = Static<typeof CbtPerformanceQuery>;

export const VolumePerformanceQuery = Type.Object(
  {
    ...rangeAndFilters,
    view: Type.Optional(StringEnum(VOLUME_VIEWS, { description: 'Only this part (default: all three)' })),
  },
  { additionalProperties: false },
);
export type VolumePerformanceQuery = Static<typeof VolumePerformanceQuery>;

export const AnalyticsSummaryQuery = Type.Object(
  {
    from: rangeAndFilters.from,
    to: rangeAndFilters.to,
    vcenter: rangeAndFilters.vcenter,
    datacenter: rangeAndFilters.datacenter,
    vm: rangeAndFilters.vm,
    replication_type: rangeAndFilters.replication_type,
    vm_group: rangeAndFilters.vm_group,
  },
  { additionalProperties: false },
);
export type AnalyticsSummaryQuery = Static<typeof AnalyticsSummaryQuery>;

/** Where figures came from: rolled-up hours and raw time spans. */
export const OpsSources = Type.Object({
  rollup_hours: Type.Integer(),
  raw_ranges: Type.Array(Type.Object({ from: Timestamp, to: Timestamp })),
});

const NotApplied = Type.Array(StringEnum(ANALYTICS_FILTERS), {
  description: 'Filters these rows carry no value for: the figures are NOT narrowed by them (never guessed)',
});

const rate = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description }));
const seconds = (description?: string) => Nullable(Type.Number({ description }));

export const CbtTrendBucket = Type.Object({
  time: Timestamp,
  syncs: Type.Integer({ description: 'cbt_history rows' }),
  successful: Type.Integer(),
  failed: Type.Integer(),
  success_rate: rate('successful / syncs; null without syncs'),
  full_syncs: Type.Integer(),
  incremental_syncs: Type.Integer(),
  bytes: Type.Number({ description: 'Sum of bytes_transferred' }),
  full_bytes: Type.Number(),
  incremental_bytes: Type.Number(),
  change_rate_bytes_per_hour: Nullable(
    Type.Number({
      description:
        "Bytes of successful incremental syncs / hours since each disk's previous successful sync (summed over the syncs that have one)",
    }),
  ),
  duration_p50_s: seconds('Median sync_duration_seconds'),
  duration_p95_s: seconds(),
});
export type CbtTrendBucket = Static<typeof CbtTrendBucket>;

export const CbtSummaryRow = Type.Object({
  sync_type: Type.String({ description: "cbt_history.sync_type (full, incremental), and 'all'" }),
  syncs: Type.Integer(),
  successful: Type.Integer(),
  failed: Type.Integer(),
  success_rate: rate('successful / syncs'),
  bytes: Type.Number(),
  blocks_changed: Type.Number(),
  avg_bytes: Nullable(Type.Number()),
  change_rate_bytes_per_hour: Nullable(Type.Number()),
  duration_avg_s: seconds(),
  duration_p50_s: seconds(),
  duration_p95_s: seconds(),
  duration_p99_s: seconds(),
});
export type CbtSummaryRow = Static<typeof CbtSummaryRow>;

const common = {
  from: Timestamp,
  to: Timestamp,
  interval_ms: Type.Integer(),
  percentile_relative_error: Type.Number(),
};

export const CbtPerformance = Type.Object({
  ...common,
  bucket_rule: Type.String(),
  sources: OpsSources,
  filters_not_applied: NotApplied,
  trend: Type.Optional(Type.Array(CbtTrendBucket)),
  summary: Type.Optional(Type.Array(CbtSummaryRow)),
});
export type CbtPerformance = Static<typeof CbtPerformance>;

const outcomes = {
  completed: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
  failure_rate: rate('failed / finished; null when none finished'),
};
const durations = {
  duration_avg_s: seconds(),
  duration_p50_s: seconds(),
  duration_p95_s: seconds(),
  duration_p99_s: seconds(),
};

export const VolumeOperationRow = Type.Object({
  operation_type: Type.String({
    description: 'volume_operations.type (create, attach, detach, delete, cleanup)',
  }),
  operations: Type.Integer({ description: 'Finished operations' }),
  ...outcomes,
  ...durations,
});
export type VolumeOperationRow = Static<typeof VolumeOperationRow>;

export const CloudstackJobRow = Type.Object({
  operation: Type.String({
    description:
      'job_tracking.operation, or cloudstack_job_tracking.operation_type (else cloudstack_command)',
  }),
  jobs: Type.Integer({ description: 'Finished CloudStack jobs' }),
  ...outcomes,
  ...durations,
});
export type CloudstackJobRow = Static<typeof CloudstackJobRow>;

export const VolumeTrendBucket = Type.Object({
  time: Timestamp,
  operations: Type.Integer(),
  ...outcomes,
  duration_p50_s: seconds(),
  duration_p95_s: seconds(),
  cloudstack_jobs: Type.Integer(),
  cloudstack_failed: Type.Integer(),
  cloudstack_failure_rate: rate('failed / finished CloudStack jobs'),
});
export type VolumeTrendBucket = Static<typeof VolumeTrendBucket>;

export const VolumePerformance = Type.Object({
  ...common,
  bucket_rules: Type.Object({ volume_operations: Type.String(), cloudstack_jobs: Type.String() }),
  cloudstack_source: Nullable(
    StringEnum(CLOUDSTACK_JOB_TABLES, {
      description: 'The table CloudStack jobs were read from; null when this OMA has neither',
    }),
  ),
  sources: Type.Object(
    { volume_operations: Type.Optional(OpsSources), cloudstack_jobs: Type.Optional(OpsSources) },
    {
      description:
        'Where the figures came from, for each kind the requested views read (the trend reads both)',
    },
  ),
  filters_not_applied: Type.Object({ volume_operations: NotApplied, cloudstack_jobs: NotApplied }),
  operations: Type.Optional(Type.Array(VolumeOperationRow)),
  trend: Type.Optional(Type.Array(VolumeTrendBucket)),
  cloudstack: Type.Optional(Type.Array(CloudstackJobRow)),
});
export type VolumePerformance = Static<typeof VolumePerformance>;

/** Grafana unit ids of the KPIs. */
export const KPI_UNITS = ['none', 'percentunit', 's', 'decbytes', 'Bps'] as const;

export const Kpi = Type.Object({
  kpi: Type.String({ description: 'Stable id, e.g. success_rate' }),
  label: Type.String(),
  unit: StringEnum(KPI_UNITS),
  value: Nullable(Type.Number({ description: 'Over [from, to)' })),
  previous: Nullable(
    Type.Number({
      description:
        'Over the previous period of equal length; null for KPIs of the current state, which the OMA keeps no history of',
    }),
  ),
  change: Nullable(Type.Number({ description: 'value − previous, in the unit' })),
  change_ratio: Nullable(
    Type.Number({ description: '(value − previous) / |previous|; null when previous is 0' }),
  ),
  note: Nullable(Type.String({ description: 'How the KPI is measured or which filters do not apply' })),
});
export type Kpi = Static<typeof Kpi>;

export const AnalyticsSummary = Type.Object({
  from: Timestamp,
  to: Timestamp,
  previous_from: Timestamp,
  previous_to: Timestamp,
  percentile_relative_error: Type.Number(),
  data: Type.Array(Kpi),
});
export type AnalyticsSummary = Static<typeof AnalyticsSummary>;
