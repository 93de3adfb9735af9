// A completion-time index of volume_operations in our own table: the OMA's table has no index on
// completed_at, so reading the operations that finished in a time range (every request's partial
// hours, every rollup run) would read every finished row. An operation is found once by its
// created_at (the OMA's index) and kept with its completed_at; one not finished yet is kept without
// and looked at again by primary key on each run until it finishes. A request reads:
//  - indexed operations through omi_volume_op_times (finished in range, or pending at the last run);
//  - operations created since the mark (and without a created_at) through the OMA's created_at index.
// Every row is checked against its own status and completed_at, so a stale entry can hide a row
// whose completed_at was rewritten after it finished, but never count a wrong one.
import type { Db } from '../../db/connect';
import { inTransaction, upsert } from '../../db/dialect';
import { markRolledUpTo, rolledUpTo } from '../rollups/roll-up';
import { FINISHED_STATUSES } from '../rollups/job-facts';

/** Its omi_rollup_state row; rolled_up_to_ms there is the newest created_at indexed. */
export const VOLUME_OP_TIMES = 'volume_op_times';
/** Rows created this long before the mark are read again: a transaction may commit after its created_at. */
export const CREATED_MARGIN_MS = 10 * 60_000;
const BATCH = 5_000;

/** The newest created_at indexed (epoch ms), or null before the first run. */
export const volumeOpTimesMark = (store: Pick<Db, 'db'>) => rolledUpTo(store, VOLUME_OP_TIMES);

type Entry = { op_id: string; completed_ms: number | null };

function entryOf(store: Pick<Db, 'time'>, row: { id: string; status: string; completed_at: unknown }): Entry {
  const done = (FINISHED_STATUSES as readonly string[]).includes(row.status);
  return { op_id: row.id, completed_ms: done ? store.time.toMs(row.completed_at as string | null) : null };
}

async function save(store: Db, entries: Entry[], mark: number | null) {
  await inTransaction(store, async (trx) => {
    for (let i = 0; i < entries.length; i += 500) {
      await upsert(
        trx.insertInto('omi_volume_op_times').values(entries.slice(i, i + 500)),
        store.dialect,
        ['op_id'],
        ['completed_ms'],
      ).execute();
    }
    if (mark !== null) await markRolledUpTo(trx, store, mark, VOLUME_OP_TIMES);
  });
}

/** Indexes operations created since the last run and those pending then. Returns rows read. */
export async function indexVolumeOpTimes(store: Db): Promise<number> {
  let read = 0;
  // Pending at the last run: finished since?
  const pending = await store.db
    .selectFrom('omi_volume_op_times')
    .select('op_id')
    .where('completed_ms', 'is', null)
    .execute();
  for (let i = 0; i < pending.length; i += BATCH) {
    const ids = pending.slice(i, i + BATCH).map((p) => p.op_id);
    const rows = await store.db
      .selectFrom('volume_operations')
      .select(['id', 'status', 'completed_at'])
      .where('id', 'in', ids)
      .execute();
    read += rows.length;
    const finished = rows.map((r) => entryOf(store, r)).filter((e) => e.completed_ms !== null);
    if (finished.length) await save(store, finished, null);
  }
  // New ones, in created_at order (keyset on created_at, id).
  const mark = await volumeOpTimesMark(store);
  let highest = mark ?? -1;
  let after: { at: string; id: string } | null = null;
  const since = store.time.toDb(mark === null ? 0 : Math.max(0, mark - CREATED_MARGIN_MS));
  for (;;) {
    let query = store.db
      .selectFrom('volume_operations')
      .select(['id', 'status', 'completed_at', 'created_at'])
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .orderBy('id')
      .limit(BATCH);
    if (after) {
      const { at, id } = after;
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]),
      );
    }
    const rows = await query.execute();
    if (!rows.length) break;
    read += rows.length;
    const last = rows[rows.length - 1];
    after = { at: last.created_at as string, id: last.id };
    highest = Math.max(highest, store.time.toMs(last.created_at) ?? -1);
    await save(
      store,
      rows.map((r) => entryOf(store, r)),
      highest,
    );
  }
  if (mark === null && highest === -1)
    await inTransaction(store, (trx) => markRolledUpTo(trx, store, -1, VOLUME_OP_TIMES));
  return read;
}
