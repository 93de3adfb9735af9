// Reads finished replication jobs over a range for any analytics view: whole hours that are
// rolled up come from omi_rollup_jobs_hourly, the rest (partial first and last hours, hours not
// yet rolled up, and everything when filtering by VM or when the bucket width is not whole hours)
// from the raw table. Each view folds both through its own visitor, so its counts and sums equal
// a raw computation exactly.
import type { Db } from '../../db/connect';
import { Histogram } from '../histogram/histogram';
import {
  finishedJobs,
  HOUR_MS,
  type FinishedStatus,
  type JobAggregate,
  type JobFact,
  type JobFilters,
} from './job-facts';
import { rolledUpTo } from './roll-up';

/** The rollup dimensions of a group of finished jobs ('' for an absent one). */
export type JobDimensions = Pick<
  JobFact,
  'vcenter' | 'datacenter' | 'replicationType' | 'vmGroup' | 'errorClassification' | 'status'
>;

export interface JobReadRequest {
  fromMs: number;
  toMs: number;
  /** Buckets the caller folds into: rollups answer only when this is whole hours. */
  intervalMs: number;
  filters: JobFilters;
}

export interface JobVisitor {
  /**
   * A rollup row: `jobs` finished jobs with these dimensions in the hour starting at `hourMs`.
   * `aggregate` only when the read asked for histograms and sums.
   */
  rollup(hourMs: number, dims: JobDimensions, jobs: number, aggregate: JobAggregate | null): void;
  /** One finished job read from the raw table. */
  fact(fact: JobFact): void;
}

export interface JobReadSources {
  /** Whole hours answered by the rollups. */
  rollupHours: number;
  rawRanges: { from: number; to: number }[];
}

/** Which whole hours [from, to) the rollups answer for; null: none. Pure. */
export function rollupSpan(req: JobReadRequest, mark: number | null): { from: number; to: number } | null {
  if (mark === null || req.filters.vm !== undefined || req.intervalMs % HOUR_MS !== 0) return null;
  const from = Math.ceil(req.fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.min(Math.floor(req.toMs / HOUR_MS) * HOUR_MS, mark);
  return from < to ? { from, to } : null;
}

/**
 * Visits every finished job of [from, to) once, through rollup rows or raw rows.
 * `detail` 'counts' skips the sums and histograms (cheaper: nothing to deserialize).
 */
export async function readFinishedJobs(
  store: Pick<Db, 'db' | 'time'>,
  req: JobReadRequest,
  visitor: JobVisitor,
  detail: 'counts' | 'full' = 'full',
): Promise<JobReadSources> {
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
        'vcenter',
        'datacenter',
        'replication_type',
        'vm_group',
        'error_classification',
        'status',
        'jobs',
      ])
      .where('bucket_start_ms', '>=', span.from)
      .where('bucket_start_ms', '<', span.to);
    const { vcenter, datacenter, replication_type, vm_group } = req.filters;
    if (vcenter !== undefined) query = query.where('vcenter', '=', vcenter);
    if (datacenter !== undefined) query = query.where('datacenter', '=', datacenter);
    if (replication_type !== undefined) query = query.where('replication_type', '=', replication_type);
    if (vm_group !== undefined) query = query.where('vm_group', '=', vm_group);
    const full = query.select([
      'bytes_sum',
      'duration_count',
      'duration_ms_sum',
      'throughput_count',
      'throughput_bps_sum',
      'duration_histogram',
      'throughput_histogram',
    ]);
    for (const row of await (detail === 'full' ? full : query).execute()) {
      const dims: JobDimensions = {
        vcenter: row.vcenter,
        datacenter: row.datacenter,
        replicationType: row.replication_type,
        vmGroup: row.vm_group,
        errorClassification: row.error_classification,
        status: row.status as FinishedStatus,
      };
      const r = row as Partial<Awaited<ReturnType<typeof full.execute>>[number]>;
      const aggregate: JobAggregate | null =
        detail === 'full'
          ? {
              jobs: Number(row.jobs),
              bytes: Number(r.bytes_sum),
              durationCount: Number(r.duration_count),
              durationMsSum: Number(r.duration_ms_sum),
              throughputCount: Number(r.throughput_count),
              throughputBpsSum: Number(r.throughput_bps_sum),
              duration: Histogram.deserialize(r.duration_histogram!),
              throughput: Histogram.deserialize(r.throughput_histogram!),
            }
          : null;
      visitor.rollup(Number(row.bucket_start_ms), dims, Number(row.jobs), aggregate);
    }
  }
  for (const range of rawRanges) {
    for (const fact of await finishedJobs(store, range.from, range.to, req.filters)) visitor.fact(fact);
  }
  return { rollupHours: span ? (span.to - span.from) / HOUR_MS : 0, rawRanges };
}

/** The response's `sources`, as ISO times. */
export function describeSources(sources: JobReadSources) {
  return {
    rollup_hours: sources.rollupHours,
    raw_ranges: sources.rawRanges.map((r) => ({
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
    })),
  };
}
