import {
  LegendDisplayMode,
  SortOrder,
  TooltipDisplayMode,
  type OptionsWithLegend,
  type OptionsWithTooltip,
} from '@grafana/schema';

/** The line(s) drawn beside the success rate, on an axis of their own. */
export type LineMetric = 'duration' | 'throughput' | 'none';
/** How the outcome bars stack: on top of each other, as shares of the bucket, or side by side. */
export type BarStacking = 'normal' | 'percent' | 'none';
/** What the forecast band counts ahead of now. */
export type ForecastMeasure = 'remaining' | 'completed';
/** How the success-rate target is drawn. */
export type TargetStyle = 'line' | 'dashed' | 'area' | 'line+area' | 'off';

/** The panel's saved options (options.ts builds their editors, with these defaults). */
export interface TrendsOptions extends OptionsWithLegend, OptionsWithTooltip {
  /** Metric: the cancelled jobs as a third bar. */
  showCancelled: boolean;
  /** Metric: the success rate (completed / finished) as a line on a 0–100% axis. */
  showSuccessRate: boolean;
  /** Metric: duration p50/p95, average throughput, or neither. */
  lineMetric: LineMetric;
  /** Stacking of the outcome bars. */
  stacking: BarStacking;
  /** Stacking: bar width as a share of the bucket (0.1–1). */
  barWidth: number;
  /** Forecast: draw the band from the predictions query (when the panel has one). */
  showForecast: boolean;
  forecastMeasure: ForecastMeasure;
  /** Forecast: how far ahead to draw, as a share of the time range's length. */
  forecastWindow: number;
  /** Thresholds: the success rate the team aims for, in percent. */
  successTarget: number;
  targetStyle: TargetStyle;
  /** Colours: Grafana colour names or hex, resolved through the theme. */
  completedColor: string;
  failedColor: string;
  cancelledColor: string;
  successColor: string;
  lineColor: string;
  forecastColor: string;
}

export const DEFAULT_OPTIONS: TrendsOptions = {
  showCancelled: false,
  showSuccessRate: true,
  lineMetric: 'duration',
  stacking: 'normal',
  barWidth: 0.8,
  showForecast: true,
  forecastMeasure: 'remaining',
  forecastWindow: 0.5,
  successTarget: 95,
  targetStyle: 'dashed',
  completedColor: 'green',
  failedColor: 'red',
  cancelledColor: 'orange',
  successColor: 'blue',
  lineColor: 'purple',
  forecastColor: 'text',
  legend: { showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] },
  tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.None },
};
