import { MIGRATED_STATUSES as SERVER_MIGRATED } from '@oma-insights/contracts/analytics-predictions';

import { HOUR, T0 } from '../test-utils/frames';
import { MAX_FORECAST_POINTS, MIGRATED_STATUSES, finishTimes, forecastBand, isOpen } from './forecast';
import type { PredictedSync } from './trends';

const sync = (
  vm: string,
  seconds: number,
  p10 = seconds,
  p90 = seconds,
  status = 'replicating',
): PredictedSync => ({
  vm,
  status,
  seconds,
  p10,
  p90,
});

test('the migrated statuses are the server’s', () => {
  expect([...MIGRATED_STATUSES].sort()).toEqual([...SERVER_MIGRATED].sort());
  expect(isOpen(sync('a', 1, 1, 1, 'failed_over_live'))).toBe(false);
  expect(isOpen(sync('a', 1, 1, 1, 'ready_for_failover'))).toBe(true);
});

describe('finishTimes', () => {
  test('longest first onto the least busy slot, as the server’s makespan', () => {
    // LPT on two slots: 3|3, then 2 on each (5|5), then the last 2 on the first: 7 (not the optimal 6).
    expect(finishTimes([2, 3, 2, 2, 3], 2)).toEqual([3, 3, 5, 5, 7]);
  });

  test('one slot runs them back to back; more slots than jobs run them all at once', () => {
    expect(finishTimes([10, 30, 20], 1)).toEqual([30, 50, 60]);
    expect(finishTimes([10, 30, 20], 8)).toEqual([10, 20, 30]);
  });

  test('a slot count below one is one slot; negative durations count as zero', () => {
    expect(finishTimes([5, 5], 0)).toEqual([5, 10]);
    expect(finishTimes([-5, 5], 1)).toEqual([5, 5]);
    expect(finishTimes([], 3)).toEqual([]);
  });
});

describe('forecastBand', () => {
  const base = {
    nowMs: T0,
    startMs: T0,
    maxStepMs: HOUR,
    endMs: T0 + 24 * HOUR,
    concurrency: 1,
    points: 2,
  } as const;

  test('VMs remaining each hour: expected, and the p10–p90 band around it, until all are done', () => {
    // One slot: expected finishes at 1h, 2h, 3h; p10 schedule at 0.5h, 1h, 1.5h; p90 at 2h, 4h, 6h.
    const syncs = [sync('a', 3600, 1800, 7200), sync('b', 3600, 1800, 7200), sync('c', 3600, 1800, 7200)];
    const band = forecastBand(syncs, { ...base, measure: 'remaining' })!;
    expect(band.times).toEqual([0, 1, 2, 3, 4, 5, 6].map((h) => T0 + h * HOUR));
    expect(band.expected).toEqual([3, 2, 1, 0, 0, 0, 0]);
    expect(band.low).toEqual([3, 1, 0, 0, 0, 0, 0]);
    expect(band.high).toEqual([3, 3, 2, 2, 1, 1, 0]);
    expect(band.open).toBe(3);
    expect(band.finishSeconds).toEqual({ expected: 3 * 3600, p10: 3 * 1800, p90: 3 * 7200 });
  });

  test('completed is the mirror of remaining; migrated VMs are not forecast', () => {
    const syncs = [sync('a', 3600), sync('b', 7200), sync('done', 100, 100, 100, 'completed')];
    const band = forecastBand(syncs, { ...base, concurrency: 2, measure: 'completed' })!;
    expect(band.open).toBe(2);
    expect(band.expected).toEqual([0, 1, 2]);
    expect(band.low).toEqual(band.expected);
    expect(band.high).toEqual(band.expected);
  });

  test('points before now hold every open VM; nothing is drawn after the window', () => {
    const syncs = [sync('a', 100 * 3600)];
    const band = forecastBand(syncs, {
      ...base,
      nowMs: T0 + 30 * 60_000,
      endMs: T0 + 5 * HOUR,
      measure: 'remaining',
    })!;
    expect(band.times).toHaveLength(6);
    expect(band.expected.every((v) => v === 1)).toBe(true);
    expect(band.times[band.times.length - 1]).toBe(T0 + 5 * HOUR);
  });

  test('a band ending within a bucket is drawn with about `points` points, not one step', () => {
    // Both done by 2h at p90; buckets a day wide.
    const syncs = [sync('a', 3600, 1800, 7200)];
    const band = forecastBand(syncs, {
      ...base,
      maxStepMs: 24 * HOUR,
      endMs: T0 + 48 * HOUR,
      points: 4,
      measure: 'remaining',
    })!;
    expect(band.times).toEqual([0, 0.5, 1, 1.5, 2].map((h) => T0 + h * HOUR));
    expect(band.expected).toEqual([1, 1, 0, 0, 0]);
    expect(band.low).toEqual([1, 0, 0, 0, 0]);
    expect(band.high).toEqual([1, 1, 1, 1, 0]);
  });

  test('narrow buckets and a long finish: at most MAX_FORECAST_POINTS points', () => {
    const band = forecastBand([sync('a', 1e9)], {
      ...base,
      maxStepMs: 1000,
      endMs: T0 + 1e10,
      points: 100,
      measure: 'remaining',
    })!;
    expect(band.times.length).toBeGreaterThan(100);
    expect(band.times.length).toBeLessThanOrEqual(MAX_FORECAST_POINTS + 1);
    expect(band.times[band.times.length - 1]).toBeLessThanOrEqual(T0 + 1e10);
  });

  test('nothing open, no spacing or an empty window: no band', () => {
    expect(
      forecastBand([sync('a', 1, 1, 1, 'completed')], { ...base, measure: 'remaining' }),
    ).toBeUndefined();
    expect(forecastBand([sync('a', 1)], { ...base, maxStepMs: 0, measure: 'remaining' })).toBeUndefined();
    expect(forecastBand([sync('a', 1)], { ...base, endMs: T0, measure: 'remaining' })).toBeUndefined();
  });
});
