import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, MysqlDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';
import { dialectOf } from '../config';
import type { Database } from './schema';
import { dbTimeIn, TimeZoneError, UTC, type DbTime } from './time';

export type DialectName = 'sqlite' | 'mysql';

export interface Db {
  db: Kysely<Database>;
  dialect: DialectName;
  /** How datetimes are written and read (DB_TIMEZONE). */
  time: DbTime;
  close(): Promise<void>;
  /** The connection pool's state (for the health sampler); null where there is no pool (SQLite). */
  poolState?(): PoolState | null;
}

export interface PoolState {
  /** Open connections, and the limit. */
  total: number;
  limit: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

export interface OpenOptions {
  poolSize?: number;
  /** Zone of the database's DATETIME text, as DB_TIMEZONE (default UTC). */
  timeZone?: string;
}

/** Our session's settings: the database's zone, and errors (mapped to 4xx) instead of silent truncation. */
async function prepareMysqlSession(
  connection: { executeQuery(q: CompiledQuery): Promise<unknown> },
  time: DbTime,
) {
  try {
    await connection.executeQuery(CompiledQuery.raw('SET time_zone = ?', [time.sessionZone]));
  } catch (err) {
    throw new TimeZoneError(
      `MariaDB does not know the time zone "${time.zone}" (${(err as Error).message}): load its zone tables ` +
        `(mariadb-tzinfo-to-sql /usr/share/zoneinfo | mariadb mysql) or set DB_TIMEZONE to an offset like +02:00`,
    );
  }
  await connection.executeQuery(
    CompiledQuery.raw("SET sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'STRICT_ALL_TABLES')"),
  );
}

/** Opens the store named by `dbUrl`: a mysql:// URL or a SQLite file path (`:memory:` works). */
export function openDatabase(dbUrl: string, options: OpenOptions = {}): Db {
  const dialect = dialectOf(dbUrl);
  const time = options.timeZone ? dbTimeIn(options.timeZone) : UTC;
  if (dialect === 'mysql') {
    const pool = createPool({
      uri: dbUrl.replace(/^mariadb:/i, 'mysql:'),
      connectionLimit: options.poolSize ?? 10,
      // Same datetime strings as SQLite; DECIMAL/SUM as numbers.
      dateStrings: true,
      decimalNumbers: true,
      supportBigNumbers: true,
      timezone: 'Z',
      charset: 'utf8mb4',
    });
    const db = new Kysely<Database>({
      dialect: new MysqlDialect({ pool, onCreateConnection: (c) => prepareMysqlSession(c, time) }),
    });
    // mysql2 keeps these counts in its pool's (undocumented but long-stable) queues.
    const queues = pool as unknown as Record<
      '_allConnections' | '_freeConnections' | '_connectionQueue',
      { length: number } | undefined
    >;
    const poolState = (): PoolState => ({
      total: queues._allConnections?.length ?? 0,
      limit: options.poolSize ?? 10,
      idle: queues._freeConnections?.length ?? 0,
      waiting: queues._connectionQueue?.length ?? 0,
    });
    return { db, dialect, time, close: () => db.destroy(), poolState };
  }

  if (dbUrl !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbUrl)), { recursive: true });
  const sqlite = new Sqlite(dbUrl);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect, time, close: () => db.destroy() };
}
