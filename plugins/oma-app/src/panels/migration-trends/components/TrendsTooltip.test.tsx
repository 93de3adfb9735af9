import { createTheme, getDisplayProcessor } from '@grafana/data';
import { SortOrder, TooltipDisplayMode } from '@grafana/schema';
import { render, screen } from '@testing-library/react';

import { forecastBand } from '../model/forecast';
import { forecastPlotFrame, trendsPlotFrame } from '../model/plot-frames';
import { readTrends } from '../model/trends';
import { HOUR, T0, trendsFrame } from '../test-utils/frames';
import { DEFAULT_OPTIONS } from '../types';
import { TrendsTooltip } from './TrendsTooltip';

const theme = createTheme();
const trends = readTrends([
  trendsFrame([
    { completed: 3, failed: 1, duration_p50_s: 90, duration_p95_s: 600 },
    { completed: 0, failed: 2 },
  ]),
])!;

/** The plot's frame as the tooltip gets it: x first, one field per series, display processors set. */
function plotFrame(withForecast = false) {
  const frame = trendsPlotFrame(trends, DEFAULT_OPTIONS);
  if (withForecast) {
    const band = forecastBand([{ vm: 'a', status: 'replicating', seconds: 60, p10: 30, p90: 90 }], {
      nowMs: T0,
      startMs: T0,
      maxStepMs: HOUR,
      endMs: T0 + HOUR,
      concurrency: 1,
      measure: 'remaining',
    })!;
    frame.fields.push(...forecastPlotFrame(band, DEFAULT_OPTIONS).fields.slice(1));
  }
  for (const field of frame.fields) {
    field.display = getDisplayProcessor({ field, theme, timeZone: 'utc' });
  }
  return frame;
}

const rows = () =>
  screen
    .getByTestId('data-testid viz-tooltip-wrapper')
    .innerHTML.replace(/<[^>]+>/g, '|')
    .split('|')
    .filter((t) => t.trim() !== '');

const show = (props: Partial<Parameters<typeof TrendsTooltip>[0]> & { dataIdxs: Array<number | null> }) =>
  render(
    <TrendsTooltip
      frame={plotFrame()}
      seriesIdx={null}
      mode={TooltipDisplayMode.Multi}
      sort={SortOrder.None}
      isPinned={false}
      timeZone="utc"
      {...props}
    />,
  );

test('the bucket’s time, then each series with its formatted value', () => {
  show({ dataIdxs: [0, 0, 0, 0, 0, 0] });
  expect(rows()).toEqual([
    '2026-11-01 00:00:00',
    'Completed',
    '3',
    'Failed',
    '1',
    'Success rate',
    '75%',
    'Duration p50',
    '1.50 mins',
    'Duration p95',
    '10 mins',
  ]);
});

test('series without a value in the bucket are left out; single mode shows the hovered one only', () => {
  const { unmount } = show({ dataIdxs: [1, 1, 1, 1, 1, 1] });
  expect(rows()).toEqual(['2026-11-01 01:00:00', 'Completed', '0', 'Failed', '2', 'Success rate', '0%']);
  unmount();
  show({ dataIdxs: [1, 1, 1, 1, 1, 1], seriesIdx: 2, mode: TooltipDisplayMode.Single });
  expect(rows()).toEqual(['2026-11-01 01:00:00', 'Failed', '2']);
});

test('sorted by value when asked', () => {
  show({ dataIdxs: [0, 0, 0, null, null, null], sort: SortOrder.Descending });
  expect(rows()).toEqual(['2026-11-01 00:00:00', 'Completed', '3', 'Failed', '1']);
});

test('nothing hovered: no tooltip', () => {
  const { container } = show({ dataIdxs: [null, null, null, null, null, null] });
  expect(container).toBeEmptyDOMElement();
});

test('the forecast line and its bounds are listed (the bounds are only kept out of the legend)', () => {
  render(
    <TrendsTooltip
      frame={plotFrame(true)}
      dataIdxs={[0, null, null, null, null, null, 0, 0, 0]}
      seriesIdx={null}
      mode={TooltipDisplayMode.Multi}
      sort={SortOrder.None}
      isPinned={false}
      timeZone="utc"
    />,
  );
  expect(rows()).toEqual([
    '2026-11-01 00:00:00',
    'Forecast: VMs remaining',
    '1',
    'Forecast p90 bound',
    '1',
    'Forecast p10 bound',
    '1',
  ]);
});
