// Success rates, performance metrics and system health (issues 9 and 10): finished replication
// jobs grouped by a dimension, per-job performance and load recorded as jobs finish, and the
// server's own health samples over time.
import { Type, type Static } from '@sinclair/typebox';
import { MigrationTrendsQuery } from './analytics-trends';
import { Nullable, StringEnum, Timestamp } from './common';
import { PERFORMANCE_VIEWS, SUCCESS_RATE_GROUPS } from './query-protocol';

const strict = { additionalProperties: false } as const;
/** from, to, interval and the job filters, as GET /analytics/migration-trends takes them. */
const jobRangeAndFilters = MigrationTrendsQuery.properties;

const Sources = Type.Object({
  rollup_hours: Type.Integer({ description: 'Whole hours read from the hourly rollups' }),
  raw_ranges: Type.Array(Type.Object({ from: Timestamp, to: Timestamp }), {
    description: 'Spans read from replication_jobs itself',
  }),
});

// ---------------------------------------------------------------- success rates

export const SuccessRatesQuery = Type.Object(
  {
    ...jobRangeAndFilters,
    group_by: StringEnum(SUCCESS_RATE_GROUPS, {
      description:
        'day: one group per time bucket of `interval` (default 1d); the others: one group per value, and a series per bucket of `interval`',
    }),
  },
  strict,
);
export type SuccessRatesQuery = Static<typeof SuccessRatesQuery>;

const Outcomes = {
  total: Type.Integer({ description: 'Finished jobs: completed + failed + cancelled' }),
  completed: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
  success_rate: Nullable(
    Type.Number({
      description: 'completed / total, 0..1; null without finished jobs',
      minimum: 0,
      maximum: 1,
    }),
  ),
};

export const SuccessRateGroup = Type.Object({
  group: Nullable(
    Type.String({
      description:
        'The value of the group_by dimension (ISO time of the bucket for day); null: jobs without one (e.g. no error classification)',
    }),
  ),
  ...Outcomes,
});
export type SuccessRateGroup = Static<typeof SuccessRateGroup>;

export const SuccessRatePoint = Type.Object({
  time: Timestamp,
  group: SuccessRateGroup.properties.group,
  ...Outcomes,
});
export type SuccessRatePoint = Static<typeof SuccessRatePoint>;

export const SuccessRates = Type.Object({
  from: Timestamp,
  to: Timestamp,
  interval_ms: Type.Integer(),
  group_by: StringEnum(SUCCESS_RATE_GROUPS),
  bucket_rule: Type.String(),
  sources: Sources,
  /** Over the whole range, most finished jobs first (day: in time order). */
  groups: Type.Array(SuccessRateGroup),
  /** Per bucket of `interval` and group, buckets with no finished job left out (empty for day: groups are the buckets). */
  series: Type.Array(SuccessRatePoint),
});
export type SuccessRates = Static<typeof SuccessRates>;

// ---------------------------------------------------------------- system health

/** Health sample figures, in the order the API and frames list them. Null: not measurable here. */
export const HEALTH_METRICS = [
  'cpu_percent',
  'process_cpu_percent',
  'memory_percent',
  'process_rss_bytes',
  'heap_used_bytes',
  'event_loop_lag_ms',
  'event_loop_lag_p99_ms',
  'disk_free_bytes',
  'disk_used_percent',
  'disk_read_bps',
  'disk_write_bps',
  'disk_busy_percent',
  'net_rx_bps',
  'net_tx_bps',
  'db_latency_ms',
  'db_pool_total',
  'db_pool_idle',
  'db_pool_waiting',
  'ws_clients_progress',
  'ws_clients_notifications',
  'ws_clients_system_health',
  'events_per_second',
  'ingest_per_second',
] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];

