import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, MysqlDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';
import { dialectOf } from '../config';
import type { Database } from './schema';

export type DialectName = 'sqlite' | 'mysql';

export interface Db {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

/** Opens the store named by `dbUrl`: a mysql:// URL or a SQLite file path (`:memory:` works). */
export function openDatabase(dbUrl: string, options: { poolSize?: number } = {}): Db {
  const dialect = dialectOf(dbUrl);
  if (dialect === 'mysql') {
    const pool = createPool({
      uri: dbUrl.replace(/^mariadb:/i, 'mysql:'),
      connectionLimit: options.poolSize ?? 10,
      // Same datetime strings as SQLite; DECIMAL/SUM as numbers; UTC session for TIMESTAMP columns.
      dateStrings: true,
      decimalNumbers: true,
      supportBigNumbers: true,
      timezone: 'Z',
      charset: 'utf8mb4',
    });
    pool.on('connection', (connection) => {
      connection.query("SET time_zone = '+00:00'");
    });
    const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
    return { db, dialect, close: () => db.destroy() };
  }

  if (dbUrl !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbUrl)), { recursive: true });
  const sqlite = new Sqlite(dbUrl);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect, close: () => db.destroy() };
}
