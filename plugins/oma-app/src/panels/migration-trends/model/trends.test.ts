import { FieldType, createDataFrame } from '@grafana/data';

import { HOUR, T0, predictionsFrame, trendsFrame } from '../test-utils/frames';
import { findTrendsFrame, readPredictions, readTrends, successRate } from './trends';

describe('successRate', () => {
  test('completed over finished, null without finished jobs', () => {
    expect(successRate(3, 4)).toBe(0.75);
    expect(successRate(0, 5)).toBe(0);
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(null, 3)).toBeNull();
    expect(successRate(2, null)).toBeNull();
  });
});

describe('readTrends', () => {
  test('one value per bucket, with the success rate over completed + failed + cancelled', () => {
    const trends = readTrends([
      trendsFrame([
        { completed: 3, failed: 1, duration_p50_s: 600, duration_p95_s: 1200 },
        { completed: 0, failed: 0 },
        { completed: 2, failed: 1, cancelled: 1, avg_throughput_bps: 5e7 },
      ]),
    ])!;
    expect(trends.times).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    expect(trends.values.completed).toEqual([3, 0, 2]);
    expect(trends.values.total).toEqual([4, 0, 4]);
    expect(trends.successRate).toEqual([0.75, null, 0.5]);
    expect(trends.values.duration_p50_s).toEqual([600, null, null]);
    expect(trends.values.avg_throughput_bps).toEqual([null, null, 5e7]);
    expect(trends.intervalMs).toBe(HOUR);
  });

  test('rows out of order are sorted by time; the interval falls back to the smallest gap', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [T0 + 4 * HOUR, T0, T0 + 2 * HOUR] },
        { name: 'completed', type: FieldType.number, values: [5, 1, 3] },
        { name: 'failed', type: FieldType.number, values: [0, 1, 1] },
      ],
    });
    const trends = readTrends([frame])!;
    expect(trends.times).toEqual([T0, T0 + 2 * HOUR, T0 + 4 * HOUR]);
    expect(trends.values.completed).toEqual([1, 3, 5]);
    // No `total` column: the outcomes add up to it.
    expect(trends.values.total).toEqual([2, 4, 5]);
    expect(trends.intervalMs).toBe(2 * HOUR);
  });

  test('no trends frame among other frames: undefined', () => {
    const other = createDataFrame({
      name: 'jobs',
      fields: [{ name: 'completed', type: FieldType.number, values: [1] }],
    });
    expect(findTrendsFrame([other])).toBeUndefined();
    expect(readTrends([other, predictionsFrame([{ vm_name: 'a', predicted_seconds: 1 }])])).toBeUndefined();
    expect(readTrends([])).toBeUndefined();
  });

  test('non-numeric values read as null', () => {
    const frame = trendsFrame([{ completed: 1, failed: 0 }]);
    frame.fields.find((f) => f.name === 'duration_p50_s')!.values[0] = 'n/a';
    expect(readTrends([frame])!.values.duration_p50_s).toEqual([null]);
  });
});

describe('readPredictions', () => {
  test('each VM with its interval, and the time to finish from meta', () => {
    const p = readPredictions([
      trendsFrame([]),
      predictionsFrame(
        [
          {
            vm_name: 'web-1',
            status: 'replicating',
            predicted_seconds: 600,
            p10_seconds: 400,
            p90_seconds: 900,
          },
          { vm_name: 'db-1', status: 'completed', predicted_seconds: 300 },
        ],
        { vms: 1, concurrency: 4, seconds: 600, p10_seconds: 400, p90_seconds: 900 },
      ),
    ])!;
    expect(p.syncs).toEqual([
      { vm: 'web-1', status: 'replicating', seconds: 600, p10: 400, p90: 900 },
      { vm: 'db-1', status: 'completed', seconds: 300, p10: 300, p90: 300 },
    ]);
    expect(p.timeToFinish).toEqual({
      vms: 1,
      concurrency: 4,
      seconds: 600,
      p10_seconds: 400,
      p90_seconds: 900,
    });
  });

  test('an interval that does not hold the prediction is widened to it; rows without one are skipped', () => {
    const frame = predictionsFrame([
      { vm_name: 'a', predicted_seconds: 600, p10_seconds: 700, p90_seconds: 500 },
      { vm_name: 'b', predicted_seconds: 100 },
    ]);
    frame.fields.find((f) => f.name === 'predicted_seconds')!.values[1] = null;
    expect(readPredictions([frame])!.syncs).toEqual([
      { vm: 'a', status: 'replicating', seconds: 600, p10: 600, p90: 600 },
    ]);
  });

  test('a meta without a complete time to finish is ignored; no predictions frame is undefined', () => {
    const frame = predictionsFrame([{ vm_name: 'a', predicted_seconds: 1 }], undefined);
    frame.meta = { custom: { timeToFinish: { vms: 'many' } } };
    expect(readPredictions([frame])!.timeToFinish).toBeUndefined();
    expect(readPredictions([trendsFrame([{ completed: 1, failed: 0 }])])).toBeUndefined();
  });
});
