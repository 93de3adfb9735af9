// Prometheus /metrics: the numbers are the database's, and events are counted as published.
import { newJobRow } from '../src/vm-contexts/new-job';
import { buildTestApp, TARGETS, type TestApp } from './helper';

/** The value of one sample line, e.g. `oma_replication_jobs{status="failed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(TARGETS)('metrics on %s', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 8, days: 10 });
    // Beside the demo's finished jobs: one failed, two running with a known speed.
    const vm = await t.store.db
      .selectFrom('vm_replication_contexts')
      .selectAll()
      .limit(1)
      .executeTakeFirstOrThrow();
    const now = t.store.time.toDb(Date.now());
    await t.store.db
      .insertInto('replication_jobs')
      .values([
        newJobRow(vm, 'metrics-failed', now, { status: 'failed' }),
        newJobRow(vm, 'metrics-running-1', now, { status: 'replicating', transfer_speed_bps: 120_000_000 }),
        newJobRow(vm, 'metrics-running-2', now, { status: 'snapshotting', transfer_speed_bps: 5 }),
      ])
      .execute();
  });
  afterAll(async () => t?.dispose());

  const scrape = async () => {
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  test('jobs by status, active transfers and throughput are what the OMA tables hold', async () => {
    const text = await scrape();
    const byStatus = await t.store.db
      .selectFrom('replication_jobs')
      .select(['status', (e) => e.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    expect(byStatus.length).toBeGreaterThan(1);
    for (const row of byStatus) {
      expect(sample(text, `oma_replication_jobs{status="${row.status}"}`)).toBe(Number(row.n));
    }
    // A status with no jobs is a 0, not a missing series.
    expect(sample(text, 'oma_replication_jobs{status="initializing"}')).toBeGreaterThanOrEqual(0);
    const running = await t.store.db
      .selectFrom('replication_jobs')
      .select(['transfer_speed_bps'])
      .where('status', 'not in', ['completed', 'failed', 'cancelled'])
      .execute();
    expect(sample(text, 'oma_active_transfers')).toBe(running.length);
    expect(sample(text, 'oma_transfer_throughput_bytes_per_second')).toBe(
      running.reduce((a, r) => a + Number(r.transfer_speed_bps ?? 0), 0),
    );
    expect(text).toMatch(/^omi_process_cpu_user_seconds_total /m);
  });

  test('events are counted by type as they are published', async () => {
    const before = sample(await scrape(), 'omi_events_published_total{type="mapping_changed"}') ?? -1;
    expect(before).toBeGreaterThanOrEqual(0);
    const event = {
      action: 'created' as const,
      vm_id: 'vm-1',
      source_network_name: 'pg',
      is_test_network: false,
      destination_network_id: 'net',
      actor: 'writer',
    };
    await t.app.bus.publish('mapping_changed', event);
    await t.app.bus.publish('mapping_changed', event);
    const changes = 2;
    expect(sample(await scrape(), 'omi_events_published_total{type="mapping_changed"}')).toBe(
      before + changes,
    );
  });
});
