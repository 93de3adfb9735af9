// One instance at a time for scheduled work: MariaDB's named lock (GET_LOCK) across servers that
// share a database; on SQLite (one file, one server) the caller's in-process guard is enough.
import { sql } from 'kysely';
import type { Db } from './connect';

/**
 * Runs `work` holding the named lock on one pinned connection. Returns null without running it
 * when another instance holds the lock (no waiting: the next scheduled run tries again).
 */
export async function withDatabaseLock<T>(
  store: Db,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  if (store.dialect !== 'mysql') return work();
  return store.db.connection().execute(async (conn) => {
    const { rows } = await sql<{ got: number | null }>`select get_lock(${name}, 0) as got`.execute(conn);
    if (Number(rows[0]?.got) !== 1) return null;
    try {
      return await work();
    } finally {
      await sql`select release_lock(${name})`.execute(conn);
    }
  });
}
