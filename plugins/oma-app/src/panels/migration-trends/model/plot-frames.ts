/**
 * The frames the panel hands to Grafana's time series plot: outcome bars, success-rate and
 * duration/throughput lines, the forecast line with its p10–p90 band, each field configured the
 * way a Time series panel's field config would be (draw style, stacking, axis, colour, thresholds).
 * Pure: the plot joins the frames on time and draws them.
 */
import { createDataFrame, FieldType, ThresholdsMode, type DataFrame, type FieldConfig } from '@grafana/data';
import {
  AxisPlacement,
  GraphDrawStyle,
  GraphGradientMode,
  GraphThresholdsStyleMode,
  LineInterpolation,
  StackingMode,
  VisibilityMode,
  type GraphFieldConfig,
} from '@grafana/schema';

import type { BarStacking, TargetStyle, TrendsOptions } from '../types';
import type { ForecastBand } from './forecast';
import type { Trends } from './trends';

/** Field names of the plotted frames (also what the tooltip and tests look up). */
export const PLOT_FIELDS = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  successRate: 'success_rate',
  p50: 'duration_p50_s',
  p95: 'duration_p95_s',
  throughput: 'avg_throughput_bps',
  forecast: 'forecast',
  forecastLow: 'forecast_p10',
  forecastHigh: 'forecast_p90',
} as const;

const STACKING: Record<BarStacking, StackingMode> = {
  normal: StackingMode.Normal,
  percent: StackingMode.Percent,
  none: StackingMode.None,
};

const TARGET_STYLE: Record<TargetStyle, GraphThresholdsStyleMode> = {
  line: GraphThresholdsStyleMode.Line,
  dashed: GraphThresholdsStyleMode.Dashed,
  area: GraphThresholdsStyleMode.Area,
  'line+area': GraphThresholdsStyleMode.LineAndArea,
  off: GraphThresholdsStyleMode.Off,
};

type Config = FieldConfig<GraphFieldConfig>;

const fixed = (color: string): Config['color'] => ({ mode: 'fixed', fixedColor: color });

function bar(displayName: string, color: string, options: TrendsOptions): Config {
  return {
    displayName,
    unit: 'short',
    decimals: 0,
    min: 0,
    color: fixed(color),
    custom: {
      drawStyle: GraphDrawStyle.Bars,
      fillOpacity: 80,
      lineWidth: 1,
      gradientMode: GraphGradientMode.None,
      barWidthFactor: options.barWidth,
      stacking: { mode: STACKING[options.stacking], group: 'outcomes' },
      axisPlacement: AxisPlacement.Left,
      axisLabel: options.stacking === 'percent' ? 'Share of finished jobs' : 'Finished jobs',
      showPoints: VisibilityMode.Never,
    },
  };
}

function line(displayName: string, unit: string, color: string, axisLabel: string, dashed = false): Config {
  return {
    displayName,
    unit,
    min: 0,
    color: fixed(color),
    custom: {
      drawStyle: GraphDrawStyle.Line,
      lineInterpolation: LineInterpolation.Linear,
      lineWidth: 2,
      lineStyle: dashed ? { fill: 'dash', dash: [10, 10] } : { fill: 'solid' },
      fillOpacity: 0,
      showPoints: VisibilityMode.Auto,
      pointSize: 4,
      spanNulls: false,
      axisPlacement: AxisPlacement.Right,
      axisLabel,
      stacking: { mode: StackingMode.None },
    },
  };
}

