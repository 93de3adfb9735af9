import { LoadingState } from '@grafana/data';

import { QUERY_TYPE_LABELS } from '../../../datasource/types';
import { HOUR, T0, predictionsFrame, trendsFrame } from '../test-utils/frames';
import { DEFAULT_OPTIONS } from '../types';
import { PREDICTIONS_QUERY_LABEL, TRENDS_QUERY_LABEL, trendsView } from './view';

const range = { from: T0, to: T0 + 4 * HOUR };
const buckets = trendsFrame([
  { completed: 2, failed: 1 },
  { completed: 3, failed: 0 },
  { completed: 1, failed: 1 },
  { completed: 0, failed: 0 },
]);

test('the queries are named by their editor labels', () => {
  expect(TRENDS_QUERY_LABEL).toBe(QUERY_TYPE_LABELS.migrationTrends);
  expect(PREDICTIONS_QUERY_LABEL).toBe(QUERY_TYPE_LABELS.predictions);
});

test('without a trends frame: says which query to add', () => {
  const view = trendsView({ series: [], ...range }, DEFAULT_OPTIONS);
  expect(view).toMatchObject({ kind: 'message', error: false });
  expect(view.kind === 'message' && view.message).toContain('"Migration trends" query');
});

test('while the first answer is loading: loading, not "no data"', () => {
  expect(trendsView({ series: [], state: LoadingState.Loading, ...range }, DEFAULT_OPTIONS)).toEqual({
    kind: 'loading',
  });
});

test('a failed query: an error naming the query and the server’s message', () => {
  const view = trendsView(
    { series: [], errors: [{ refId: 'A', message: 'interval too small: 90000 buckets' }], ...range },
    DEFAULT_OPTIONS,
  );
  expect(view).toMatchObject({ kind: 'message', error: true });
  expect(view.kind === 'message' && view.message).toContain('query A: interval too small');
  // With the panel's queries known, the failed one is named by its type.
  const named = trendsView(
    {
      series: [],
      errors: [{ refId: 'A', message: 'refused' }],
      queryLabels: { A: 'Migration trends' },
      ...range,
    },
    DEFAULT_OPTIONS,
  );
  expect(named.kind === 'message' && named.message).toBe(
    'The migration trends could not be loaded ("Migration trends" query A: refused).',
  );
});

test('no job finished in the range: a no-data message, not an empty chart', () => {
  const empty = trendsFrame([{ completed: 0, failed: 0 }]);
  const view = trendsView({ series: [empty], ...range }, { ...DEFAULT_OPTIONS, showForecast: false });
  expect(view).toMatchObject({
    kind: 'message',
    error: false,
    message: expect.stringMatching(/No replication job/),
  });
  expect(trendsView({ series: [trendsFrame([])], ...range }, DEFAULT_OPTIONS).kind).toBe('message');
});

test('trends without predictions: the chart, and a notice naming the predictions query', () => {
  const view = trendsView({ series: [buckets], ...range }, DEFAULT_OPTIONS);
  expect(view.kind).toBe('chart');
  if (view.kind !== 'chart') return;
  expect(view.frames).toHaveLength(1);
  expect([view.from, view.to]).toEqual([range.from, range.to]);
  expect(view.notices).toEqual([expect.stringContaining('"Sync predictions" query')]);
  // Switched off: no notice.
  const off = trendsView({ series: [buckets], ...range }, { ...DEFAULT_OPTIONS, showForecast: false });
  expect(off.kind === 'chart' && off.notices).toEqual([]);
});

test('with predictions: a forecast frame, and the x axis extended to where the band ends', () => {
  const predictions = predictionsFrame(
    [
      { vm_name: 'a', predicted_seconds: 3600, p10_seconds: 1800, p90_seconds: 5400 },
      { vm_name: 'b', predicted_seconds: 3600, p10_seconds: 1800, p90_seconds: 5400 },
      { vm_name: 'c', status: 'completed', predicted_seconds: 60 },
    ],
    { vms: 2, concurrency: 2, seconds: 3600, p10_seconds: 1800, p90_seconds: 5400 },
  );
  const view = trendsView({ series: [buckets, predictions], ...range }, DEFAULT_OPTIONS);
  expect(view.kind).toBe('chart');
  if (view.kind !== 'chart') return;
  expect(view.frames.map((f) => f.name)).toEqual(['migration_trends', 'forecast']);
  const [time, expected, high, low] = view.frames[1].fields.map((f) => f.values as number[]);
  // From the last bucket (T0+3h, before now = T0+4h) with both open VMs, until both slots are
  // done at p90 (1.5 h after now), in steps no wider than a bucket.
  expect(time[0]).toBe(T0 + 3 * HOUR);
  expect(expected[0]).toBe(2);
  const last = time.length - 1;
  expect(time[last]).toBeGreaterThanOrEqual(T0 + 5.5 * HOUR);
  expect(time[last - 1]).toBeLessThan(T0 + 5.5 * HOUR);
  expect([expected[last], high[last], low[last]]).toEqual([0, 0, 0]);
  // Two VMs on two slots finish together: at 1 h expected, at 0.5 h at p10, at 1.5 h at p90.
  const at = (h: number) => time.findIndex((t) => t >= T0 + 4 * HOUR + h * HOUR);
  expect([expected[at(0.9)], low[at(0.9)], high[at(0.9)]]).toEqual([2, 0, 2]);
  expect([expected[at(1.1)], low[at(1.1)], high[at(1.1)]]).toEqual([0, 0, 2]);
  expect(view.to).toBe(time[last]);
  expect(view.notices).toEqual([]);
});

test('a window shorter than the finish: the notice says when it is expected', () => {
  const predictions = predictionsFrame([{ vm_name: 'a', predicted_seconds: 10 * 24 * 3600 }], {
    concurrency: 1,
  });
  const view = trendsView({ series: [buckets, predictions], ...range }, DEFAULT_OPTIONS);
  expect(view.kind === 'chart' && view.notices).toEqual([
    'Forecast: 1 VMs remaining, expected to finish in 10 days (beyond the chart).',
  ]);
  expect(view.kind === 'chart' && view.to).toBe(range.to + 0.5 * (range.to - range.from));
});

test('every VM migrated, or a failed predictions query beside good trends: said under the chart', () => {
  const done = predictionsFrame([{ vm_name: 'a', status: 'failed_over_live', predicted_seconds: 5 }]);
  const view = trendsView(
    { series: [buckets, done], errors: [{ refId: 'B', message: 'unknown vm' }], ...range },
    DEFAULT_OPTIONS,
  );
  expect(view.kind === 'chart' && view.notices).toEqual([
    'Failed: query B: unknown vm',
    'Forecast: every VM is migrated, nothing remains.',
  ]);
});

test('a narrow panel draws only the bars’ and the success rate’s axes', () => {
  const axes = (width: number) => {
    const view = trendsView({ series: [buckets], ...range, width }, DEFAULT_OPTIONS);
    return view.kind === 'chart'
      ? view.frames[0].fields.map(
          (f) => (f.config.custom as { axisPlacement?: string } | undefined)?.axisPlacement,
        )
      : [];
  };
  expect(axes(1200)).toEqual([undefined, 'left', 'left', 'right', 'right', 'right']);
  expect(axes(400)).toEqual([undefined, 'left', 'left', 'right', 'hidden', 'hidden']);
});
