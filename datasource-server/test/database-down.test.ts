// A database that cannot be reached: health says degraded with the reason, API calls answer 503
// with what to do, and nothing is a 500.
import { buildApp, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase, type Db } from '../src/db/connect';
import { InMemoryEventBus } from '../src/events/bus';
import { API_TOKENS, bearer } from './helper';

describe('database down', () => {
  let app: App;
  let store: Db;

  beforeAll(async () => {
    // Port 1 on loopback refuses connections at once.
    const url = 'mysql://root@127.0.0.1:1/migratekit_oma';
    store = openDatabase(url, { poolSize: 1 });
    // Clock-driven readers off (each has its own tests); the start-up work below runs once.
    const config = loadConfig({
      DB_URL: url,
      API_TOKENS,
      LOG_LEVEL: 'silent',
      CHANGE_FEED_INTERVAL_MS: '0',
      DETECTORS: '0',
      HEALTH_SAMPLE_INTERVAL_SECONDS: '0',
    });
    app = await buildApp({
      config,
      store,
      mode: 'attach',
      bus: new InMemoryEventBus(),
      tokens: parseApiTokens(API_TOKENS),
    });
    // Attach mode reads the CloudStack connection from ossea_configs: let that first read fail.
    await app.ready();
    await app.cloudstackSync.whenIdle();
    // The rollup's first run fails the same way.
    await app.rollups.run().catch(() => undefined);
    // And the performance backfill's.
    await app.migrationAnalytics.backfill().catch(() => undefined);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  test('health answers 503 degraded with the reason', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/debug/health' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(body.checks.db.status).toBe('down');
    expect(body.reasons).toEqual([
      'database unreachable: connection refused',
      'cloudstack_sync down: sync failed: cannot read ossea_configs: connection refused',
      'analytics_rollups down: rollup failed: connection refused',
      'migration_analytics down: recording failed: connection refused',
    ]);
    expect(body.checks.db.message).toBe('connection refused');
    // A stranger learns the cause, not where the database is or who connects to it.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|root|migratekit_oma/);
    expect(body.counts.vm_contexts).toBeNull();
  });

  test('liveness still answers 200: a degraded database must not get the container restarted', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/debug/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', uptime_s: expect.any(Number) });
  });

  test.each([
    ['GET', '/api/v1/vm-contexts', undefined, 'reader'],
    ['GET', '/api/v1/networks/source', undefined, 'reader'],
    [
      'POST',
      '/api/v1/progress/job-1',
      { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2 },
      'ingest',
    ],
  ] as const)('%s %s answers 503 database_unavailable', async (method, url, payload, who) => {
    const res = await app.inject({ method, url, payload, headers: bearer(who) });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual(
      expect.objectContaining({ code: 'database_unavailable', message: expect.stringContaining('retry') }),
    );
  });
});
