// Retention of this project's own tables: rows older than the configured number of days are
// deleted, table by table, each by the time column that dates its rows. OMA tables are never
// deleted from.
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';

type OwnTable = Extract<keyof Database, `omi_${string}`>;

/** Every own table that grows with time, and the column that dates a row. */
export const RETAINED: { [T in OwnTable]?: keyof Database[T] & string } = {
  omi_mapping_audit: 'created_at',
  omi_idempotency_keys: 'created_at',
  omi_network_performance_metrics: 'measured_at',
  omi_job_progress: 'last_push_at',
  omi_disk_progress: 'updated_at',
  omi_health_samples: 'sampled_at',
  omi_job_load: 'updated_at',
  omi_migration_analytics: 'completed_at',
  omi_notifications: 'created_at',
};

/** Deletes rows older than `days` days; returns the rows deleted per table. `days` 0 keeps everything. */
export async function purgeExpired(
  store: Db,
  days: number,
  now = Date.now(),
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  if (days <= 0) return deleted;
  const cutoff = store.time.toDb(now - days * 86_400_000);
  for (const [table, column] of Object.entries(RETAINED) as [OwnTable, string][]) {
    // Table and column come from the typed list above; Kysely cannot follow the pairing through a loop.
    const result = await store.db.deleteFrom(table).where(sql.ref(column), '<', cutoff).executeTakeFirst();
    deleted[table] = Number(result.numDeletedRows);
  }
  return deleted;
}