export const HEALTH_METRIC_UNITS: Record<HealthMetric, string> = {
  cpu_percent: 'percent',
  process_cpu_percent: 'percent',
  memory_percent: 'percent',
  process_rss_bytes: 'bytes',
  heap_used_bytes: 'bytes',
  event_loop_lag_ms: 'ms',
  event_loop_lag_p99_ms: 'ms',
  disk_free_bytes: 'bytes',
  disk_used_percent: 'percent',
  disk_read_bps: 'Bps',
  disk_write_bps: 'Bps',
  disk_busy_percent: 'percent',
  net_rx_bps: 'Bps',
  net_tx_bps: 'Bps',
  db_latency_ms: 'ms',
  db_pool_total: 'short',
  db_pool_idle: 'short',
  db_pool_waiting: 'short',
  ws_clients_progress: 'short',
  ws_clients_notifications: 'short',
  ws_clients_system_health: 'short',
  events_per_second: 'reqps',
  ingest_per_second: 'reqps',
};

/** Points one system-health answer holds; a longer range is bucketed (avg and max per bucket). */
export const MAX_HEALTH_POINTS = 2000;

export const SystemHealthQuery = Type.Object(
  {
    from: jobRangeAndFilters.from,
    to: jobRangeAndFilters.to,
    interval: Type.Optional(
      Type.String({
        pattern: jobRangeAndFilters.interval.pattern,
        description: `Bucket width (15m, 1h, …, or ms). Default: the samples themselves when the range holds at most ${MAX_HEALTH_POINTS}, else the narrowest width that fits`,
      }),
    ),
  },
  strict,
);
export type SystemHealthQuery = Static<typeof SystemHealthQuery>;

const metricFields = Object.fromEntries(
  HEALTH_METRICS.flatMap((m) => [
    [m, Nullable(Type.Number({ description: `Average over the bucket (${HEALTH_METRIC_UNITS[m]})` }))],
    [`${m}_max`, Nullable(Type.Number({ description: 'Highest sample in the bucket' }))],
  ]),
);

export const SystemHealthPoint = Type.Object({
  time: Timestamp,
  samples: Type.Integer({ description: 'Samples in the bucket (1 when not bucketed)' }),
  degraded: Type.Integer({ description: 'Samples whose status was degraded' }),
  ...metricFields,
});
export type SystemHealthPoint = { time: string; samples: number; degraded: number } & Record<
  HealthMetric | `${HealthMetric}_max`,
  number | null
>;

export const SystemHealthSeries = Type.Object({
  from: Timestamp,
  to: Timestamp,
  /** Null: the samples as taken, one point each. */
  interval_ms: Nullable(Type.Integer()),
  sample_interval_ms: Type.Integer({
    description: 'How often this server samples (HEALTH_SAMPLE_INTERVAL_SECONDS)',
  }),
  units: Type.Record(Type.String(), Type.String()),
  data: Type.Array(SystemHealthPoint),
});
export type SystemHealthSeries = Omit<Static<typeof SystemHealthSeries>, 'data'> & {
  data: SystemHealthPoint[];
};

// ---------------------------------------------------------------- performance metrics

/** Load figures a VMA may add to a progress push (all optional). */
export const VMA_LOAD_FIELDS = [
  'vma_cpu_percent',
  'vma_memory_percent',
  'source_disk_latency_ms',
  'network_latency_ms',
] as const;
export type VmaLoadField = (typeof VMA_LOAD_FIELDS)[number];

/** Where a load figure comes from. */
export const LOAD_SOURCES = ['vma_push', 'server_samples'] as const;
export type LoadSource = (typeof LOAD_SOURCES)[number];

/** Load figures of the performance `load` view and the source of each. */
export const LOAD_METRICS: readonly { name: string; source: LoadSource; unit: string }[] = [
  { name: 'vma_cpu_percent', source: 'vma_push', unit: 'percent' },
  { name: 'vma_memory_percent', source: 'vma_push', unit: 'percent' },
  { name: 'source_disk_latency_ms', source: 'vma_push', unit: 'ms' },
  { name: 'network_latency_ms', source: 'vma_push', unit: 'ms' },
  { name: 'server_cpu_percent', source: 'server_samples', unit: 'percent' },
  { name: 'server_memory_percent', source: 'server_samples', unit: 'percent' },
  { name: 'server_disk_busy_percent', source: 'server_samples', unit: 'percent' },
  { name: 'server_event_loop_lag_ms', source: 'server_samples', unit: 'ms' },
];

