// Recomputes hourly rollups of finished replication jobs from the raw table. An hour is replaced
// as a whole in one transaction, so running it again (or concurrently with a reader) never
// double-counts. Only complete hours are rolled up; the caller decides which.
import type { Transaction } from 'kysely';
import type { Db } from '../../db/connect';
import { inTransaction } from '../../db/dialect';
import type { Database } from '../../db/schema';
import {
  addFact,
  emptyAggregate,
  finishedJobs,
  FINISHED_STATUSES,
  hourOf,
  HOUR_MS,
  type JobAggregate,
  type JobFact,
} from './job-facts';

export const JOBS_ROLLUP = 'replication_jobs_hourly';
/** Hours replaced per transaction: a day keeps each read of the raw table short. */
const CHUNK_HOURS = 24;
const INSERT_BATCH = 200;

export class RollupRangeError extends Error {}

interface Dimensions {
  bucketStartMs: number;
  vcenter: string;
  datacenter: string;
  replicationType: string;
  vmGroup: string;
  errorClassification: string;
  status: string;
}

/** Groups facts by hour and dimensions (the rollup's GROUP BY). Pure. */
export function groupByHour(facts: readonly JobFact[]): { dims: Dimensions; aggregate: JobAggregate }[] {
  const groups = new Map<string, { dims: Dimensions; aggregate: JobAggregate }>();
  for (const fact of facts) {
    const dims: Dimensions = {
      bucketStartMs: hourOf(fact.completedAtMs),
      vcenter: fact.vcenter,
      datacenter: fact.datacenter,
      replicationType: fact.replicationType,
      vmGroup: fact.vmGroup,
      errorClassification: fact.errorClassification,
      status: fact.status,
    };
    const key = JSON.stringify(Object.values(dims));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims, aggregate: emptyAggregate() }));
    addFact(group.aggregate, fact);
  }
  return [...groups.values()];
}

export interface RollupResult {
  hours: number;
  rows: number;
  jobs: number;
}

/**
 * Replaces the rollup rows of every hour in [fromHourMs, toHourMs) (both on an hour) with what
 * the raw table holds now. `afterChunk` runs inside each chunk's transaction (e.g. to advance the
 * rolled-up mark with the rows).
 */
export async function rollUpHours(
  store: Db,
  fromHourMs: number,
  toHourMs: number,
  afterChunk?: (trx: Transaction<Database>, chunkEndMs: number) => Promise<void>,
): Promise<RollupResult> {
  if (hourOf(fromHourMs) !== fromHourMs || hourOf(toHourMs) !== toHourMs || toHourMs < fromHourMs) {
    throw new RollupRangeError(
      `A rollup range is whole hours, from before to: ${new Date(fromHourMs).toISOString()} .. ${new Date(toHourMs).toISOString()}`,
    );
  }
  const result: RollupResult = { hours: (toHourMs - fromHourMs) / HOUR_MS, rows: 0, jobs: 0 };
  for (let start = fromHourMs; start < toHourMs; start += CHUNK_HOURS * HOUR_MS) {
    const end = Math.min(toHourMs, start + CHUNK_HOURS * HOUR_MS);
    const groups = groupByHour(await finishedJobs(store, start, end));
    const rows = groups.map(({ dims, aggregate }) => ({
      bucket_start_ms: dims.bucketStartMs,
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
    }));
    await inTransaction(store, async (trx) => {
      await trx
        .deleteFrom('omi_rollup_jobs_hourly')
        .where('bucket_start_ms', '>=', start)
        .where('bucket_start_ms', '<', end)
        .execute();
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await trx
          .insertInto('omi_rollup_jobs_hourly')
          .values(rows.slice(i, i + INSERT_BATCH))
          .execute();
      }
      await afterChunk?.(trx, end);
    });
    result.rows += rows.length;
    result.jobs += groups.reduce((sum, g) => sum + g.aggregate.jobs, 0);
  }
  return result;
}

/** Every hour before this is rolled up (in the rollup `name`); null before the first run. */
export async function rolledUpTo(store: Pick<Db, 'db'>, name = JOBS_ROLLUP): Promise<number | null> {
  const row = await store.db
    .selectFrom('omi_rollup_state')
    .select('rolled_up_to_ms')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? Number(row.rolled_up_to_ms) : null;
}

export async function markRolledUpTo(
  trx: Transaction<Database>,
  store: Db,
  toMs: number,
  name = JOBS_ROLLUP,
) {
  const updated = await trx
    .updateTable('omi_rollup_state')
    .set({ rolled_up_to_ms: toMs, updated_at: store.time.toDb(Date.now()) })
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await trx
      .insertInto('omi_rollup_state')
      .values({ name, rolled_up_to_ms: toMs, updated_at: store.time.toDb(Date.now()) })
      .execute();
  }
}

/**
 * Hours before the mark are rolled up again on every run: a job the OMA writes late (its
 * completed_at already an hour or two old) still reaches its hour.
 */
export const LATE_HOURS = 2;

/**
 * Rolls up every complete hour not yet rolled up (and the last LATE_HOURS again): on the first
 * run, from the hour of the earliest finished job (the backfill). `nowMs`: the clock.
 */
export async function rollUpPending(store: Db, nowMs: number): Promise<RollupResult & { toMs: number }> {
  const toMs = hourOf(nowMs);
  const mark = await rolledUpTo(store);
  let fromMs: number;
  if (mark !== null) fromMs = Math.min(toMs, Math.max(0, mark - LATE_HOURS * HOUR_MS));
  else {
    const first = await store.db
      .selectFrom('replication_jobs')
      .select((eb) => eb.fn.min('completed_at').as('first'))
      .where('status', 'in', FINISHED_STATUSES)
      // Not MySQL's zero date or other placeholders.
      .where('completed_at', '>=', store.time.toDb(0))
      .executeTakeFirst();
    const firstMs = store.time.toMs(first?.first ?? null);
    fromMs = firstMs === null ? toMs : Math.min(toMs, hourOf(firstMs));
  }
  const result = await rollUpHours(store, fromMs, toMs, (trx, chunkEndMs) =>
    markRolledUpTo(trx, store, chunkEndMs),
  );
  // Nothing to roll up still moves the mark: the hours up to now are known to be empty.
  if (fromMs === toMs) await inTransaction(store, (trx) => markRolledUpTo(trx, store, toMs));
  return { ...result, toMs };
}
