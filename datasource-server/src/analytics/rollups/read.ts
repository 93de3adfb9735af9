// Reads finished replication jobs over a range for any analytics view: whole days that are
// rolled up come from omi_rollup_jobs_daily (when the buckets are whole days), other whole hours
// that are rolled up from omi_rollup_jobs_hourly, the rest (partial first and last hours, hours
// not yet rolled up, and everything when filtering by VM or when the bucket width is not whole
// hours) from the raw table. Rollup rows come from the smallest grouping set that carries the
// dimensions the view needs and filters by. Each view folds both through its own visitor, so its
// counts and sums equal a raw computation exactly.
import type { Db } from '../../db/connect';
import {
  DIMENSION_COLUMN,
  groupingFor,
  mergeRow,
  type GroupingSet,
  type JobDimension,
  type RolledUpDimensions,
} from './grouping-sets';
import {
  DAY_MS,
  finishedJobs,
  HOUR_MS,
  type FinishedStatus,
  type JobAggregate,
  type JobFact,
  type JobFilters,
} from './job-facts';
import { rolledUpTo } from './roll-up';

export type { JobDimensions, RolledUpDimensions } from './grouping-sets';

export interface JobReadRequest {
  fromMs: number;
  toMs: number;
  /** Buckets the caller folds into (aligned to the epoch): rollups answer only when this is whole hours. */
  intervalMs: number;
  filters: JobFilters;
  /** The dimensions the visitor reads from rollup rows besides status (which they always carry). */
  dimensions: readonly JobDimension[];
}

export interface JobVisitor {
  /**
   * A rollup row: `jobs` finished jobs with these dimensions in the hour or UTC day starting at
   * `bucketStartMs` (a day only when the request's buckets are whole days, so it lies in one
   * bucket). `dims` has status and the requested dimensions (perhaps more); `addTo` (only when
   * the read asked for histograms and sums) adds the row's sums and histograms into an aggregate
   * (readers fold thousands of rows: none is made per row).
   */
  rollup(
    bucketStartMs: number,
    dims: RolledUpDimensions,
    jobs: number,
    addTo: ((into: JobAggregate) => void) | null,
  ): void;
  /** One finished job read from the raw table. */
  fact(fact: JobFact): void;
}

export interface JobReadSources {
  /** Whole hours answered by the rollups (a whole day counts 24). */
  rollupHours: number;
  rawRanges: Span[];
}

export interface Span {
  from: number;
  to: number;
}

/** Which whole hours [from, to) the rollups answer for; null: none. Pure. */
export function rollupSpan(req: Omit<JobReadRequest, 'dimensions'>, mark: number | null): Span | null {
  if (mark === null || req.filters.vm !== undefined || req.intervalMs % HOUR_MS !== 0) return null;
  const from = Math.ceil(req.fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.min(Math.floor(req.toMs / HOUR_MS) * HOUR_MS, mark);
  return from < to ? { from, to } : null;
}

export interface ReadPlan {
  /** Whole UTC days read from the daily rollups. */
  days: Span | null;
  /** Whole hours read from the hourly rollups. */
  hours: Span[];
  raw: Span[];
  /** The grouping set the rollup rows are read at. */
  set: GroupingSet;
}

const FILTER_DIMENSION = {
  vcenter: 'vcenter',
  datacenter: 'datacenter',
  replication_type: 'replicationType',
  vm_group: 'vmGroup',
} as const satisfies Partial<Record<keyof JobFilters, JobDimension>>;

const nonEmpty = (spans: Span[]) => spans.filter((s) => s.from < s.to);

/** Where each part of the request is read from; `mark`: every hour before it is rolled up. Pure. */
export function readPlan(req: JobReadRequest, mark: number | null): ReadPlan {
  const filtered = (['vcenter', 'datacenter', 'replication_type', 'vm_group'] as const)
    .filter((f) => req.filters[f] !== undefined)
    .map((f) => FILTER_DIMENSION[f]);
  const set = groupingFor([...req.dimensions, ...filtered]);
  const span = rollupSpan(req, mark);
  if (!span) return { days: null, hours: [], raw: [{ from: req.fromMs, to: req.toMs }], set };
  const raw = nonEmpty([
    { from: req.fromMs, to: span.from },
    { from: span.to, to: req.toMs },
  ]);
  const days =
    req.intervalMs % DAY_MS === 0
      ? { from: Math.ceil(span.from / DAY_MS) * DAY_MS, to: Math.floor(span.to / DAY_MS) * DAY_MS }
      : null;
  if (!days || days.from >= days.to) return { days: null, hours: [span], raw, set };
  return {
    days,
    hours: nonEmpty([
      { from: span.from, to: days.from },
      { from: days.to, to: span.to },
    ]),
    raw,
    set,
  };
}

async function readRollups(
  store: Pick<Db, 'db'>,
  table: 'omi_rollup_jobs_hourly' | 'omi_rollup_jobs_daily',
  span: Span,
  req: JobReadRequest,
  set: GroupingSet,
  visitor: JobVisitor,
  detail: 'counts' | 'full',
) {
  let query = store.db
    .selectFrom(table as 'omi_rollup_jobs_hourly')
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
    .where('grouping', '=', set.grouping)
    .where('bucket_start_ms', '>=', span.from)
    .where('bucket_start_ms', '<', span.to);
  for (const filter of ['vcenter', 'datacenter', 'replication_type', 'vm_group'] as const) {
    const value = req.filters[filter];
    if (value !== undefined) query = query.where(filter, '=', value);
  }
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
    const dims: RolledUpDimensions = { status: row.status as FinishedStatus };
    for (const d of set.carries) dims[d] = row[DIMENSION_COLUMN[d]];
    const addTo =
      detail === 'full'
        ? (into: JobAggregate) => void mergeRow(into, row as Awaited<ReturnType<typeof full.execute>>[number])
        : null;
    visitor.rollup(Number(row.bucket_start_ms), dims, Number(row.jobs), addTo);
  }
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
  const plan = readPlan(req, await rolledUpTo(store));
  // The parts at once (visitors add up, so the order they see rows in does not matter).
  await Promise.all([
    ...(plan.days
      ? [readRollups(store, 'omi_rollup_jobs_daily', plan.days, req, plan.set, visitor, detail)]
      : []),
    ...plan.hours.map((span) =>
      readRollups(store, 'omi_rollup_jobs_hourly', span, req, plan.set, visitor, detail),
    ),
    ...plan.raw.map(async (range) => {
      for (const fact of await finishedJobs(store, range.from, range.to, req.filters)) visitor.fact(fact);
    }),
  ]);
  const hours = [...(plan.days ? [plan.days] : []), ...plan.hours].reduce(
    (sum, s) => sum + (s.to - s.from) / HOUR_MS,
    0,
  );
  return { rollupHours: hours, rawRanges: plan.raw };
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
