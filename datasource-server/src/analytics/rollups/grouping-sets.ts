// The grouping sets the job rollups are kept at. An hour has ~100 jobs but the product of all
// dimensions has more combinations, so rows keyed by every dimension barely compress; the same
// jobs are therefore also rolled up by status alone and by (one dimension, status). A reader
// takes the smallest set that carries every dimension it groups or filters by. A set stores ''
// for a dimension it does not carry. Pure.
import {
  addFact,
  emptyAggregate,
  mergeAggregate,
  type FinishedStatus,
  type JobAggregate,
  type JobFact,
} from './job-facts';

/** The rollup dimensions of a group of finished jobs ('' for an absent one). */
export type JobDimensions = Pick<
  JobFact,
  'vcenter' | 'datacenter' | 'replicationType' | 'vmGroup' | 'errorClassification' | 'status'
>;

/** Every rollup row carries status; these are the dimensions a grouping set may leave out. */
export type JobDimension = Exclude<keyof JobDimensions, 'status'>;

/** The column of each dimension in the rollup tables (also the name of its grouping set). */
export const DIMENSION_COLUMN = {
  vcenter: 'vcenter',
  datacenter: 'datacenter',
  replicationType: 'replication_type',
  vmGroup: 'vm_group',
  errorClassification: 'error_classification',
} as const satisfies Record<JobDimension, string>;

export const JOB_DIMENSIONS = Object.keys(DIMENSION_COLUMN) as JobDimension[];

export type Grouping = 'full' | 'status' | (typeof DIMENSION_COLUMN)[JobDimension];

export interface GroupingSet {
  /** The rollup rows' `grouping` column. */
  grouping: Grouping;
  /** The dimensions it carries besides status. */
  carries: readonly JobDimension[];
}

/** Smallest first: a reader takes the first that covers what it needs. */
export const GROUPING_SETS: readonly GroupingSet[] = [
  { grouping: 'status', carries: [] },
  ...JOB_DIMENSIONS.map((d) => ({ grouping: DIMENSION_COLUMN[d], carries: [d] })),
  { grouping: 'full', carries: JOB_DIMENSIONS },
];

/** The smallest grouping set that carries every dimension in `needed`. */
export function groupingFor(needed: Iterable<JobDimension>): GroupingSet {
  const wanted = [...new Set(needed)];
  return GROUPING_SETS.find((set) => wanted.every((d) => set.carries.includes(d)))!;
}

/**
 * What a visitor sees of a rollup row: its status, and only the dimensions its grouping set
 * carries (an absent key is a dimension the set does not carry, never an absent value).
 */
export type RolledUpDimensions = Pick<JobDimensions, 'status'> & Partial<Pick<JobDimensions, JobDimension>>;

/** A rollup row before it is written (or after it is read). */
export interface RollupGroup {
  grouping: Grouping;
  bucketStartMs: number;
  /** '' for a dimension the grouping set does not carry. */
  dims: JobDimensions;
  aggregate: JobAggregate;
}

function projectedDims(set: GroupingSet, dims: JobDimensions): JobDimensions {
  const carried = (d: JobDimension) => (set.carries.includes(d) ? dims[d] : '');
  return {
    vcenter: carried('vcenter'),
    datacenter: carried('datacenter'),
    replicationType: carried('replicationType'),
    vmGroup: carried('vmGroup'),
    errorClassification: carried('errorClassification'),
    status: dims.status,
  };
}

const keyOf = (grouping: Grouping, bucketStartMs: number, d: JobDimensions) =>
  JSON.stringify([
    grouping,
    bucketStartMs,
    d.vcenter,
    d.datacenter,
    d.replicationType,
    d.vmGroup,
    d.errorClassification,
    d.status,
  ]);

