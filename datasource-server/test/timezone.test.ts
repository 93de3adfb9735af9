// DB_TIMEZONE: the same world kept in another zone's wall-clock time gives the same API answers,
// because every conversion goes through the store's zone. (CI also runs every server suite with
// a non-UTC process TZ and DB_TIMEZONE; this file compares two zones side by side.)
import { sql } from 'kysely';
import { buildApp, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/connect';
import { InMemoryEventBus } from '../src/events/bus';
import { seedDemoWorld } from '../src/demo/seed';
import {
  API_TOKENS,
  bearer,
  FIXED_END,
  isAttachTarget,
  openTarget,
  TARGETS,
  type TargetName,
  type TestStore,
} from './helper';

const SEED = { vms: 8, days: 10, seed: 3, end: FIXED_END };
const RANGE = {
  from: new Date(FIXED_END.getTime() - 10 * 86_400_000).toISOString(),
  to: FIXED_END.toISOString(),
};

interface Served {
  target: TestStore;
  app: App;
}

async function serve(name: TargetName, zone: string): Promise<Served> {
  const target = await openTarget(name, zone);
  await seedDemoWorld(target.store, SEED);
  const config = loadConfig({
    DB_URL: target.url,
    DB_TIMEZONE: zone,
    API_TOKENS,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    CLOUDSTACK_SYNC: '0', // the seeded ossea_configs row names a CloudStack that does not exist
  });
  const app = await buildApp({
    config,
    store: target.store,
    mode: target.mode,
    bus: new InMemoryEventBus(),
    tokens: parseApiTokens(API_TOKENS),
  });
  return { target, app };
}

async function answers({ app }: Served) {
  const get = async (url: string) =>
    (await app.inject({ method: 'GET', url, headers: bearer('reader') })).json();
  const contexts = (await get('/api/v1/vm-contexts?limit=1000')).vm_contexts;
  const detail = await get(`/api/v1/vm-contexts/${contexts[0].vm_name}`);
  const progress = await get(`/api/v1/progress/${detail.job_history[0].id}`);
  const query = await app.inject({
    method: 'POST',
    url: '/api/v1/query',
    headers: bearer('reader'),
    payload: {
      range: RANGE,
      queries: [
        { refId: 'jobs', queryType: 'jobs', status: 'recent', limit: 5000 },
        { refId: 'failed', queryType: 'failedJobAnnotations' },
        { refId: 'vms', queryType: 'vmContexts' },
      ],
    },
  });
  return { contexts, detail, progress, query: query.json() };
}

describe.each(TARGETS.filter((t) => !isAttachTarget(t)))('DB_TIMEZONE on %s', (name) => {
  const zones = name === 'sqlite' ? ['UTC', '+05:30', 'America/Sao_Paulo'] : ['UTC', '+05:30', '-03:00'];
  const served: Record<string, Served> = {};

  beforeAll(async () => {
    for (const zone of zones) served[zone] = await serve(name, zone);
  });
  afterAll(async () => {
    for (const s of Object.values(served)) {
      await s.app.close();
      await s.target.dispose();
    }
  });

  test.each(zones.slice(1))('the world kept in %s answers exactly as in UTC', async (zone) => {
    const [utc, other] = [await answers(served.UTC), await answers(served[zone])];
    expect(other.contexts.length).toBe(SEED.vms);
    expect(other.query.results.jobs.frames[0].fields[0].values.length).toBeGreaterThan(0);
    expect(other).toEqual(utc);
  });

  test.each(zones.slice(1))('%s is really how the rows are kept', async (zone) => {
    const row = (s: Served) =>
      s.target.store.db
        .selectFrom('replication_jobs')
        .select(['id', 'created_at'])
        .orderBy('id')
        .executeTakeFirstOrThrow();
    const [utc, other] = [await row(served.UTC), await row(served[zone])];
    expect(other.id).toBe(utc.id);
    expect(other.created_at).not.toBe(utc.created_at);
    expect(served[zone].target.store.time.toMs(other.created_at)).toBe(
      served.UTC.target.store.time.toMs(utc.created_at),
    );
  });

  if (name === 'mysql') {
    test('the MariaDB session uses the zone, so NOW() and TIMESTAMP columns agree with our text', async () => {
      const { store } = served['+05:30'].target;
      const { rows } = await sql<{
        zone: string;
        now: string;
      }>`select @@session.time_zone as zone, now(3) as now`.execute(store.db);
      expect(rows[0].zone).toBe('+05:30');
      expect(Math.abs(store.time.toMs(rows[0].now)! - Date.now())).toBeLessThan(60_000);
    });

    test('a named zone MariaDB has no tables for fails at start with what to do', async () => {
      const target = await openTarget('mysql');
      const store = openDatabase(target.url, { timeZone: 'Europe/Berlin' });
      try {
        const { rows } = await sql<{ n: number }>`select 1 as n`.execute(target.store.db);
        expect(rows[0].n).toBe(1);
        const zoneTables = await sql<{ n: number }>`select count(*) as n from mysql.time_zone_name`.execute(
          target.store.db,
        );
        const query = sql`select @@session.time_zone as zone`.execute(store.db);
        if (Number(zoneTables.rows[0].n) === 0)
          await expect(query).rejects.toThrow(/mariadb-tzinfo-to-sql.*DB_TIMEZONE/);
        else await expect(query).resolves.toEqual({ rows: [{ zone: 'Europe/Berlin' }] });
      } finally {
        await store.close();
        await target.dispose();
      }
    });
  }
});
