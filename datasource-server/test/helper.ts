// Test targets: SQLite always; MariaDB (fresh database per run) when reachable; the real OMA
// schema dump in attach mode. Without MariaDB the MySQL targets say loudly that they were
// skipped; REQUIRE_MYSQL=1 (CI) turns that into a failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { buildApp, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase, type Db } from '../src/db/connect';
import { migrate, type StorageMode } from '../src/db/migrate';
import { seedDemoWorld } from '../src/demo/seed';
import { InMemoryEventBus, type LiveEvent } from '../src/events/bus';
import { MYSQL_URL } from './mysql-check';

export const SCHEMA_DUMP = path.resolve(__dirname, '../../../shared/fixtures/oma-production-schema.sql');
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

export type TargetName = 'sqlite' | 'mysql' | 'mysql-attach';

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
export function loadSchemaDump(url: string) {
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
  if (!fs.existsSync(SCHEMA_DUMP)) throw new Error(`OMA schema dump missing at ${SCHEMA_DUMP}`);
  const args = ['-h', hostname, '-P', port || '3306', '-u', decodeURIComponent(username || 'root')];
  if (password) args.push(`-p${decodeURIComponent(password)}`);
  args.push(pathname.slice(1));
  execFileSync(client, args, { input: fs.readFileSync(SCHEMA_DUMP) });
}

export interface TestStore {
  store: Db;
  mode: StorageMode;
  url: string;
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
    if (target === 'mysql-attach') loadSchemaDump(url);
  }
  const store = openDatabase(url, { timeZone });
  const { mode } = await migrate(store);
  return {
    store,
    mode,
    url,
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

export async function buildTestApp(
  target: TargetName,
  seed?: { vms: number; days: number },
): Promise<TestApp> {
  const opened = await openTarget(target);
  if (seed) await seedDemoWorld(opened.store, { ...seed, seed: 7, end: FIXED_END });
  const bus = new InMemoryEventBus();
  const events: LiveEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const config = loadConfig({
    DB_URL: opened.url,
    DB_TIMEZONE,
    API_TOKENS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO: '0',
  });
  const app = await buildApp({
    config,
    store: opened.store,
    mode: opened.mode,
    bus,
    tokens: parseApiTokens(API_TOKENS),
  });
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

/** Targets for `describe.each`, decided by the global setup. */
export const TARGETS: TargetName[] =
  process.env.OMI_MYSQL_AVAILABLE === '1' ? ['sqlite', 'mysql', 'mysql-attach'] : ['sqlite'];
