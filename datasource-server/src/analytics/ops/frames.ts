// CBT, volume and KPI figures as Grafana frames (layouts in the contracts' query-protocol): wide
// time series for trends, tables for breakdowns. Filters that did not narrow some rows become a
// frame notice, so a panel never shows them as filtered. Pure.
import type {
  AnalyticsSummary,
  CbtPerformance,
  CbtSummaryRow,
  CbtTrendBucket,
  CloudstackJobRow,
  Kpi,
  VolumeOperationRow,
  VolumePerformance,
  VolumeTrendBucket,
  WireFrame,
} from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

type Unit = 'none' | 'percentunit' | 's' | 'decbytes' | 'Bps';

function column<Row>(name: keyof Row & string, displayName: string, unit?: Unit): Column<Row> {
  const first = name === 'time' ? 'time' : undefined;
  return {
    name,
    type: first ?? 'number',
    value: first ? (r) => Date.parse(String(r[name])) : (r) => r[name],
    config: { displayName, ...(unit ? { unit } : {}) },
  };
}
const text = <Row>(name: keyof Row & string, displayName: string): Column<Row> => ({
  name,
  type: 'string',
  value: (r) => r[name],
  config: { displayName },
});

const durationColumns = <Row extends { duration_p50_s: number | null }>(): Column<Row>[] => [
  column<Row>('duration_avg_s' as keyof Row & string, 'Avg duration', 's'),
  column<Row>('duration_p50_s' as keyof Row & string, 'Duration p50', 's'),
  column<Row>('duration_p95_s' as keyof Row & string, 'Duration p95', 's'),
  column<Row>('duration_p99_s' as keyof Row & string, 'Duration p99', 's'),
];

const CBT_TREND: Column<CbtTrendBucket>[] = [
  column('time', 'Time'),
  column('syncs', 'Syncs'),
  column('successful', 'Successful'),
  column('failed', 'Failed'),
  column('success_rate', 'Success rate', 'percentunit'),
  column('full_syncs', 'Full syncs'),
  column('incremental_syncs', 'Incremental syncs'),
  column('bytes', 'Bytes', 'decbytes'),
  column('full_bytes', 'Full bytes', 'decbytes'),
  column('incremental_bytes', 'Incremental bytes', 'decbytes'),
  column('change_rate_bytes_per_hour', 'Change rate per hour', 'decbytes'),
  column('duration_p50_s', 'Duration p50', 's'),
  column('duration_p95_s', 'Duration p95', 's'),
];

const CBT_SUMMARY: Column<CbtSummaryRow>[] = [
  text('sync_type', 'Sync type'),
  column('syncs', 'Syncs'),
  column('successful', 'Successful'),
  column('failed', 'Failed'),
  column('success_rate', 'Success rate', 'percentunit'),
  column('bytes', 'Bytes', 'decbytes'),
  column('blocks_changed', 'Blocks changed'),
  column('avg_bytes', 'Avg bytes', 'decbytes'),
  column('change_rate_bytes_per_hour', 'Change rate per hour', 'decbytes'),
  ...durationColumns<CbtSummaryRow>(),
];

const outcomeColumns = <Row extends { failure_rate: number | null }>(): Column<Row>[] => [
  column<Row>('completed' as keyof Row & string, 'Completed'),
  column<Row>('failed' as keyof Row & string, 'Failed'),
  column<Row>('cancelled' as keyof Row & string, 'Cancelled'),
  column<Row>('failure_rate', 'Failure rate', 'percentunit'),
];

const VOLUME_OPERATIONS: Column<VolumeOperationRow>[] = [
  text('operation_type', 'Operation'),
  column('operations', 'Operations'),
  ...outcomeColumns<VolumeOperationRow>(),
  ...durationColumns<VolumeOperationRow>(),
];

