import { FieldMatcherID, type ConfigOverrideRule } from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';

import { HOUR, T0, trendsFrame } from '../test-utils/frames';
import { DEFAULT_OPTIONS } from '../types';
import { forecastBand } from './forecast';
import { forecastPlotFrame, trendsPlotFrame } from './plot-frames';
import { readTrends } from './trends';
import { applySeriesVisibility } from './visibility';

const trends = readTrends([
  trendsFrame([
    { completed: 3, failed: 1 },
    { completed: 1, failed: 0 },
  ]),
])!;
const band = forecastBand([{ vm: 'a', status: 'replicating', seconds: 3600, p10: 1800, p90: 7200 }], {
  nowMs: T0 + HOUR,
  startMs: T0 + HOUR,
  maxStepMs: HOUR,
  endMs: T0 + 10 * HOUR,
  concurrency: 1,
  measure: 'remaining',
})!;
const frames = [trendsPlotFrame(trends, DEFAULT_OPTIONS), forecastPlotFrame(band, DEFAULT_OPTIONS)];

/** What Grafana saves when a legend entry is clicked: every other series hidden from the plot. */
const isolate = (name: string): ConfigOverrideRule => ({
  matcher: {
    id: FieldMatcherID.byNames,
    options: { mode: 'exclude', names: [name], prefix: 'All except:', readOnly: true },
  },
  properties: [{ id: 'custom.hideFrom', value: { viz: true, legend: false, tooltip: true } }],
});

const hidden = (all: typeof frames) =>
  Object.fromEntries(
    all.flatMap((f) =>
      f.fields.slice(1).map((x) => [x.config.displayName, (x.config.custom as GraphFieldConfig).hideFrom]),
    ),
  );

test('no overrides: the frames as built', () => {
  expect(applySeriesVisibility(frames, [])).toBe(frames);
  expect(applySeriesVisibility(frames)).toBe(frames);
});

test('a legend click on Failed hides every other series from the plot and the tooltip', () => {
  const shown = hidden(applySeriesVisibility(frames, [isolate('Failed')]));
  expect(shown.Failed).toBeUndefined();
  expect(shown.Completed).toEqual({ viz: true, legend: false, tooltip: true });
  expect(shown['Success rate']).toEqual({ viz: true, legend: false, tooltip: true });
  expect(shown['Forecast: VMs remaining']).toEqual({ viz: true, legend: false, tooltip: true });
  // The band's bounds stay out of the legend whatever the override says.
  expect(shown['Forecast p90 bound']).toEqual({ viz: true, legend: true, tooltip: true });
});

test('overrides of other properties or unknown matchers change nothing', () => {
  const other: ConfigOverrideRule = {
    matcher: { id: FieldMatcherID.byName, options: 'Completed' },
    properties: [{ id: 'custom.lineWidth', value: 5 }],
  };
  const unknown: ConfigOverrideRule = { ...isolate('Failed'), matcher: { id: 'no-such-matcher' } };
  expect(hidden(applySeriesVisibility(frames, [other, unknown]))).toEqual(hidden(frames));
});
