// Test targets: SQLite always; with MariaDB (a fresh database per target): standalone, attach mode
// on OMA tables laid out by our own OMA-core migrations, and attach mode on the real OMA schema
// dump named by OMA_SCHEMA_SQL. Without MariaDB the MySQL targets say loudly that they were
// skipped; REQUIRE_MYSQL=1 (CI) turns that into a failure. The same goes for the dump and
// REQUIRE_FIXTURES=1 (see external-fixture.ts).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { buildApp, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig, type Config } from '../src/config';
import { openDatabase, type Db } from '../src/db/connect';
import { migrate, type StorageMode } from '../src/db/migrate';
import { omaCoreMigrations } from '../src/db/migrations/oma-core';
import { seedDemoWorld } from '../src/demo/seed';
import { InMemoryEventBus, type LiveEvent } from '../src/events/bus';
import { MYSQL_URL } from './mysql-check';

/** The zone the test databases keep datetimes in: CI runs the suites once more with a non-UTC one. */
export const DB_TIMEZONE = process.env.DB_TIMEZONE || 'UTC';
/** A fixed end of history keeps seeded worlds identical between runs. */
export const FIXED_END = new Date('2026-11-01T12:00:00Z');

export const SECRETS = {
  reader: 'reader-secret-0123456789abcdef',
  writer: 'writer-secret-0123456789abcdef',
  ingest: 'ingest-secret-0123456789abcdef',
  admin: 'admin-secret-0123456789abcdefgh',
};
export const API_TOKENS = [
  `reader:read:${SECRETS.reader}`,
  `writer:read+write:${SECRETS.writer}`,
  `ingest:ingest:${SECRETS.ingest}`,
  `admin:read+write+ingest:${SECRETS.admin}`,
].join(',');
export const bearer = (who: keyof typeof SECRETS) => ({ authorization: `Bearer ${SECRETS[who]}` });

export type TargetName = 'sqlite' | 'mysql' | 'mysql-attach' | 'mysql-oma-dump';

/** Targets whose OMA tables someone else created, so the server must run in attach mode. */
export const isAttachTarget = (target: TargetName) =>
  target === 'mysql-attach' || target === 'mysql-oma-dump';

