// The few places where MariaDB and SQLite need different SQL, and the transaction retry that
// MariaDB's row locking calls for. Everything else is dialect-neutral Kysely.
import {
  sql,
  type InsertQueryBuilder,
  type InsertResult,
  type SelectQueryBuilder,
  type Transaction,
} from 'kysely';
import type { Db, DialectName } from './connect';
import type { Database } from './schema';

/**
 * INSERT that updates `update` columns when a row with the same unique `key` exists, in one
 * statement: concurrent writers of one key never see a duplicate-key error.
 * The conflict target is `key` on SQLite; MariaDB takes any unique key of the table.
 */
export function upsert<TB extends keyof Database & string>(
  insert: InsertQueryBuilder<Database, TB, InsertResult>,
  dialect: DialectName,
  key: readonly (keyof Database[TB] & string)[],
  update: readonly (keyof Database[TB] & string)[],
): InsertQueryBuilder<Database, TB, InsertResult> {
  if (dialect === 'mysql') {
    const values = Object.fromEntries(update.map((c) => [c, sql`values(${sql.ref(c)})`]));
    return insert.onDuplicateKeyUpdate(values as never);
  }
  return insert.onConflict((oc) =>
    oc
      .columns(key as never)
      .doUpdateSet(Object.fromEntries(update.map((c) => [c, sql.ref(`excluded.${c}`)])) as never),
  );
}

/** A locking read on MariaDB (rows stay ours until commit); SQLite serializes whole transactions. */
export function forUpdate<TB extends keyof Database, O>(
  query: SelectQueryBuilder<Database, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<Database, TB, O> {
  return dialect === 'mysql' ? query.forUpdate() : query;
}

/** Errors after which a whole transaction can simply run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);
const ATTEMPTS = 5;

/**
 * Runs `work` in a transaction, again (up to 5 times, with a short random pause) when the
 * database chose it as a deadlock victim. `work` must only touch the database.
 */
export async function inTransaction<T>(
  store: Db,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.db.transaction().execute(work);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (attempt >= ATTEMPTS || !RETRYABLE.has(code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
