// Performance views as Grafana frames: tables for vms, datastores and slowest, a wide time series
// for load (its meta names each figure's source). Pure.
import {
  LOAD_METRICS,
  type LoadPoint,
  type PerformanceGroupRow,
  type PerformanceMetrics,
  type SlowJobRow,
  type WireFrame,
} from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

const GROUP_COLUMNS = (keyName: string): Column<PerformanceGroupRow>[] => [
  { name: 'key', type: 'string', value: (r) => r.key, config: { displayName: keyName } },
  { name: 'jobs', type: 'number', value: (r) => r.jobs, config: { displayName: 'Jobs' } },
  { name: 'completed', type: 'number', value: (r) => r.completed, config: { displayName: 'Completed' } },
  { name: 'failed', type: 'number', value: (r) => r.failed, config: { displayName: 'Failed' } },
  {
    name: 'bytes',
    type: 'number',
    value: (r) => r.bytes,
    config: { displayName: 'Bytes', unit: 'decbytes' },
  },
  {
    name: 'avg_throughput_bps',
    type: 'number',
    value: (r) => r.avg_throughput_bps,
    config: { displayName: 'Avg throughput', unit: 'Bps' },
  },
  {
    name: 'avg_duration_s',
    type: 'number',
    value: (r) => r.avg_duration_s,
    config: { displayName: 'Avg duration', unit: 's' },
  },
  {
    name: 'max_duration_s',
    type: 'number',
    value: (r) => r.max_duration_s,
    config: { displayName: 'Max duration', unit: 's' },
  },
  {
    name: 'throughput_trend_percent',
    type: 'number',
    value: (r) => r.throughput_trend_percent,
    config: { displayName: 'Throughput trend', unit: 'percent' },
  },
  {
    name: 'duration_trend_percent',
    type: 'number',
    value: (r) => r.duration_trend_percent,
    config: { displayName: 'Duration trend', unit: 'percent' },
  },
];

const SLOWEST_COLUMNS: Column<SlowJobRow>[] = [
  { name: 'job_id', type: 'string', value: (r) => r.job_id },
  { name: 'vm_name', type: 'string', value: (r) => r.vm_name, config: { displayName: 'VM' } },
  { name: 'datastore', type: 'string', value: (r) => r.datastore, config: { displayName: 'Datastore' } },
  {
    name: 'replication_type',
    type: 'string',
    value: (r) => r.replication_type,
    config: { displayName: 'Type' },
  },
  { name: 'status', type: 'string', value: (r) => r.status },
  {
    name: 'completed_at',
    type: 'time',
    value: (r) => Date.parse(r.completed_at),
    config: { displayName: 'Completed' },
  },
  {
    name: 'duration_s',
    type: 'number',
    value: (r) => r.duration_s,
    config: { displayName: 'Duration', unit: 's' },
  },
  {
    name: 'bytes',
    type: 'number',
    value: (r) => r.bytes,
    config: { displayName: 'Bytes', unit: 'decbytes' },
  },
  {
    name: 'throughput_bps',
    type: 'number',
    value: (r) => r.throughput_bps,
    config: { displayName: 'Throughput', unit: 'Bps' },
  },
];

const LOAD_COLUMNS: Column<LoadPoint>[] = [
  { name: 'time', type: 'time', value: (p) => Date.parse(p.time) },
  { name: 'jobs', type: 'number', value: (p) => p.jobs, config: { displayName: 'Jobs' } },
  {
    name: 'jobs_with_vma_load',
    type: 'number',
    value: (p) => p.jobs_with_vma_load,
    config: { displayName: 'Jobs with VMA load' },
  },
  {
    name: 'jobs_with_server_samples',
    type: 'number',
    value: (p) => p.jobs_with_server_samples,
    config: { displayName: 'Jobs with server samples' },
  },
  ...LOAD_METRICS.flatMap((m): Column<LoadPoint>[] => [
    {
      name: m.name,
      type: 'number',
      value: (p) => p[m.name],
      config: { displayName: `${m.name.replace(/_/g, ' ')} (${m.source})`, unit: m.unit },
    },
    {
      name: `${m.name}_max`,
      type: 'number',
      value: (p) => p[`${m.name}_max`],
      config: { displayName: `${m.name.replace(/_/g, ' ')} max (${m.source})`, unit: m.unit },
    },
  ]),
];

export function performanceFrame(refId: string, metrics: PerformanceMetrics): WireFrame {
  const custom = { view: metrics.view, interval_ms: metrics.interval_ms };
  switch (metrics.view) {
    case 'vms':
      return toFrame('performance_vms', refId, GROUP_COLUMNS('VM'), metrics.groups ?? [], { custom });
    case 'datastores':
      return toFrame('performance_datastores', refId, GROUP_COLUMNS('Datastore'), metrics.groups ?? [], {
        custom,
      });
    case 'slowest':
      return toFrame('performance_slowest', refId, SLOWEST_COLUMNS, metrics.slowest ?? [], { custom });
    case 'load':
      return toFrame('performance_load', refId, LOAD_COLUMNS, metrics.load ?? [], {
        type: 'timeseries-wide',
        custom: { ...custom, sources: metrics.sources },
      });
  }
}