async function freshMysqlDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `omi_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const conn = await createConnection({ uri: MYSQL_URL });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  await conn.end();
  return {
    url: `${MYSQL_URL.replace(/\/$/, '')}/${name}`,
    drop: async () => {
      const c = await createConnection({ uri: MYSQL_URL });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Loads the production schema dump with the mariadb client, as an operator would. */
export function loadSchemaDump(url: string, dumpFile: string) {
  const { hostname, port, username, password, pathname } = new URL(url);
  const client = ['mariadb', 'mysql'].find((bin) => {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!client) throw new Error('The mariadb (or mysql) client is needed to load the OMA schema dump');
  const args = ['-h', hostname, '-P', port || '3306', '-u', decodeURIComponent(username || 'root')];
  if (password) args.push(`-p${decodeURIComponent(password)}`);
  args.push(pathname.slice(1));
  execFileSync(client, args, { input: fs.readFileSync(dumpFile) });
}

/**
 * Lays out the OMA tables the way another program would: our OMA-core migrations under a
 * throwaway migration table that is dropped afterwards, so nothing marks them as ours and
 * `detectMode` sees a foreign OMA database.
 */
async function layOutForeignOmaTables(url: string) {
  const foreign = openDatabase(url);
  const migrationTableName = 'omi_test_foreign_layout';
  const migrationLockTableName = `${migrationTableName}_lock`;
  try {
    const migrations = omaCoreMigrations(foreign.dialect);
    const migrator = new Migrator({
      db: foreign.db,
      provider: { getMigrations: async () => migrations },
      migrationTableName,
      migrationLockTableName,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    await foreign.db.schema.dropTable(migrationTableName).execute();
    await foreign.db.schema.dropTable(migrationLockTableName).execute();
  } finally {
    await foreign.close();
  }
}

/** `SHOW CREATE TABLE` of every table and view, without the AUTO_INCREMENT counter that rows move. */
export async function mysqlTableDefinitions(store: Db): Promise<Map<string, string>> {
  const { rows } = await sql<{
    TABLE_NAME: string;
  }>`select TABLE_NAME from information_schema.TABLES where TABLE_SCHEMA = database()`.execute(store.db);
  const definitions = new Map<string, string>();
  for (const { TABLE_NAME } of rows) {
    const { rows: create } = await sql<{
      'Create Table'?: string;
      'Create View'?: string;
    }>`show create table ${sql.table(TABLE_NAME)}`.execute(store.db);
    const definition = create[0]['Create Table'] ?? create[0]['Create View']!;
    definitions.set(TABLE_NAME, definition.replace(/ AUTO_INCREMENT=\d+/, ''));
  }
  return definitions;
}

export interface TestStore {
  store: Db;
  mode: StorageMode;
  url: string;
  /** Attach targets: every table's definition as it was before the server migrated. */
  foreignTables?: Map<string, string>;
  dispose(): Promise<void>;
}

/** A fresh, migrated store for a target. */
export async function openTarget(target: TargetName, timeZone = DB_TIMEZONE): Promise<TestStore> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (target === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-test-'));
    url = path.join(dir, 'oma.sqlite');
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    ({ url, drop: cleanup } = await freshMysqlDatabase());
    if (target === 'mysql-attach') await layOutForeignOmaTables(url);
    if (target === 'mysql-oma-dump') loadSchemaDump(url, omaDumpFile()!);
  }
  const store = openDatabase(url, { timeZone });
  const foreignTables = isAttachTarget(target) ? await mysqlTableDefinitions(store) : undefined;
  const { mode } = await migrate(store);
  return {
    store,
    mode,
    url,
    foreignTables,
    dispose: async () => {
      await store.close();
      await cleanup();
    },
  };
}

export interface TestApp extends TestStore {
  app: App;
  events: LiveEvent[];
}

export interface TestAppOptions {
  /** Environment on top of the test defaults, e.g. { ROLLUP: '1' }. */
  env?: Record<string, string>;
  /** Changes the loaded configuration (e.g. tighter live-channel limits). */
  config?: (config: Config) => Config;
  /** The live channels' ticket clock. */
  now?: () => number;
  /**
   * Another instance on the database of this one (already migrated; left to its owner to drop).
   * With REDIS_URL in `env`, the app makes its Redis event bus as a server does.
   */
  database?: Pick<TestStore, 'url' | 'mode'>;
}

export async function buildTestApp(
  target: TargetName,
  seed?: { vms: number; days: number },
  options: TestAppOptions = {},
): Promise<TestApp> {
  const opened = options.database ? sharedStore(options.database) : await openTarget(target);
  if (seed) await seedDemoWorld(opened.store, { ...seed, seed: 7, end: FIXED_END });
  const config = loadConfig({
    DB_URL: opened.url,
    DB_TIMEZONE,
    API_TOKENS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO: '0',
    // A seeded world's ossea_configs row names a CloudStack that does not exist; the sync has
    // its own tests (cloudstack-sync.test.ts).
    CLOUDSTACK_SYNC: '0',
    // Rollups run on the clock; their tests run them deterministically (analytics tests).
    ROLLUP: '0',
    // The health sampler and the analytics backfill write on their own clock; their tests turn them on.
    HEALTH_SAMPLE_INTERVAL_SECONDS: '0',
    PERFORMANCE_BACKFILL_MINUTES: '0',
    // The change feed and the detectors run on the clock too; their tests drive them (live-sources).
    CHANGE_FEED_INTERVAL_MS: '0',
    DETECTORS: '0',
    ...options.env,
  });
  const app = await buildApp({
    config: options.config ? options.config(config) : config,
    now: options.now,
    store: opened.store,
    mode: opened.mode,
    bus: options.env?.REDIS_URL ? undefined : new InMemoryEventBus(),
    tokens: parseApiTokens(API_TOKENS),
  });
  const events: LiveEvent[] = [];
  app.bus.subscribe((e) => events.push(e));
  await app.ready();
  return {
    ...opened,
    app,
    events,
    dispose: async () => {
      await app.close();
      await opened.dispose();
    },
  };
}

/** A second connection pool on a test database another TestApp owns. */
function sharedStore({ url, mode }: Pick<TestStore, 'url' | 'mode'>): TestStore {
  const store = openDatabase(url, { timeZone: DB_TIMEZONE });
  return { store, mode, url, dispose: () => store.close() };
}

/** The dump from OMA_SCHEMA_SQL when MariaDB is reachable too, as the global setup found it. */
export const omaDumpFile = (): string | null => process.env.OMI_OMA_DUMP_FILE || null;

/** Targets for `describe.each`, decided by the global setup. */
export const TARGETS: TargetName[] = [
  'sqlite',
  ...(process.env.OMI_MYSQL_AVAILABLE === '1' ? (['mysql', 'mysql-attach'] as const) : []),
  ...(omaDumpFile() ? (['mysql-oma-dump'] as const) : []),
];

/** A digest of every row of every table, independent of row order. */
export async function fingerprint(
  t: Pick<TestApp, 'store'>,
  include: (table: string) => boolean = () => true,
): Promise<string> {
  // Base tables only: the OMA dump's views name a definer that does not exist here.
  const tables = (await t.store.db.introspection.getTables())
    .filter((table) => !table.isView && include(table.name))
    .map((table) => table.name)
    .sort();
  const hash = createHash('sha256');
  for (const table of tables) {
    const rows = await t.store.db
      .selectFrom(table as never)
      .selectAll()
      .execute();
    hash.update(
      `${table}:${rows
        .map((r) => JSON.stringify(r))
        .sort()
        .join('\n')}\n`,
    );
  }
  return hash.digest('hex');
}

/** VM contexts in name order, with the columns newJobRow takes: for tests that write a job of their own. */
export function vmContextsByName(db: Db['db'], limit = 1, order: 'asc' | 'desc' = 'asc') {
  return db
    .selectFrom('vm_replication_contexts')
    .select(['context_id', 'vmware_vm_id', 'vm_name', 'vm_path', 'vcenter_host', 'datacenter'])
    .orderBy('vm_name', order)
    .limit(limit)
    .execute();
}
