/** The panel's option editors, grouped by category, each with its default from DEFAULT_OPTIONS. */
import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { commonOptionsBuilder } from '@grafana/ui';

import { DEFAULT_OPTIONS, type TrendsOptions } from './types';

const METRIC = ['Metric'];
const STACKING = ['Stacking'];
const FORECAST = ['Forecast'];
const THRESHOLDS = ['Thresholds'];
const COLOURS = ['Colours'];

export function trendsOptions(builder: PanelOptionsEditorBuilder<TrendsOptions>) {
  builder
    .addBooleanSwitch({
      path: 'showCancelled',
      name: 'Show cancelled jobs',
      description: 'A third bar for cancelled jobs beside completed and failed.',
      category: METRIC,
      defaultValue: DEFAULT_OPTIONS.showCancelled,
    })
    .addBooleanSwitch({
      path: 'showSuccessRate',
      name: 'Show success rate',
      description: 'Completed jobs over finished jobs per interval, on a 0–100% axis.',
      category: METRIC,
      defaultValue: DEFAULT_OPTIONS.showSuccessRate,
    })
    .addRadio({
      path: 'lineMetric',
      name: 'Line',
      description: 'What the second line axis shows.',
      category: METRIC,
      defaultValue: DEFAULT_OPTIONS.lineMetric,
      settings: {
        options: [
          { value: 'duration', label: 'Duration p50/p95' },
          { value: 'throughput', label: 'Throughput' },
          { value: 'none', label: 'None' },
        ],
      },
    })
    .addRadio({
      path: 'stacking',
      name: 'Stack bars',
      category: STACKING,
      defaultValue: DEFAULT_OPTIONS.stacking,
      settings: {
        options: [
          { value: 'normal', label: 'Normal' },
          { value: 'percent', label: '100%' },
          { value: 'none', label: 'Off' },
        ],
      },
    })
    .addSliderInput({
      path: 'barWidth',
      name: 'Bar width',
      description: 'Share of the interval a bar takes.',
      category: STACKING,
      defaultValue: DEFAULT_OPTIONS.barWidth,
      settings: { min: 0.1, max: 1, step: 0.05 },
    })
    .addBooleanSwitch({
      path: 'showForecast',
      name: 'Show forecast',
      description:
        'Ahead of now, from a "Sync predictions" query: the expected line and its p10–p90 band, each open VM synced once more.',
      category: FORECAST,
      defaultValue: DEFAULT_OPTIONS.showForecast,
    })
    .addRadio({
      path: 'forecastMeasure',
      name: 'Forecast shows',
      category: FORECAST,
      defaultValue: DEFAULT_OPTIONS.forecastMeasure,
      settings: {
        options: [
          { value: 'remaining', label: 'VMs remaining' },
          { value: 'completed', label: 'VMs completed' },
        ],
      },
      showIf: (o) => o.showForecast,
    })
    .addSliderInput({
      path: 'forecastWindow',
      name: 'Forecast window',
      description: 'How far ahead to draw, as a share of the time range (the band stops when all are done).',
      category: FORECAST,
      defaultValue: DEFAULT_OPTIONS.forecastWindow,
      settings: { min: 0.1, max: 2, step: 0.1 },
      showIf: (o) => o.showForecast,
    })
    .addNumberInput({
      path: 'successTarget',
      name: 'Success rate target (%)',
      description: 'Drawn on the success-rate axis; below it is the failed colour.',
      category: THRESHOLDS,
      defaultValue: DEFAULT_OPTIONS.successTarget,
      settings: { min: 0, max: 100 },
      showIf: (o) => o.showSuccessRate,
    })
    .addRadio({
      path: 'targetStyle',
      name: 'Show target as',
      category: THRESHOLDS,
      defaultValue: DEFAULT_OPTIONS.targetStyle,
      settings: {
        options: [
          { value: 'line', label: 'Line' },
          { value: 'dashed', label: 'Dashed' },
          { value: 'area', label: 'Area' },
          { value: 'line+area', label: 'Both' },
          { value: 'off', label: 'Off' },
        ],
      },
      showIf: (o) => o.showSuccessRate,
    });
  (
    [
      ['completedColor', 'Completed'],
      ['failedColor', 'Failed'],
      ['cancelledColor', 'Cancelled'],
      ['successColor', 'Success rate'],
      ['lineColor', 'Duration / throughput'],
      ['forecastColor', 'Forecast'],
    ] as const
  ).forEach(([path, name]) =>
    builder.addColorPicker({ path, name, category: COLOURS, defaultValue: DEFAULT_OPTIONS[path] }),
  );
  commonOptionsBuilder.addLegendOptions(builder);
  // Every series of the hovered bucket by default: the bars and lines are read together.
  commonOptionsBuilder.addTooltipOptions(builder, false, false, { tooltip: DEFAULT_OPTIONS.tooltip });
}
