/**
 * What the panel shows for its data and options: the chart's frames and x range, or a message
 * saying what is missing (which query to add, which query failed). Pure.
 */
import { LoadingState, type DataFrame, type DataQueryError } from '@grafana/data';
import { DEFAULT_PREDICTION_CONCURRENCY } from '@oma-insights/contracts/query-protocol';

import type { TrendsOptions } from '../types';
import { forecastBand, isOpen } from './forecast';
import {
  COMPACT_WIDTH,
  forecastPlotFrame,
  forecastStart,
  hideSecondaryAxes,
  trendsPlotFrame,
} from './plot-frames';
import { readPredictions, readTrends } from './trends';

/** The editor labels of the query types the panel reads (datasource/types.ts QUERY_TYPE_LABELS). */
export const TRENDS_QUERY_LABEL = 'Migration trends';
export const PREDICTIONS_QUERY_LABEL = 'Sync predictions';

export interface ViewInput {
  series: DataFrame[];
  state?: LoadingState;
  errors?: DataQueryError[];
  /** The query range, epoch ms; the predictions are as of its end. */
  from: number;
  to: number;
  /** The request's interval, for the forecast's spacing when the trends do not state theirs. */
  intervalMs?: number;
  /** The panel's width: a narrow one draws fewer axes. */
  width?: number;
  /** The panel's queries, to name a failed one by its type (refId → editor label). */
  queryLabels?: Record<string, string>;
}

export type TrendsView =
  | { kind: 'loading' }
  | { kind: 'message'; message: string; error: boolean }
  | {
      kind: 'chart';
      frames: DataFrame[];
      /** The x axis: the query range, extended to the end of the forecast. */
      from: number;
      to: number;
      /** Short lines under the chart: why there is no forecast, a query that failed. */
      notices: string[];
    };

function errorText(e: DataQueryError, labels: Record<string, string> = {}) {
  const query = e.refId ? `${labels[e.refId] ? `"${labels[e.refId]}" ` : ''}query ${e.refId}: ` : '';
  return query + (e.message ?? 'failed');
}

function describeDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.max(1, Math.round(hours))} h`;
}

export function trendsView(input: ViewInput, options: TrendsOptions): TrendsView {
  const { series, errors = [], from, to, queryLabels } = input;
  const trends = readTrends(series);
  if (!trends) {
    if (input.state === LoadingState.Loading) {
      return { kind: 'loading' };
    }
    if (errors.length > 0) {
      return {
        kind: 'message',
        error: true,
        message: `The migration trends could not be loaded (${errors.map((e) => errorText(e, queryLabels)).join('; ')}).`,
      };
    }
    return {
      kind: 'message',
      error: false,
      message: `No migration trends: add a "${TRENDS_QUERY_LABEL}" query of the OMA Migration Insights data source (and a "${PREDICTIONS_QUERY_LABEL}" query for the forecast).`,
    };
  }

  const notices = errors.map((e) => `Failed: ${errorText(e, queryLabels)}`);
  const frames = [trendsPlotFrame(trends, options)];
  let end = to;
  if (options.showForecast) {
    const predictions = readPredictions(series);
    if (!predictions) {
      notices.push(`Forecast: add a "${PREDICTIONS_QUERY_LABEL}" query to draw the expected completions.`);
    } else if (!predictions.syncs.some(isOpen)) {
      notices.push('Forecast: every VM is migrated, nothing remains.');
    } else {
      const maxStepMs = trends.intervalMs ?? input.intervalMs ?? Math.max(60_000, (to - from) / 100);
      const band = forecastBand(predictions.syncs, {
        nowMs: to,
        startMs: forecastStart(trends, to),
        maxStepMs,
        endMs: to + options.forecastWindow * (to - from),
        concurrency: predictions.timeToFinish?.concurrency ?? DEFAULT_PREDICTION_CONCURRENCY,
        measure: options.forecastMeasure,
      });
      if (band) {
        frames.push(forecastPlotFrame(band, options));
        end = Math.max(end, band.times[band.times.length - 1]);
        const finishMs = band.finishSeconds.expected * 1000;
        if (to + finishMs > end) {
          notices.push(
            `Forecast: ${band.open} VMs remaining, expected to finish in ${describeDuration(finishMs)} (beyond the chart).`,
          );
        }
      }
    }
  }

  const finished = trends.values.total.some((t) => (t ?? 0) > 0);
  if (!finished && frames.length === 1) {
    return {
      kind: 'message',
      error: false,
      message: 'No replication job finished in this time range.',
    };
  }
  const compact = input.width !== undefined && input.width < COMPACT_WIDTH;
  return { kind: 'chart', frames: compact ? frames.map(hideSecondaryAxes) : frames, from, to: end, notices };
}