/** Finished jobs grouped by bucket at every grouping set (the rollup's GROUPING SETS). */
export function groupFacts(facts: readonly JobFact[], bucketOf: (ms: number) => number): RollupGroup[] {
  const groups = new Map<string, RollupGroup>();
  for (const fact of facts) {
    const bucketStartMs = bucketOf(fact.completedAtMs);
    for (const set of GROUPING_SETS) {
      const dims = projectedDims(set, fact);
      const key = keyOf(set.grouping, bucketStartMs, dims);
      let group = groups.get(key);
      if (!group)
        groups.set(
          key,
          (group = { grouping: set.grouping, bucketStartMs, dims, aggregate: emptyAggregate() }),
        );
      addFact(group.aggregate, fact);
    }
  }
  return [...groups.values()];
}

/** Rollup groups merged into wider buckets (hours into days), per grouping set. */
export function mergeGroups(rows: Iterable<RollupGroup>, bucketOf: (ms: number) => number): RollupGroup[] {
  const groups = new Map<string, RollupGroup>();
  for (const row of rows) {
    const bucketStartMs = bucketOf(row.bucketStartMs);
    const key = keyOf(row.grouping, bucketStartMs, row.dims);
    let group = groups.get(key);
    if (!group)
      groups.set(
        key,
        (group = { grouping: row.grouping, bucketStartMs, dims: row.dims, aggregate: emptyAggregate() }),
      );
    mergeAggregate(group.aggregate, row.aggregate);
  }
  return [...groups.values()];
}

/** The columns of a rollup table row (omi_rollup_jobs_hourly and _daily have the same). */
export interface RollupColumns {
  grouping: string;
  bucket_start_ms: number;
  vcenter: string;
  datacenter: string;
  replication_type: string;
  vm_group: string;
  error_classification: string;
  status: string;
  jobs: number;
  bytes_sum: number;
  duration_count: number;
  duration_ms_sum: number;
  throughput_count: number;
  throughput_bps_sum: number;
  duration_histogram: string;
  throughput_histogram: string;
}

export function toColumns({ grouping, bucketStartMs, dims, aggregate }: RollupGroup): RollupColumns {
  return {
    grouping,
    bucket_start_ms: bucketStartMs,
    vcenter: dims.vcenter,
    datacenter: dims.datacenter,
    replication_type: dims.replicationType,
    vm_group: dims.vmGroup,
    error_classification: dims.errorClassification,
    status: dims.status,
    jobs: aggregate.jobs,
    bytes_sum: aggregate.bytes,
    duration_count: aggregate.durationCount,
    duration_ms_sum: aggregate.durationMsSum,
    throughput_count: aggregate.throughputCount,
    throughput_bps_sum: aggregate.throughputBpsSum,
    duration_histogram: aggregate.duration.serialize(),
    throughput_histogram: aggregate.throughput.serialize(),
  };
}

type RowSums = Omit<RollupColumns, 'grouping' | 'bucket_start_ms'>;

/** The sums and histograms of a row as read (the drivers may give BIGINT as strings). */
export function rowAggregate(row: RowSums): JobAggregate {
  return mergeRow(emptyAggregate(), row);
}

/** Adds a row's sums and histograms into an aggregate, as mergeAggregate with its rowAggregate, without one per row. */
export function mergeRow(into: JobAggregate, row: RowSums): JobAggregate {
  into.jobs += Number(row.jobs);
  into.bytes += Number(row.bytes_sum);
  into.durationCount += Number(row.duration_count);
  into.durationMsSum += Number(row.duration_ms_sum);
  into.throughputCount += Number(row.throughput_count);
  into.throughputBpsSum += Number(row.throughput_bps_sum);
  into.duration.mergeSerialized(row.duration_histogram);
  into.throughput.mergeSerialized(row.throughput_histogram);
  return into;
}

export function fromColumns(row: RollupColumns): RollupGroup {
  return {
    grouping: row.grouping as Grouping,
    bucketStartMs: Number(row.bucket_start_ms),
    dims: {
      vcenter: row.vcenter,
      datacenter: row.datacenter,
      replicationType: row.replication_type,
      vmGroup: row.vm_group,
      errorClassification: row.error_classification,
      status: row.status as FinishedStatus,
    },
    aggregate: rowAggregate(row),
  };
}
