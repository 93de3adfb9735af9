// A time index of cbt_history in our own table: the OMA's table has no index on created_at, so
// reading a time range would scan every row. Rows are indexed by primary-key ranges (cheap, and
// the backfill is one pass); a request reads indexed rows through omi_cbt_sync_times and the rows
// above the mark by primary key. cbt_history rows are written once (a finished disk sync) and
// never updated, so the index stays exact; a deleted row just has a stale entry nobody joins to.
// Each entry also names the row's disk and success, so the previous successful sync of a disk
// (the change rate's interval) is an index seek (disk_key, success, created_ms).
import { createHash } from 'node:crypto';
import type { Db } from '../../db/connect';
import { inTransaction, upsert } from '../../db/dialect';
import { markRolledUpTo, rolledUpTo } from '../rollups/roll-up';

/** Its omi_rollup_state row; rolled_up_to_ms there holds the highest cbt_history.id indexed. */
export const CBT_TIMES = 'cbt_sync_times';
/** Ids below the mark read again each run: a transaction that took an id earlier may commit later. */
const ID_MARGIN = 10_000;
const BATCH = 5_000;

/** A disk's key in the index: cbt_history.disk_id is longtext, and only unique within its VM. */
export const diskKey = (vmContextId: string | null, diskId: string) =>
  createHash('sha1')
    .update(`${vmContextId ?? ''}\u0000${diskId}`)
    .digest('hex');

/** The highest cbt_history.id in the index, or null before the first run. */
export const cbtTimesMark = (store: Pick<Db, 'db'>) => rolledUpTo(store, CBT_TIMES);

/** Indexes the rows added since the last run (and the margin below it). Returns rows read. */
export async function indexCbtTimes(store: Db): Promise<number> {
  const mark = await cbtTimesMark(store);
  let after = mark === null ? -1 : Math.max(-1, mark - ID_MARGIN);
  let highest = mark ?? -1;
  let read = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom('cbt_history')
      .select(['id', 'created_at', 'vm_context_id', 'disk_id', 'sync_success'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (!rows.length) break;
    read += rows.length;
    const values = rows.flatMap((r) => {
      const ms = store.time.toMs(r.created_at);
      if (ms === null) return [];
      const success = Number(r.sync_success) === 1 ? 1 : 0;
      return [
        { cbt_id: Number(r.id), created_ms: ms, disk_key: diskKey(r.vm_context_id, r.disk_id), success },
      ];
    });
    after = Number(rows[rows.length - 1].id);
    highest = Math.max(highest, after);
    await inTransaction(store, async (trx) => {
      if (values.length) {
        await upsert(
          trx.insertInto('omi_cbt_sync_times').values(values),
          store.dialect,
          ['cbt_id'],
          ['created_ms', 'disk_key', 'success'],
        ).execute();
      }
      await markRolledUpTo(trx, store, highest, CBT_TIMES);
    });
  }
  if (mark === null && highest === -1) {
    await inTransaction(store, (trx) => markRolledUpTo(trx, store, -1, CBT_TIMES));
  }
  return read;
}
