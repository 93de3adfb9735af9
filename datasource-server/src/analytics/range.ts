// The `from`, `to` and `interval` parameters every analytics endpoint takes, checked once: a
// clear 400 for a bad time, an inverted range or an interval that is not one.
import { ApiError } from '../http/errors';
import { rangeFromQuery } from '../http/time-params';
import { TrendsInputError, parseInterval } from './trends/migration-trends';

export interface AnalyticsRange {
  fromMs: number;
  toMs: number;
}

export function rangeOf(query: { from?: string; to?: string }, defaultSpanMs: number): AnalyticsRange {
  const range = rangeFromQuery(query, defaultSpanMs);
  if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
  return { fromMs: range.from, toMs: range.to };
}

export function intervalOf(interval: string): number {
  const intervalMs = parseInterval(interval);
  if (intervalMs === null) {
    throw new ApiError(
      400,
      'invalid_interval',
      `"interval" must be like 15m, 1h, 1d or milliseconds; got "${interval}"`,
    );
  }
  return intervalMs;
}

/** Runs an analytics computation; its input errors (empty range, too many buckets) become 400s. */
export async function answering<T>(work: () => Promise<T>, code = 'invalid_analytics_request'): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TrendsInputError) throw new ApiError(400, code, err.message);
    throw err;
  }
}
