// Health samples as a Grafana wide time-series frame: per figure its bucket mean and `<name>_max`. Pure.
import {
  HEALTH_METRICS,
  HEALTH_METRIC_UNITS,
  type SystemHealthPoint,
  type SystemHealthSeries,
  type WireFrame,
} from '@oma-insights/contracts';
import { toFrame, type Column } from '../grafana/frames';

const label = (metric: string) => metric.replace(/_/g, ' ');

const COLUMNS: Column<SystemHealthPoint>[] = [
  { name: 'time', type: 'time', value: (p) => Date.parse(p.time) },
  { name: 'samples', type: 'number', value: (p) => p.samples, config: { displayName: 'Samples' } },
  { name: 'degraded', type: 'number', value: (p) => p.degraded, config: { displayName: 'Degraded samples' } },
  ...HEALTH_METRICS.flatMap((m): Column<SystemHealthPoint>[] => [
    {
      name: m,
      type: 'number',
      value: (p) => p[m],
      config: { displayName: label(m), unit: HEALTH_METRIC_UNITS[m] },
    },
    {
      name: `${m}_max`,
      type: 'number',
      value: (p) => p[`${m}_max`],
      config: { displayName: `${label(m)} (max)`, unit: HEALTH_METRIC_UNITS[m] },
    },
  ]),
];

export function systemHealthFrame(
  refId: string,
  series: Pick<SystemHealthSeries, 'data' | 'interval_ms'> & { sample_interval_ms: number | null },
): WireFrame {
  return toFrame('system_health', refId, COLUMNS, series.data, {
    type: 'timeseries-wide',
    custom: { interval_ms: series.interval_ms, sample_interval_ms: series.sample_interval_ms },
  });
}
