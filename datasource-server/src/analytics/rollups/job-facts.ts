// The one rule that places a replication job in time, and the figures rolled up from it. A job
// counts once it is finished — status completed, failed or cancelled with a completed_at — in the
// hour (UTC) of its completed_at. Running and pending jobs are never counted. Rollups and raw
// reads both use these functions, so the two cannot disagree.
import type { Db } from '../../db/connect';
import { Histogram } from '../histogram/histogram';

export const FINISHED_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Filters that rollups carry as dimensions (vm is not one: a vm filter reads raw rows). */
export interface JobFilters {
  vcenter?: string;
  datacenter?: string;
  replication_type?: string;
  vm_group?: string;
  vm?: string;
}

/** A finished job as rollups see it. */
export interface JobFact {
  completedAtMs: number;
  vcenter: string;
  datacenter: string;
  replicationType: string;
  vmGroup: string;
  errorClassification: string;
  status: FinishedStatus;
  bytes: number;
  /** Null without a started_at (or a started_at after completed_at). */
  durationMs: number | null;
  /** Null unless positive. */
  throughputBps: number | null;
}

/** Counts, sums and histograms of some finished jobs; adding and merging are exact. */
export interface JobAggregate {
  jobs: number;
  bytes: number;
  durationCount: number;
  durationMsSum: number;
  throughputCount: number;
  throughputBpsSum: number;
  /** Seconds. */
  duration: Histogram;
  /** Bytes per second. */
  throughput: Histogram;
}

export function emptyAggregate(): JobAggregate {
  return {
    jobs: 0,
    bytes: 0,
    durationCount: 0,
    durationMsSum: 0,
    throughputCount: 0,
    throughputBpsSum: 0,
    duration: new Histogram(),
    throughput: new Histogram(),
  };
}

export function addFact(into: JobAggregate, fact: JobFact): JobAggregate {
  into.jobs += 1;
  into.bytes += fact.bytes;
  if (fact.durationMs !== null) {
    into.durationCount += 1;
    into.durationMsSum += fact.durationMs;
    into.duration.add(fact.durationMs / 1000);
  }
  if (fact.throughputBps !== null) {
    into.throughputCount += 1;
    into.throughputBpsSum += fact.throughputBps;
    into.throughput.add(fact.throughputBps);
  }
  return into;
}

export function mergeAggregate(into: JobAggregate, other: JobAggregate): JobAggregate {
  into.jobs += other.jobs;
  into.bytes += other.bytes;
  into.durationCount += other.durationCount;
  into.durationMsSum += other.durationMsSum;
  into.throughputCount += other.throughputCount;
  into.throughputBpsSum += other.throughputBpsSum;
  into.duration.merge(other.duration);
  into.throughput.merge(other.throughput);
  return into;
}

export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
/** The start of the UTC day of `ms`. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Finished jobs whose completed_at is in [fromMs, toMs), filtered. Uses the OMA's
 * (status, completed_at) index; grouping happens in the caller, because the hour of a zone-less
 * DATETIME in DB_TIMEZONE is not portable SQL and histograms need every value anyway.
 */
export async function finishedJobs(
  store: Pick<Db, 'db' | 'time'>,
  fromMs: number,
  toMs: number,
  filters: JobFilters = {},
): Promise<JobFact[]> {
  let query = store.db
    .selectFrom('replication_jobs')
    .select([
      'completed_at',
      'started_at',
      'v_center_host',
      'datacenter',
      'replication_type',
      'vm_group_id',
      'vma_error_classification',
      'status',
      'bytes_transferred',
      'transfer_speed_bps',
    ])
    .where('status', 'in', FINISHED_STATUSES)
    .where('completed_at', '>=', store.time.toDb(fromMs))
    .where('completed_at', '<', store.time.toDb(toMs));
  if (filters.vcenter !== undefined) query = query.where('v_center_host', '=', filters.vcenter);
  if (filters.datacenter !== undefined) query = query.where('datacenter', '=', filters.datacenter);
  if (filters.replication_type !== undefined)
    query = query.where('replication_type', '=', filters.replication_type);
  if (filters.vm_group !== undefined) query = query.where('vm_group_id', '=', filters.vm_group);
  if (filters.vm !== undefined) query = query.where('source_vm_name', '=', filters.vm);
  const rows = await query.execute();
  const facts: JobFact[] = [];
  for (const row of rows) {
    const completedAtMs = store.time.toMs(row.completed_at);
    if (completedAtMs === null) continue;
    const startedAtMs = store.time.toMs(row.started_at);
    const speed = Number(row.transfer_speed_bps ?? 0);
    facts.push({
      completedAtMs,
      vcenter: row.v_center_host,
      datacenter: row.datacenter,
      replicationType: row.replication_type,
      vmGroup: row.vm_group_id ?? '',
      errorClassification: row.vma_error_classification ?? '',
      status: row.status as FinishedStatus,
      bytes: Number(row.bytes_transferred ?? 0),
      durationMs: startedAtMs !== null && startedAtMs <= completedAtMs ? completedAtMs - startedAtMs : null,
      throughputBps: speed > 0 ? speed : null,
    });
  }
  return facts;
}
