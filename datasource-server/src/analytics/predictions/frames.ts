// The `predictions` query's table frame. Pure.
import type { PredictionList, VmPrediction, WireFrame } from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

const columns: Column<VmPrediction>[] = [
  { name: 'vm_name', type: 'string', value: (r) => r.vm_name, config: { displayName: 'VM' } },
  { name: 'vcenter', type: 'string', value: (r) => r.vcenter, config: { displayName: 'vCenter' } },
  { name: 'datacenter', type: 'string', value: (r) => r.datacenter },
  { name: 'status', type: 'string', value: (r) => r.status },
  { name: 'sync_type', type: 'string', value: (r) => r.sync_type, config: { displayName: 'Next sync' } },
  {
    name: 'starts_at',
    type: 'time',
    value: (r) => Date.parse(r.starts_at),
    config: { displayName: 'Starts' },
  },
  {
    name: 'predicted_seconds',
    type: 'number',
    value: (r) => r.predicted_seconds,
    config: { displayName: 'Predicted', unit: 's' },
  },
  {
    name: 'p10_seconds',
    type: 'number',
    value: (r) => r.p10_seconds,
    config: { displayName: 'p10', unit: 's' },
  },
  {
    name: 'p90_seconds',
    type: 'number',
    value: (r) => r.p90_seconds,
    config: { displayName: 'p90', unit: 's' },
  },
  {
    name: 'bytes_expected',
    type: 'number',
    value: (r) => r.basis.bytes_expected,
    config: { displayName: 'Bytes expected', unit: 'bytes' },
  },
  {
    name: 'throughput_bps',
    type: 'number',
    value: (r) => r.basis.throughput_bytes_per_second,
    config: { displayName: 'Throughput', unit: 'Bps' },
  },
  {
    name: 'throughput_source',
    type: 'string',
    value: (r) => r.basis.throughput_source,
    config: { displayName: 'Throughput from' },
  },
];

export function predictionFrame(refId: string, list: PredictionList): WireFrame {
  return toFrame('predictions', refId, columns, list.data, {
    preferredVisualisationType: 'table',
    custom: { timeToFinish: list.time_to_finish },
  });
}