/** Rows of the performance views: `slowest` lists 20 jobs, `vms` and `datastores` 500 groups unless `limit` says otherwise. */
export const DEFAULT_SLOWEST_LIMIT = 20;
export const DEFAULT_PERFORMANCE_GROUPS = 500;
export const MAX_PERFORMANCE_ROWS = 5000;

export const PerformanceMetricsQuery = Type.Object(
  {
    ...jobRangeAndFilters,
    view: StringEnum(PERFORMANCE_VIEWS, {
      description:
        'vms / datastores: one row per VM or datastore; slowest: the longest jobs; load: CPU, memory, disk and network latency per bucket of `interval`',
    }),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PERFORMANCE_ROWS,
        description: `Rows of the slowest view (default ${DEFAULT_SLOWEST_LIMIT}) or of the vms and datastores views (default ${DEFAULT_PERFORMANCE_GROUPS})`,
      }),
    ),
  },
  strict,
);
export type PerformanceMetricsQuery = Static<typeof PerformanceMetricsQuery>;

export const PerformanceGroupRow = Type.Object({
  key: Type.String({ description: 'VM name or datastore (empty: jobs whose VM has no disk row)' }),
  jobs: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  bytes: Type.Number(),
  avg_throughput_bps: Nullable(Type.Number({ description: 'Mean over jobs with a throughput' })),
  avg_duration_s: Nullable(Type.Number()),
  max_duration_s: Nullable(Type.Number()),
  throughput_trend_percent: Nullable(
    Type.Number({
      description:
        "Change of the mean throughput of the range's second half against its first half, percent; null unless both halves have jobs",
    }),
  ),
  duration_trend_percent: Nullable(Type.Number({ description: 'The same for the mean duration' })),
});
export type PerformanceGroupRow = Static<typeof PerformanceGroupRow>;

export const SlowJobRow = Type.Object({
  job_id: Type.String(),
  vm_name: Type.String(),
  datastore: Nullable(Type.String()),
  replication_type: Type.String(),
  status: Type.String(),
  completed_at: Timestamp,
  duration_s: Type.Number(),
  bytes: Type.Number(),
  throughput_bps: Nullable(Type.Number()),
});
export type SlowJobRow = Static<typeof SlowJobRow>;

const loadFields = Object.fromEntries(
  LOAD_METRICS.flatMap((m) => [
    [
      m.name,
      Nullable(Type.Number({ description: `Mean over the jobs of the bucket (source: ${m.source})` })),
    ],
    [`${m.name}_max`, Nullable(Type.Number({ description: 'Highest seen during any job of the bucket' }))],
  ]),
);
export const LoadPoint = Type.Object({
  time: Timestamp,
  jobs: Type.Integer(),
  jobs_with_vma_load: Type.Integer(),
  jobs_with_server_samples: Type.Integer(),
  ...loadFields,
});
export type LoadPoint = {
  time: string;
  jobs: number;
  jobs_with_vma_load: number;
  jobs_with_server_samples: number;
} & Record<string, number | null | string>;

export const PerformanceMetrics = Type.Object({
  from: Timestamp,
  to: Timestamp,
  view: StringEnum(PERFORMANCE_VIEWS),
  interval_ms: Type.Integer(),
  bucket_rule: Type.String(),
  /** load view: where each figure comes from (empty for the other views). */
  sources: Type.Array(
    Type.Object({ name: Type.String(), source: StringEnum(LOAD_SOURCES), unit: Type.String() }),
  ),
  /** vms and datastores views: one row per VM or datastore, most jobs first. */
  groups: Type.Optional(Type.Array(PerformanceGroupRow)),
  /** slowest view: the longest finished jobs, longest first. */
  slowest: Type.Optional(Type.Array(SlowJobRow)),
  /** load view: one point per bucket of `interval`. */
  load: Type.Optional(Type.Array(LoadPoint)),
});
export type PerformanceMetrics = Omit<Static<typeof PerformanceMetrics>, 'load'> & { load?: LoadPoint[] };
