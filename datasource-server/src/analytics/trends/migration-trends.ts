// Finished replication jobs per time bucket. Whole hours that are rolled up are read from
// omi_rollup_jobs_hourly; the rest (partial first and last hours, hours not yet rolled up, and
// everything when filtering by VM or when the interval is not whole hours) from the raw table.
// Both go through the same aggregation, so counts and sums equal a raw computation exactly and
// percentiles are within the histogram's bound.
import { JOB_BUCKET_RULE, MAX_TREND_BUCKETS, type MigrationTrends } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { Histogram, HISTOGRAM_RELATIVE_ERROR } from '../histogram/histogram';
import {
  addFact,
  emptyAggregate,
  finishedJobs,
  HOUR_MS,
  mergeAggregate,
  type JobAggregate,
  type JobFilters,
} from '../rollups/job-facts';
import { rolledUpTo } from '../rollups/roll-up';

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

/** Which whole hours [from, to) the rollups answer for; null: none. */
function rollupSpan(req: TrendsRequest, mark: number | null): { from: number; to: number } | null {
  if (mark === null || req.filters.vm !== undefined || req.intervalMs % HOUR_MS !== 0) return null;
  const from = Math.ceil(req.fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.min(Math.floor(req.toMs / HOUR_MS) * HOUR_MS, mark);
  return from < to ? { from, to } : null;
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

  const span = rollupSpan(req, await rolledUpTo(store));
  const rawRanges = span
    ? [
        { from: req.fromMs, to: span.from },
        { from: span.to, to: req.toMs },
      ].filter((r) => r.from < r.to)
    : [{ from: req.fromMs, to: req.toMs }];

  if (span) {
    let query = store.db
      .selectFrom('omi_rollup_jobs_hourly')
      .select([
        'bucket_start_ms',
        'status',
        'jobs',
        'bytes_sum',
        'duration_count',
        'duration_ms_sum',
        'throughput_count',
        'throughput_bps_sum',
        'duration_histogram',
        'throughput_histogram',
      ])
      .where('bucket_start_ms', '>=', span.from)
      .where('bucket_start_ms', '<', span.to);
    const { vcenter, datacenter, replication_type, vm_group } = req.filters;
    if (vcenter !== undefined) query = query.where('vcenter', '=', vcenter);
    if (datacenter !== undefined) query = query.where('datacenter', '=', datacenter);
    if (replication_type !== undefined) query = query.where('replication_type', '=', replication_type);
    if (vm_group !== undefined) query = query.where('vm_group', '=', vm_group);
    for (const row of await query.execute()) {
      const bucket = bucketOf(Number(row.bucket_start_ms));
      mergeAggregate(bucket.aggregate, {
        jobs: Number(row.jobs),
        bytes: Number(row.bytes_sum),
        durationCount: Number(row.duration_count),
        durationMsSum: Number(row.duration_ms_sum),
        throughputCount: Number(row.throughput_count),
        throughputBpsSum: Number(row.throughput_bps_sum),
        duration: Histogram.deserialize(row.duration_histogram),
        throughput: Histogram.deserialize(row.throughput_histogram),
      });
      countStatus(bucket, row.status, Number(row.jobs));
    }
  }
  for (const range of rawRanges) {
    for (const fact of await finishedJobs(store, range.from, range.to, req.filters)) {
      const bucket = bucketOf(fact.completedAtMs);
      addFact(bucket.aggregate, fact);
      countStatus(bucket, fact.status, 1);
    }
  }

  return {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: req.intervalMs,
    bucket_rule: JOB_BUCKET_RULE,
    percentile_relative_error: HISTOGRAM_RELATIVE_ERROR,
    sources: {
      rollup_hours: span ? (span.to - span.from) / HOUR_MS : 0,
      raw_ranges: rawRanges.map((r) => ({
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
      })),
    },
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
