// A time index of cbt_history in our own table: the OMA's table has no index on created_at, so
// reading a time range would scan every row. Rows are indexed by primary-key ranges (cheap, and
// the backfill is one pass); a request reads indexed rows through omi_cbt_sync_times and the rows
// above the mark by primary key. cbt_history rows are written once (a finished disk sync) and
// never updated, so the index stays exact; a deleted row just has a stale entry nobody joins to.
// Each entry also names the row's disk and success, and keeps when its disk last synced
// successfully before it (the change rate's interval), worked out once as the row is indexed.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/connect';
import { inTransaction } from '../../db/dialect';
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

interface Entry {
  cbt_id: number;
  created_ms: number;
  disk_key: string;
  success: number;
  previous_success_ms: number | null;
}

/** The newest successful sync of each disk among those given, from the index. */
async function newestSuccesses(store: Db, keys: string[], into: Map<string, number | null>) {
  const missing = [...new Set(keys)].filter((k) => !into.has(k));
  for (let i = 0; i < missing.length; i += 1000) {
    const chunk = missing.slice(i, i + 1000);
    const rows = await store.db
      .selectFrom('omi_cbt_sync_times')
      .select(['disk_key', (eb) => eb.fn.max('created_ms').as('ms')])
      .where('success', '=', 1)
      .where('disk_key', 'in', chunk)
      .groupBy('disk_key')
      .execute();
    for (const key of chunk) into.set(key, null);
    for (const row of rows) into.set(row.disk_key, row.ms === null ? null : Number(row.ms));
  }
}

/**
 * Sets each entry's previous successful sync of its disk. `newest` holds each disk's newest
 * success known (the index and this pass) and is kept current. Rows arrive in time order per disk
 * (a sync's row is written as it ends), so the previous one is that newest; a row older than it
 * is looked up in the index, and returned when it is a success, as the later rows of its disk
 * then have it as their previous sync.
 */
async function linkPrevious(store: Db, entries: Entry[], newest: Map<string, number | null>) {
  await newestSuccesses(
    store,
    entries.map((e) => e.disk_key),
    newest,
  );
  const sorted = [...entries].sort((a, b) => a.created_ms - b.created_ms || a.cbt_id - b.cbt_id);
  const batchSuccesses = new Map<string, number[]>();
  const reordered: Entry[] = [];
  for (const e of sorted) {
    const known = newest.get(e.disk_key) ?? null;
    const earlier = batchSuccesses.get(e.disk_key) ?? [];
    if (known === null || known < e.created_ms) e.previous_success_ms = known;
    else {
      const row = await store.db
        .selectFrom('omi_cbt_sync_times')
        .select((eb) => eb.fn.max('created_ms').as('ms'))
        .where('disk_key', '=', e.disk_key)
        .where('success', '=', 1)
        .where('created_ms', '<', e.created_ms)
        .executeTakeFirst();
      let previous = row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
      for (const at of earlier) if (at < e.created_ms && (previous === null || at > previous)) previous = at;
      e.previous_success_ms = previous;
      if (e.success) reordered.push(e);
    }
    if (e.success) {
      earlier.push(e.created_ms);
      batchSuccesses.set(e.disk_key, earlier);
      newest.set(e.disk_key, Math.max(known ?? -Infinity, e.created_ms));
    }
  }
  return reordered;
}

/**
 * Indexes the rows added since the last run (ids in the margin below the mark that are not indexed
 * yet, and every id above it). Returns rows read.
 */
export async function indexCbtTimes(store: Db): Promise<number> {
  const mark = await cbtTimesMark(store);
  let after = mark === null ? -1 : Math.max(-1, mark - ID_MARGIN);
  let highest = mark ?? -1;
  let read = 0;
  const newest = new Map<string, number | null>();
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
    const ids = rows.map((r) => Number(r.id));
    const indexed = new Set(
      mark !== null && ids[0] <= mark
        ? (
            await store.db
              .selectFrom('omi_cbt_sync_times')
              .select('cbt_id')
              .where('cbt_id', 'in', ids)
              .execute()
          ).map((r) => Number(r.cbt_id))
        : [],
    );
    const entries: Entry[] = rows.flatMap((r) => {
      const ms = store.time.toMs(r.created_at);
      if (ms === null || indexed.has(Number(r.id))) return [];
      const success = Number(r.sync_success) === 1 ? 1 : 0;
      const disk_key = diskKey(r.vm_context_id, r.disk_id);
      return [{ cbt_id: Number(r.id), created_ms: ms, disk_key, success, previous_success_ms: null }];
    });
    const reordered = await linkPrevious(store, entries, newest);
    after = ids[ids.length - 1];
    highest = Math.max(highest, after);
    await inTransaction(store, async (trx) => {
      for (let i = 0; i < entries.length; i += 1000) {
        await trx
          .insertInto('omi_cbt_sync_times')
          .values(entries.slice(i, i + 1000))
          .execute();
      }
      // A success older than its disk's newest is the previous sync of the later ones.
      for (const e of reordered) {
        await trx
          .updateTable('omi_cbt_sync_times')
          .set({ previous_success_ms: e.created_ms })
          .where('disk_key', '=', e.disk_key)
          .where('created_ms', '>', e.created_ms)
          .where((eb) =>
            eb.or([eb('previous_success_ms', 'is', null), eb('previous_success_ms', '<', e.created_ms)]),
          )
          .execute();
      }
      await markRolledUpTo(trx, store, highest, CBT_TIMES);
    });
  }
  if (mark === null && highest === -1) {
    await inTransaction(store, (trx) => markRolledUpTo(trx, store, -1, CBT_TIMES));
  }
  return read;
}
