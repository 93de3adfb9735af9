// Finished replication jobs per time bucket, read by rollups/read (rolled-up whole hours plus raw
// rows for the rest). Both go through the same aggregation, so counts and sums equal a raw
// computation exactly and percentiles are within the histogram's bound.
import { JOB_BUCKET_RULE, MAX_TREND_BUCKETS, type MigrationTrends } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { HISTOGRAM_RELATIVE_ERROR } from '../histogram/histogram';
import { addFact, emptyAggregate, HOUR_MS, type JobAggregate, type JobFilters } from '../rollups/job-facts';
import { describeSources, readFinishedJobs } from '../rollups/read';

export class TrendsInputError extends Error {}

export interface TrendsRequest {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  filters: JobFilters;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: HOUR_MS,
  d: 24 * HOUR_MS,
  w: 7 * 24 * HOUR_MS,
};

/** '15m', '1h', '1d', '3600000' -> milliseconds; null when not an interval. Pure. */
export function parseInterval(text: string): number | null {
  const m = /^([1-9][0-9]{0,11})(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Bucket starts, aligned to the epoch, covering [from, to). Throws TrendsInputError beyond the cap. Pure. */
export function bucketStarts(fromMs: number, toMs: number, intervalMs: number): number[] {
  if (!(fromMs < toMs)) throw new TrendsInputError('"from" must be before "to"');
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1)
    throw new TrendsInputError('"interval" must be at least 1 ms');
  const first = Math.floor(fromMs / intervalMs) * intervalMs;
  const count = Math.ceil((toMs - first) / intervalMs);
  if (count > MAX_TREND_BUCKETS) {
    throw new TrendsInputError(
      `${count} buckets of ${intervalMs} ms between "from" and "to"; at most ${MAX_TREND_BUCKETS}: use an interval of at least ${Math.ceil((toMs - fromMs) / MAX_TREND_BUCKETS)} ms or a shorter range`,
    );
  }
  return Array.from({ length: count }, (_, i) => first + i * intervalMs);
}

interface Bucket {
  aggregate: JobAggregate;
  completed: number;
  failed: number;
  cancelled: number;
}

const emptyBucket = (): Bucket => ({ aggregate: emptyAggregate(), completed: 0, failed: 0, cancelled: 0 });

function countStatus(bucket: Bucket, status: string, jobs: number) {
  if (status === 'completed' || status === 'failed' || status === 'cancelled') bucket[status] += jobs;
}

/**
 * The bucket width of a /query request: Grafana's intervalMs, widened so the range fits
 * maxDataPoints and MAX_TREND_BUCKETS; from an hour up it is whole hours, so rollups answer. Pure.
 */
export function queryStep(rangeMs: number, intervalMs?: number, maxDataPoints?: number): number {
  let step = Math.max(1000, Math.ceil(intervalMs || HOUR_MS));
  if (maxDataPoints) step = Math.max(step, Math.ceil(rangeMs / maxDataPoints));
  // One bucket more than the range needs: the first bucket starts before "from".
  step = Math.max(step, Math.ceil(rangeMs / (MAX_TREND_BUCKETS - 1)));
  return step >= HOUR_MS ? Math.ceil(step / HOUR_MS) * HOUR_MS : step;
}

const round = (value: number | null, digits = 3) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

export async function migrationTrends(
  store: Pick<Db, 'db' | 'time'>,
  req: TrendsRequest,
): Promise<MigrationTrends> {
  const starts = bucketStarts(req.fromMs, req.toMs, req.intervalMs);
  const buckets = starts.map(emptyBucket);
  const bucketOf = (ms: number) => buckets[Math.floor((ms - starts[0]) / req.intervalMs)];

  const sources = await readFinishedJobs(
    store,
    { ...req, dimensions: [] },
    {
      rollup(bucketStartMs, dims, jobs, addTo) {
        const bucket = bucketOf(bucketStartMs);
        addTo!(bucket.aggregate);
        countStatus(bucket, dims.status, jobs);
      },
      fact(fact) {
        const bucket = bucketOf(fact.completedAtMs);
        addFact(bucket.aggregate, fact);
        countStatus(bucket, fact.status, 1);
      },
    },
  );

  return {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: req.intervalMs,
    bucket_rule: JOB_BUCKET_RULE,
    percentile_relative_error: HISTOGRAM_RELATIVE_ERROR,
    sources: describeSources(sources),
    data: buckets.map((bucket, i) => {
      const a = bucket.aggregate;
      return {
        time: new Date(starts[i]).toISOString(),
        total: a.jobs,
        completed: bucket.completed,
        failed: bucket.failed,
        cancelled: bucket.cancelled,
        bytes: a.bytes,
        duration_p50_s: round(a.duration.quantile(0.5)),
        duration_p95_s: round(a.duration.quantile(0.95)),
        avg_throughput_bps: a.throughputCount ? round(a.throughputBpsSum / a.throughputCount) : null,
      };
    }),
  };
}
