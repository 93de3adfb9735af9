// Retention: own-table rows older than the configured days go, newer ones stay, OMA tables are
// never touched, and 0 days keeps everything.
import type { Db } from '../src/db/connect';
import { purgeExpired, RETAINED } from '../src/retention/retention';
import { bearer, buildTestApp, fingerprint, TARGETS, type TestApp } from './helper';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');

async function ownRows(store: Db) {
  const counts: Record<string, number> = {};
  for (const table of Object.keys(RETAINED)) {
    const row = await store.db
      .selectFrom(table as never)
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number((row as { n: number }).n);
  }
  return counts;
}

/** One old (40 days) and one recent (2 days) row in every retained table. */
async function insertAged(store: Db) {
  for (const [age, tag] of [
    [40, 'old'],
    [2, 'new'],
  ] as const) {
    const at = store.time.toDb(NOW - age * DAY);
    await store.db
      .insertInto('omi_mapping_audit')
      .values({
        action: 'created',
        vm_id: `vm-${tag}`,
        source_network_name: 'pg',
        is_test_network: 0,
        old_destination_network_id: null,
        new_destination_network_id: 'n',
        actor: 'writer',
        created_at: at,
        request_id: null,
        recommendation_rank: null,
      })
      .execute();
    await store.db
      .insertInto('omi_idempotency_keys')
      .values({
        actor: 'writer',
        idempotency_key: `k-${tag}`,
        request_hash: 'h',
        response: '{}',
        created_at: at,
      })
      .execute();
    await store.db
      .insertInto('omi_network_performance_metrics')
      .values({
        network_id: 'n',
        measured_at: at,
        latency_ms: 1,
        loss_percent: 0,
        attempts: 3,
        target: 'x:1',
      })
      .execute();
    await store.db
      .insertInto('omi_job_progress')
      .values({
        job_id: `job-${tag}`,
        stage: 'Transfer',
        vma_status: 'Streaming',
        phase_started_at: at,
        peak_bps: 0,
        last_push_at: at,
        errors: null,
      })
      .execute();
    await store.db
      .insertInto('omi_disk_progress')
      .values({
        job_id: `job-${tag}`,
        disk_id: 'd',
        bytes_transferred: 1,
        total_bytes: 2,
        status: 'syncing',
        throughput_bps: 0,
        updated_at: at,
      })
      .execute();
    const ms = NOW - age * DAY;
    await store.db
      .insertInto('omi_health_samples')
      .values({ sampled_at: at, sampled_at_ms: ms, status: 'ok', reasons: null, cpu_percent: 1 })
      .execute();
    await store.db
      .insertInto('omi_job_load')
      .values({ job_id: `job-${tag}`, updated_at: at })
      .execute();
    await store.db
      .insertInto('omi_migration_analytics')
      .values({
        job_id: `job-${tag}`,
        vm_name: 'vm',
        context_id: null,
        vcenter: 'vc',
        datacenter: 'dc',
        datastore: null,
        replication_type: 'incremental',
        vm_group: null,
        status: 'completed',
        started_at: null,
        completed_at: at,
        completed_at_ms: ms,
        duration_s: null,
        bytes_transferred: 0,
        throughput_bps: null,
        vma_samples: 0,
        server_samples: 0,
        recorded_by: 'backfill',
        recorded_at: at,
      } as never)
      .execute();
    await store.db
      .insertInto('omi_notifications')
      .values({
        created_at: at,
        severity: 'info',
        title: tag,
        message: 'm',
        source: 'test',
        vm_name: null,
        job_id: null,
        links: '[]',
        dedup_key: `retention-${tag}`,
      })
      .execute();
  }
}

describe.each(TARGETS)('retention on %s', (target) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await buildTestApp(target, { vms: 3, days: 2 });
    for (const table of Object.keys(RETAINED)) await t.store.db.deleteFrom(table as never).execute();
    await insertAged(t.store);
  });
  afterEach(async () => t?.dispose());

  test('rows older than the retention go, newer ones stay, in every retained table', async () => {
    const deleted = await purgeExpired(t.store, 30, NOW);
    const tables = Object.keys(RETAINED);
    expect(deleted).toEqual(Object.fromEntries(tables.map((table) => [table, 1])));
    expect(await ownRows(t.store)).toEqual(Object.fromEntries(tables.map((table) => [table, 1])));
    const audit = await t.store.db.selectFrom('omi_mapping_audit').select('vm_id').execute();
    expect(audit).toEqual([{ vm_id: 'vm-new' }]);
  });

  test('OMA tables are never deleted from, and 0 days keeps everything', async () => {
    expect(await purgeExpired(t.store, 0, NOW)).toEqual({});
    expect(Object.values(await ownRows(t.store))).toEqual(Object.keys(RETAINED).map(() => 2));
    // A retention of one day, a year on: every own row is old, and so is every OMA row.
    const isOma = (table: string) => !table.startsWith('omi_') && !table.includes('migration');
    const omaBefore = await fingerprint(t, isOma);
    await purgeExpired(t.store, 1, NOW + 365 * DAY);
    expect(Object.values(await ownRows(t.store))).toEqual(Object.keys(RETAINED).map(() => 0));
    expect(await fingerprint(t, isOma)).toBe(omaBefore);
  });

  test('health shows the retention', async () => {
    const res = await t.app.inject({ url: '/api/v1/debug/health', headers: bearer('reader') });
    expect(res.json().checks.retention).toEqual({ status: 'ok', message: 'keeps 400 days' });
  });
});
