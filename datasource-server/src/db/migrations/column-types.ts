// The few column types that differ between MariaDB and SQLite, in one place.
import { sql, type ColumnDefinitionBuilder, type RawBuilder } from 'kysely';
import type { DialectName } from '../connect';

type Build = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
/** Arguments for `CreateTableBuilder.addColumn`, spread in: `.addColumn(...t.autoId('id'))`. */
type ColumnArgs = [string, RawBuilder<unknown>, Build];

export interface ColumnTypes {
  longtext: RawBuilder<unknown>;
  datetime: RawBuilder<unknown>;
  timestamp: RawBuilder<unknown>;
  /** JSON documents: LONGTEXT in MariaDB (as the OMA dump), TEXT in SQLite. */
  json: RawBuilder<unknown>;
  /** An ENUM column in MariaDB, TEXT with a CHECK constraint in SQLite. */
  enumColumn(column: string, values: readonly string[], build?: Build): ColumnArgs;
  /** BIGINT AUTO_INCREMENT primary key (INTEGER PRIMARY KEY in SQLite). */
  autoId(column: string): ColumnArgs;
}

const literals = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));
const same: Build = (c) => c;

export function columnTypes(dialect: DialectName): ColumnTypes {
  if (dialect === 'mysql') {
    return {
      longtext: sql`longtext`,
      datetime: sql`datetime(3)`,
      timestamp: sql`timestamp NULL`,
      json: sql`longtext`,
      enumColumn: (column, values, build = same) => [column, sql`enum(${literals(values)})`, build],
      autoId: (column) => [column, sql`bigint`, (c) => c.autoIncrement().primaryKey()],
    };
  }
  return {
    longtext: sql`text`,
    datetime: sql`text`,
    timestamp: sql`text`,
    json: sql`text`,
    enumColumn: (column, values, build = same) => [
      column,
      sql`text`,
      (c) => build(c.check(sql`${sql.ref(column)} in (${literals(values)})`)),
    ],
    autoId: (column) => [column, sql`integer`, (c) => c.primaryKey().autoIncrement()],
  };
}