/** The history frame: one row per bucket, the fields the options ask for. */
export function trendsPlotFrame(trends: Trends, options: TrendsOptions): DataFrame {
  const { values } = trends;
  const fields: Array<{ name: string; values: Array<number | null>; config: Config }> = [
    {
      name: PLOT_FIELDS.completed,
      values: values.completed,
      config: bar('Completed', options.completedColor, options),
    },
    { name: PLOT_FIELDS.failed, values: values.failed, config: bar('Failed', options.failedColor, options) },
  ];
  if (options.showCancelled) {
    fields.push({
      name: PLOT_FIELDS.cancelled,
      values: values.cancelled,
      config: bar('Cancelled', options.cancelledColor, options),
    });
  }
  if (options.showSuccessRate) {
    const config = line('Success rate', 'percentunit', options.successColor, 'Success rate');
    config.max = 1;
    config.thresholds = {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: options.failedColor },
        { value: options.successTarget / 100, color: options.completedColor },
      ],
    };
    config.custom!.thresholdsStyle = { mode: TARGET_STYLE[options.targetStyle] };
    fields.push({ name: PLOT_FIELDS.successRate, values: trends.successRate, config });
  }
  if (options.lineMetric === 'duration') {
    fields.push(
      {
        name: PLOT_FIELDS.p50,
        values: values.duration_p50_s,
        config: line('Duration p50', 's', options.lineColor, 'Duration'),
      },
      {
        name: PLOT_FIELDS.p95,
        values: values.duration_p95_s,
        config: line('Duration p95', 's', options.lineColor, 'Duration', true),
      },
    );
  } else if (options.lineMetric === 'throughput') {
    fields.push({
      name: PLOT_FIELDS.throughput,
      values: values.avg_throughput_bps,
      config: line('Avg throughput', 'Bps', options.lineColor, 'Throughput'),
    });
  }
  return createDataFrame({
    name: 'migration_trends',
    fields: [
      // The bucket width lets the plot leave a gap where the server sent no bucket.
      { name: 'time', type: FieldType.time, values: trends.times, config: { interval: trends.intervalMs } },
      ...fields.map((f) => ({ ...f, type: FieldType.number })),
    ],
  });
}

/** The forecast frame: the expected line, and p10/p90 lines drawn only as the band between them. */
export function forecastPlotFrame(band: ForecastBand, options: TrendsOptions): DataFrame {
  const remaining = options.forecastMeasure === 'remaining';
  const axisLabel = remaining ? 'VMs remaining' : 'VMs completed (forecast)';
  const expected = line(
    remaining ? 'Forecast: VMs remaining' : 'Forecast: VMs completed',
    'short',
    options.forecastColor,
    axisLabel,
    true,
  );
  expected.decimals = 0;
  expected.custom!.showPoints = VisibilityMode.Never;
  expected.custom!.lineInterpolation = LineInterpolation.StepAfter;
  const bound = (displayName: string, fillBelowTo?: string): Config => {
    const config = line(displayName, 'short', options.forecastColor, axisLabel);
    config.decimals = 0;
    config.custom = {
      ...config.custom,
      lineWidth: 0,
      showPoints: VisibilityMode.Never,
      lineInterpolation: LineInterpolation.StepAfter,
      fillOpacity: fillBelowTo ? 15 : 0,
      fillBelowTo,
      // In the tooltip, not in the legend: the band is one thing.
      hideFrom: { legend: true, tooltip: false, viz: false },
    };
    return config;
  };
  return createDataFrame({
    name: 'forecast',
    fields: [
      { name: 'time', type: FieldType.time, values: band.times },
      { name: PLOT_FIELDS.forecast, type: FieldType.number, values: band.expected, config: expected },
      {
        name: PLOT_FIELDS.forecastHigh,
        type: FieldType.number,
        values: band.high,
        config: bound('Forecast p90 bound', 'Forecast p10 bound'),
      },
      {
        name: PLOT_FIELDS.forecastLow,
        type: FieldType.number,
        values: band.low,
        config: bound('Forecast p10 bound'),
      },
    ],
  });
}

/** Where the forecast band starts: the last bucket at or before now, or now without buckets. */
export function forecastStart(trends: Trends, nowMs: number): number {
  const before = trends.times.filter((t) => t <= nowMs);
  return before.length > 0 ? before[before.length - 1] : nowMs;
}

/** Narrower than this, only the bars' and the success rate's axes are drawn. */
export const COMPACT_WIDTH = 640;

/**
 * A narrow panel keeps its plot: the duration/throughput and forecast axes are not drawn (their
 * values stay in the tooltip), so four axes do not squeeze the bars to a sliver.
 */
export function hideSecondaryAxes(frame: DataFrame): DataFrame {
  return {
    ...frame,
    fields: frame.fields.map((field) => {
      const custom = field.config.custom as GraphFieldConfig | undefined;
      if (custom?.axisPlacement !== AxisPlacement.Right || field.config.unit === 'percentunit') {
        return field;
      }
      return {
        ...field,
        config: { ...field.config, custom: { ...custom, axisPlacement: AxisPlacement.Hidden } },
      };
    }),
  };
}
