// Figures from aggregates: ratios, rates and rounded percentiles. Pure.
import type { Histogram } from '../histogram/histogram';
import { HOUR_MS } from '../rollups/job-facts';

export const round = (value: number | null, digits = 3) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** part / whole, null without a whole. */
export const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 6) : null);

export const quantile = (histogram: Histogram, q: number) => round(histogram.quantile(q));

/** Bytes per hour of the changes between syncs; null without an interval. */
export const changeRate = (bytes: number, intervalMs: number) =>
  intervalMs > 0 ? round(bytes / (intervalMs / HOUR_MS)) : null;

/** The usual outcome columns of finished rows. */
export function outcomes(sums: { completed: number; failed: number; cancelled: number }, finished: number) {
  return {
    completed: sums.completed,
    failed: sums.failed,
    cancelled: sums.cancelled,
    failure_rate: ratio(sums.failed, finished),
  };
}

export function durations(sums: { duration_count: number; duration_ms_sum: number }, histogram: Histogram) {
  return {
    duration_avg_s: sums.duration_count ? round(sums.duration_ms_sum / sums.duration_count / 1000) : null,
    duration_p50_s: quantile(histogram, 0.5),
    duration_p95_s: quantile(histogram, 0.95),
    duration_p99_s: quantile(histogram, 0.99),
  };
}
