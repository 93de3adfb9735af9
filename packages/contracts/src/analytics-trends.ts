// Migration trends (issue 9): finished replication jobs per time bucket, from hourly rollups and
// the raw table. The bucket rule below is the one every analytics figure keeps to.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, TIME_PARAMETER_RULE, Timestamp } from './common';

/**
 * Which time places a replication job in a bucket: a job counts once finished (status
 * completed, failed or cancelled, with a completed_at), in the bucket of its completed_at.
 * Running and pending jobs are never counted.
 */
export const JOB_BUCKET_RULE =
  'A job counts once finished (status completed, failed or cancelled, with a completed_at), in the bucket holding its completed_at; running and pending jobs are never counted.';

/** Percentiles from the rollups' histograms are within this relative error of the exact ones. */
export const TREND_PERCENTILE_RELATIVE_ERROR = 0.01;

/** Buckets one trends request may span: ask for a coarser interval beyond it. */
export const MAX_TREND_BUCKETS = 5000;

/** An interval: a whole number of ms, s, m, h, d or w (`15m`, `1h`, `1d`), or plain milliseconds. */
export const TREND_INTERVAL_PATTERN = '^[1-9][0-9]{0,11}(ms|s|m|h|d|w)?$';

const filterText = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 255, description }));

export const MigrationTrendsQuery = Type.Object(
  {
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
    vcenter: filterText('v_center_host equals'),
    datacenter: filterText('datacenter equals'),
    vm: filterText('source_vm_name equals (read from the raw table: VMs are not a rollup dimension)'),
    replication_type: filterText('replication_type equals (initial, incremental)'),
    vm_group: filterText('vm_group_id equals'),
  },
  { additionalProperties: false },
);
export type MigrationTrendsQuery = Static<typeof MigrationTrendsQuery>;

export const MigrationTrendBucket = Type.Object({
  time: Timestamp,
  total: Type.Integer({ description: 'Finished jobs: completed + failed + cancelled' }),
  completed: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
  bytes: Type.Number({ description: 'Sum of bytes_transferred' }),
  duration_p50_s: Nullable(Type.Number({ description: 'Median of completed_at − started_at, seconds' })),
  duration_p95_s: Nullable(Type.Number()),
  avg_throughput_bps: Nullable(
    Type.Number({
      description: 'Sum of transfer_speed_bps over the jobs that have one, divided by their count',
    }),
  ),
});
export type MigrationTrendBucket = Static<typeof MigrationTrendBucket>;

export const MigrationTrends = Type.Object({
  from: Timestamp,
  to: Timestamp,
  interval_ms: Type.Integer(),
  bucket_rule: Type.String(),
  percentile_relative_error: Type.Number(),
  /** Where the figures came from: rolled-up hours and raw time spans. */
  sources: Type.Object({
    rollup_hours: Type.Integer(),
    raw_ranges: Type.Array(Type.Object({ from: Timestamp, to: Timestamp })),
  }),
  data: Type.Array(MigrationTrendBucket),
});
export type MigrationTrends = Static<typeof MigrationTrends>;
