// Migration trends as a Grafana wide time-series frame (layout in the contracts' query-protocol). Pure.
import {
  JOB_BUCKET_RULE,
  type MigrationTrendBucket,
  type MigrationTrends,
  type WireFrame,
} from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

const count = (name: keyof MigrationTrendBucket, displayName: string): Column<MigrationTrendBucket> => ({
  name,
  type: 'number',
  value: (b) => b[name],
  config: { displayName },
});

const COLUMNS: Column<MigrationTrendBucket>[] = [
  { name: 'time', type: 'time', value: (b) => Date.parse(b.time) },
  count('total', 'Finished'),
  count('completed', 'Completed'),
  count('failed', 'Failed'),
  count('cancelled', 'Cancelled'),
  {
    name: 'bytes',
    type: 'number',
    value: (b) => b.bytes,
    config: { displayName: 'Bytes', unit: 'decbytes' },
  },
  {
    name: 'duration_p50_s',
    type: 'number',
    value: (b) => b.duration_p50_s,
    config: { displayName: 'Duration p50', unit: 's' },
  },
  {
    name: 'duration_p95_s',
    type: 'number',
    value: (b) => b.duration_p95_s,
    config: { displayName: 'Duration p95', unit: 's' },
  },
  {
    name: 'avg_throughput_bps',
    type: 'number',
    value: (b) => b.avg_throughput_bps,
    config: { displayName: 'Avg throughput', unit: 'Bps' },
  },
];

export function migrationTrendsFrame(
  refId: string,
  trends: Pick<MigrationTrends, 'data' | 'interval_ms'>,
): WireFrame {
  return toFrame('migration_trends', refId, COLUMNS, trends.data, {
    type: 'timeseries-wide',
    custom: { interval_ms: trends.interval_ms, bucket_rule: JOB_BUCKET_RULE },
  });
}
