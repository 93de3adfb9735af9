// Success rates as a Grafana table (by vCenter, datacenter, …) or, by day, a wide time series. Pure.
import {
  JOB_BUCKET_RULE,
  type SuccessRateGroup,
  type SuccessRates,
  type WireFrame,
} from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

const OUTCOMES: Column<SuccessRateGroup>[] = [
  { name: 'total', type: 'number', value: (g) => g.total, config: { displayName: 'Finished' } },
  { name: 'completed', type: 'number', value: (g) => g.completed, config: { displayName: 'Completed' } },
  { name: 'failed', type: 'number', value: (g) => g.failed, config: { displayName: 'Failed' } },
  { name: 'cancelled', type: 'number', value: (g) => g.cancelled, config: { displayName: 'Cancelled' } },
  {
    name: 'success_rate',
    type: 'number',
    value: (g) => g.success_rate,
    config: { displayName: 'Success rate', unit: 'percentunit', min: 0, max: 1 },
  },
];

export function successRatesFrame(refId: string, rates: SuccessRates): WireFrame {
  const custom = { interval_ms: rates.interval_ms, group_by: rates.group_by, bucket_rule: JOB_BUCKET_RULE };
  if (rates.group_by === 'day') {
    return toFrame(
      'success_rates',
      refId,
      [{ name: 'time', type: 'time', value: (g) => Date.parse(g.group!) }, ...OUTCOMES],
      rates.groups,
      { type: 'timeseries-wide', custom },
    );
  }
  return toFrame(
    'success_rates',
    refId,
    [
      {
        name: 'group',
        type: 'string',
        value: (g) => g.group ?? '(none)',
        config: { displayName: rates.group_by },
      },
      ...OUTCOMES,
    ],
    rates.groups,
    { custom },
  );
}
