import { FieldType, type DataFrame } from '@grafana/data';
import {
  AxisPlacement,
  GraphDrawStyle,
  GraphThresholdsStyleMode,
  StackingMode,
  type GraphFieldConfig,
} from '@grafana/schema';

import { HOUR, T0, trendsFrame } from '../test-utils/frames';
import { DEFAULT_OPTIONS, type TrendsOptions } from '../types';
import { forecastBand } from './forecast';
import {
  PLOT_FIELDS,
  forecastPlotFrame,
  forecastStart,
  hideSecondaryAxes,
  trendsPlotFrame,
} from './plot-frames';
import { readTrends } from './trends';

const trends = readTrends([
  trendsFrame([
    {
      completed: 4,
      failed: 1,
      cancelled: 1,
      duration_p50_s: 60,
      duration_p95_s: 90,
      avg_throughput_bps: 1e6,
    },
    { completed: 0, failed: 2 },
  ]),
])!;
const names = (frame: DataFrame) => frame.fields.map((f) => f.name);
const custom = (frame: DataFrame, name: string) =>
  frame.fields.find((f) => f.name === name)!.config.custom as GraphFieldConfig;
const opts = (o: Partial<TrendsOptions> = {}) => ({ ...DEFAULT_OPTIONS, ...o });

describe('trendsPlotFrame', () => {
  test('by default: stacked completed/failed bars, success rate and duration lines', () => {
    const frame = trendsPlotFrame(trends, opts());
    expect(names(frame)).toEqual([
      'time',
      'completed',
      'failed',
      'success_rate',
      'duration_p50_s',
      'duration_p95_s',
    ]);
    expect(frame.fields[0].type).toBe(FieldType.time);
    expect(frame.fields[0].config.interval).toBe(HOUR);
    for (const bar of ['completed', 'failed']) {
      expect(custom(frame, bar).drawStyle).toBe(GraphDrawStyle.Bars);
      expect(custom(frame, bar).stacking).toEqual({ mode: StackingMode.Normal, group: 'outcomes' });
    }
    expect(custom(frame, 'success_rate').drawStyle).toBe(GraphDrawStyle.Line);
    expect(frame.fields.find((f) => f.name === 'success_rate')!.values).toEqual([4 / 6, 0]);
    expect(custom(frame, 'duration_p95_s').lineStyle?.fill).toBe('dash');
  });

  test('the lines sit on axes of their own: units and labels differ from the bars', () => {
    const frame = trendsPlotFrame(trends, opts());
    const axis = (name: string) => {
      const f = frame.fields.find((x) => x.name === name)!;
      return `${f.config.unit}/${(f.config.custom as GraphFieldConfig).axisLabel}`;
    };
    expect(new Set([axis('completed'), axis('success_rate'), axis('duration_p50_s')]).size).toBe(3);
    expect(axis('duration_p50_s')).toBe(axis('duration_p95_s'));
  });

  test('cancelled bars, throughput instead of duration, percent stacking, no success rate', () => {
    const frame = trendsPlotFrame(
      trends,
      opts({ showCancelled: true, lineMetric: 'throughput', stacking: 'percent', showSuccessRate: false }),
    );
    expect(names(frame)).toEqual(['time', 'completed', 'failed', 'cancelled', PLOT_FIELDS.throughput]);
    expect(custom(frame, 'cancelled').stacking?.mode).toBe(StackingMode.Percent);
    expect(frame.fields.find((f) => f.name === PLOT_FIELDS.throughput)!.config.unit).toBe('Bps');
    expect(names(trendsPlotFrame(trends, opts({ lineMetric: 'none', showSuccessRate: false })))).toEqual([
      'time',
      'completed',
      'failed',
    ]);
  });

  test('the success-rate target is a threshold at target/100 in the chosen style', () => {
    const frame = trendsPlotFrame(trends, opts({ successTarget: 90, targetStyle: 'area' }));
    const rate = frame.fields.find((f) => f.name === 'success_rate')!;
    expect(rate.config.thresholds?.steps.map((s) => s.value)).toEqual([-Infinity, 0.9]);
    expect((rate.config.custom as GraphFieldConfig).thresholdsStyle?.mode).toBe(
      GraphThresholdsStyleMode.Area,
    );
    expect(rate.config.unit).toBe('percentunit');
    expect([rate.config.min, rate.config.max]).toEqual([0, 1]);
  });
});

describe('forecastPlotFrame', () => {
  const band = forecastBand(
    [
      { vm: 'a', status: 'replicating', seconds: 3600, p10: 1800, p90: 7200 },
      { vm: 'b', status: 'replicating', seconds: 3600, p10: 1800, p90: 7200 },
    ],
    { nowMs: T0, startMs: T0, maxStepMs: HOUR, endMs: T0 + 10 * HOUR, concurrency: 1, measure: 'remaining' },
  )!;

  test('the expected line and the band: p90 filled down to p10, bounds kept out of the legend', () => {
    const frame = forecastPlotFrame(band, opts());
    expect(names(frame)).toEqual([
      'time',
      PLOT_FIELDS.forecast,
      PLOT_FIELDS.forecastHigh,
      PLOT_FIELDS.forecastLow,
    ]);
    expect(frame.fields[1].values).toEqual(band.expected);
    expect(frame.fields[2].values).toEqual(band.high);
    expect(frame.fields[3].values).toEqual(band.low);
    const high = custom(frame, PLOT_FIELDS.forecastHigh);
    expect(high.fillBelowTo).toBe(frame.fields[3].config.displayName);
    expect(high.hideFrom?.legend).toBe(true);
    expect(custom(frame, PLOT_FIELDS.forecast).hideFrom).toBeUndefined();
    expect(frame.fields[1].config.displayName).toMatch(/remaining/);
  });

  test('its axis is not the bars’ (hundreds of VMs would flatten a few jobs an hour)', () => {
    const forecast = forecastPlotFrame(band, opts()).fields[1];
    const bars = trendsPlotFrame(trends, opts()).fields[1];
    expect((forecast.config.custom as GraphFieldConfig).axisLabel).not.toBe(
      (bars.config.custom as GraphFieldConfig).axisLabel,
    );
  });
});

test('forecastStart: the last bucket at or before now, else now', () => {
  expect(forecastStart(trends, T0 + HOUR + 5)).toBe(T0 + HOUR);
  expect(forecastStart(trends, T0 + 30 * 60_000)).toBe(T0);
  expect(forecastStart(trends, T0 - 1)).toBe(T0 - 1);
});

test('hideSecondaryAxes: only the bars’ and the success rate’s axes stay', () => {
  const frame = hideSecondaryAxes(trendsPlotFrame(trends, opts()));
  const placement = (name: string) => custom(frame, name).axisPlacement;
  expect(placement('completed')).toBe(AxisPlacement.Left);
  expect(placement('success_rate')).toBe(AxisPlacement.Right);
  expect(placement('duration_p50_s')).toBe(AxisPlacement.Hidden);
  expect(placement('duration_p95_s')).toBe(AxisPlacement.Hidden);
});