const CLOUDSTACK_JOBS: Column<CloudstackJobRow>[] = [
  text('operation', 'Operation'),
  column('jobs', 'Jobs'),
  ...outcomeColumns<CloudstackJobRow>(),
  ...durationColumns<CloudstackJobRow>(),
];

const VOLUME_TREND: Column<VolumeTrendBucket>[] = [
  column('time', 'Time'),
  column('operations', 'Operations'),
  ...outcomeColumns<VolumeTrendBucket>(),
  column('duration_p50_s', 'Duration p50', 's'),
  column('duration_p95_s', 'Duration p95', 's'),
  column('cloudstack_jobs', 'CloudStack jobs'),
  column('cloudstack_failed', 'CloudStack failed'),
  column('cloudstack_failure_rate', 'CloudStack failure rate', 'percentunit'),
];

const KPIS: Column<Kpi>[] = [
  text('kpi', 'KPI'),
  text('label', 'Label'),
  text('unit', 'Unit'),
  column('value', 'Value'),
  column('previous', 'Previous period'),
  column('change', 'Change'),
  column('change_ratio', 'Change ratio', 'percentunit'),
  text('note', 'Note'),
];

function notices(what: string, names: readonly string[]) {
  return names.length
    ? [
        {
          severity: 'warning',
          text: `${what} are not narrowed by ${names.join(', ')}: they carry no such value`,
        },
      ]
    : [];
}

type CbtFigures = Pick<
  CbtPerformance,
  'interval_ms' | 'bucket_rule' | 'filters_not_applied' | 'trend' | 'summary'
>;
type VolumeFigures = Pick<
  VolumePerformance,
  | 'interval_ms'
  | 'bucket_rules'
  | 'cloudstack_source'
  | 'filters_not_applied'
  | 'operations'
  | 'trend'
  | 'cloudstack'
>;

export function cbtFrames(refId: string, view: 'trend' | 'summary', cbt: CbtFigures): WireFrame[] {
  const meta = {
    custom: { interval_ms: cbt.interval_ms, bucket_rule: cbt.bucket_rule },
    notices: notices('CBT syncs', cbt.filters_not_applied),
  };
  return view === 'trend'
    ? [toFrame('cbt_trend', refId, CBT_TREND, cbt.trend ?? [], { type: 'timeseries-wide', ...meta })]
    : [toFrame('cbt_summary', refId, CBT_SUMMARY, cbt.summary ?? [], meta)];
}

export function volumeFrames(
  refId: string,
  view: 'operations' | 'trend' | 'cloudstack',
  volume: VolumeFigures,
): WireFrame[] {
  const volumeNotices = notices('Volume operations', volume.filters_not_applied.volume_operations);
  const cloudstackNotices = notices('CloudStack jobs', volume.filters_not_applied.cloudstack_jobs);
  const custom = {
    interval_ms: volume.interval_ms,
    bucket_rules: volume.bucket_rules,
    cloudstack_source: volume.cloudstack_source,
  };
  switch (view) {
    case 'operations':
      return [
        toFrame('volume_operations', refId, VOLUME_OPERATIONS, volume.operations ?? [], {
          custom,
          notices: volumeNotices,
        }),
      ];
    case 'cloudstack':
      return [
        toFrame('cloudstack_jobs', refId, CLOUDSTACK_JOBS, volume.cloudstack ?? [], {
          custom,
          notices: cloudstackNotices,
        }),
      ];
    case 'trend':
      return [
        toFrame('volume_trend', refId, VOLUME_TREND, volume.trend ?? [], {
          type: 'timeseries-wide',
          custom,
          notices: [...volumeNotices, ...cloudstackNotices],
        }),
      ];
  }
}

export function summaryFrame(
  refId: string,
  summary: Pick<AnalyticsSummary, 'data' | 'previous_from' | 'previous_to'>,
): WireFrame {
  return toFrame('analytics_summary', refId, KPIS, summary.data, {
    custom: { previous_from: summary.previous_from, previous_to: summary.previous_to },
  });
}
