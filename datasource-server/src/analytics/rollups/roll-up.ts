// Recomputes hourly rollups of finished replication jobs from the raw table, at every grouping
// set (grouping-sets.ts), and the daily rollups of every day whose hours are all rolled up. An
// hour (and a day) is replaced as a whole in one transaction, so running it again (or
// concurrently with a reader) never double-counts. Only complete hours are rolled up; the caller
// decides which.
import type { Transaction } from 'kysely';
import type { Db } from '../../db/connect';
import { inTransaction } from '../../db/dialect';
import type { Database } from '../../db/schema';
import { fromColumns, groupFacts, mergeGroups, toColumns } from './grouping-sets';
import { dayOf, DAY_MS, finishedJobs, FINISHED_STATUSES, hourOf, HOUR_MS } from './job-facts';

export const JOBS_ROLLUP = 'replication_jobs_hourly';
const INSERT_BATCH = 200;

export class RollupRangeError extends Error {}

export interface RollupResult {
  hours: number;
  rows: number;
  jobs: number;
}

/**
 * Replaces the daily rows of the day starting at `dayMs` with the merge of its hourly rows, as
 * the transaction sees them.
 */
async function rollUpDay(trx: Transaction<Database>, dayMs: number): Promise<void> {
  const hourly = await trx
    .selectFrom('omi_rollup_jobs_hourly')
    .select([
      'grouping',
      'bucket_start_ms',
      'vcenter',
      'datacenter',
      'replication_type',
      'vm_group',
      'error_classification',
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
    .where('bucket_start_ms', '>=', dayMs)
    .where('bucket_start_ms', '<', dayMs + DAY_MS)
    .execute();
  const rows = mergeGroups(hourly.map(fromColumns), dayOf).map(toColumns);
  await trx.deleteFrom('omi_rollup_jobs_daily').where('bucket_start_ms', '=', dayMs).execute();
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await trx
      .insertInto('omi_rollup_jobs_daily')
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
  }
}

/**
 * Replaces the rollup rows of every hour in [fromHourMs, toHourMs) (both on an hour) with what
 * the raw table holds now, a UTC day (or what of it is in the range) per transaction. Each day
 * whose hours are then all rolled up (before the range's end or the rolled-up mark) gets its
 * daily rows again. `afterChunk` runs inside each chunk's transaction (e.g. to advance the
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
  for (let start = fromHourMs; start < toHourMs;) {
    const day = dayOf(start);
    const end = Math.min(toHourMs, day + DAY_MS);
    const facts = await finishedJobs(store, start, end);
    const rows = groupFacts(facts, hourOf).map(toColumns);
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
      const mark = await rolledUpTo({ db: trx });
      if (day + DAY_MS <= Math.max(end, mark ?? end)) await rollUpDay(trx, day);
    });
    result.rows += rows.length;
    result.jobs += facts.length;
    start = end;
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
