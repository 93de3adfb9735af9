import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './connect';
import { omaCoreMigrations } from './migrations/oma-core';
import { ownMigrations } from './migrations/own-tables';

export type StorageMode = 'standalone' | 'attach';

const OMA_MIGRATION_TABLE = 'omi_oma_schema_migrations';
const OWN_MIGRATION_TABLE = 'omi_schema_migrations';

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

export async function tableExists(db: Kysely<any>, name: string): Promise<boolean> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.some((table) => table.name === name);
}

/**
 * An OMA table that we did not create means a real OMA database: attach to it and never alter
 * its tables. Otherwise we own the OMA tables too (standalone).
 */
export async function detectMode(db: Kysely<any>): Promise<StorageMode> {
  const omaPresent = await tableExists(db, 'vm_replication_contexts');
  const createdByUs = await tableExists(db, OMA_MIGRATION_TABLE);
  return omaPresent && !createdByUs ? 'attach' : 'standalone';
}

async function run(db: Kysely<any>, table: string, migrations: Record<string, Migration>) {
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations),
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const where = failed ? ` in migration ${failed.migrationName}` : '';
    throw new Error(`Database migration failed${where}: ${(error as Error).message ?? String(error)}`);
  }
  return results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
}

/** Brings the schema up to date and says which mode the store is in. */
export async function migrate({ db, dialect }: Db): Promise<{ mode: StorageMode; applied: string[] }> {
  const mode = await detectMode(db);
  const applied: string[] = [];
  if (mode === 'standalone')
    applied.push(...(await run(db, OMA_MIGRATION_TABLE, omaCoreMigrations(dialect))));
  applied.push(...(await run(db, OWN_MIGRATION_TABLE, ownMigrations(dialect))));
  return { mode, applied };
}

export async function databaseVersion({ db, dialect }: Db): Promise<string | null> {
  const query =
    dialect === 'mysql'
      ? sql<{ v: string }>`select version() as v`
      : sql<{ v: string }>`select sqlite_version() as v`;
  const { rows } = await query.execute(db);
  return rows[0]?.v ?? null;
}
