// Hourly rollups of replication jobs on every target: against a seeded world, each hour's
// counts and sums equal a GROUP BY over the raw table, re-running changes nothing, running jobs
// never count, and one instance at a time holds MariaDB's lock.
import { sql } from 'kysely';
import { databaseLockName } from '../src/db/lock';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { RollupMaintenance } from '../src/analytics/rollups/maintenance';
import { rolledUpTo, rollUpHours, rollUpPending, RollupRangeError } from '../src/analytics/rollups/roll-up';
import { buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const SEED = { vms: 30, days: 12 };

async function rollupTotals(t: TestApp) {
  return t.store.db
    .selectFrom('omi_rollup_jobs_hourly')
    .select((eb) => [
      'vcenter',
      'status',
      eb.fn.sum<number>('jobs').as('jobs'),
      eb.fn.sum<number>('bytes_sum').as('bytes'),
      eb.fn.sum<number>('throughput_bps_sum').as('throughput'),
    ])
    .groupBy(['vcenter', 'status'])
    .orderBy('vcenter')
    .orderBy('status')
    .execute();
}

/** The same figures straight from the raw table. */
async function rawTotals(t: TestApp, toMs: number) {
  return t.store.db
    .selectFrom('replication_jobs')
    .select((eb) => [
      'v_center_host as vcenter',
      'status',
      eb.fn.countAll<number>().as('jobs'),
      eb.fn.sum<number>('bytes_transferred').as('bytes'),
      eb.fn
        .sum<number>(sql`case when transfer_speed_bps > 0 then transfer_speed_bps else 0 end`)
        .as('throughput'),
    ])
    .where('status', 'in', ['completed', 'failed', 'cancelled'])
    .where('completed_at', '<', t.store.time.toDb(toMs))
    .groupBy(['v_center_host', 'status'])
    .orderBy('v_center_host')
    .orderBy('status')
    .execute();
}

const asNumbers = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'string' && k !== 'vcenter' && k !== 'status' ? Number(v) : v,
      ]),
    ),
  );

describe.each(TARGETS.filter((t) => t !== 'mysql-oma-dump'))('hourly rollups (%s)', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(target, SEED);
  });
  afterAll(async () => t?.dispose());

  test('the backfill rolls up every complete hour; totals equal the raw table; re-running changes nothing', async () => {
    expect(await rolledUpTo(t.store)).toBeNull();
    const nowMs = FIXED_END.getTime() + 25 * 60_000;
    const first = await rollUpPending(t.store, nowMs);
    expect(first.toMs).toBe(FIXED_END.getTime());
    expect(first.jobs).toBeGreaterThan(50);
    expect(await rolledUpTo(t.store)).toBe(FIXED_END.getTime());
    expect(asNumbers(await rollupTotals(t))).toEqual(asNumbers(await rawTotals(t, first.toMs)));

    // Every column but the id (a replaced hour gets new ids).
    const rows = async () =>
      (await t.store.db.selectFrom('omi_rollup_jobs_hourly').selectAll().execute())
        .map(({ id: _id, ...row }) => JSON.stringify(row))
        .sort();
    const before = await rows();
    const again = await rollUpPending(t.store, nowMs);
    // Only the late hours are redone.
    expect(again.hours).toBe(2);
    await rollUpHours(t.store, first.toMs - 72 * HOUR_MS, first.toMs);
    expect(await rows()).toEqual(before);
    expect(asNumbers(await rollupTotals(t))).toEqual(asNumbers(await rawTotals(t, first.toMs)));
  });

  test('running jobs never count, even with a completed_at; a late finished job is picked up', async () => {
    const mark = (await rolledUpTo(t.store))!;
    const template = await t.store.db
      .selectFrom('replication_jobs')
      .selectAll()
      .where('status', '=', 'completed')
      .executeTakeFirstOrThrow();
    const inHour = t.store.time.toDb(mark - HOUR_MS + 60_000);
    await t.store.db
      .insertInto('replication_jobs')
      .values([
        { ...template, id: 'rollup-running-1', status: 'replicating', completed_at: inHour },
        { ...template, id: 'rollup-running-2', status: 'replicating', completed_at: null },
        { ...template, id: 'rollup-late', status: 'failed', completed_at: inHour, bytes_transferred: 12345 },
      ] as never)
      .execute();
    const before = asNumbers(await rollupTotals(t));
    await rollUpPending(t.store, mark + 10 * 60_000);
    const after = asNumbers(await rollupTotals(t));
    expect(after).toEqual(asNumbers(await rawTotals(t, mark)));
    const jobs = (rows: Record<string, unknown>[]) => rows.reduce((s, r) => s + Number(r.jobs), 0);
    expect(jobs(after)).toBe(jobs(before) + 1);
  });

  test('refuses a range that is not whole hours', async () => {
    await expect(rollUpHours(t.store, HOUR_MS + 1, 3 * HOUR_MS)).rejects.toThrow(RollupRangeError);
    await expect(rollUpHours(t.store, 3 * HOUR_MS, HOUR_MS)).rejects.toThrow(RollupRangeError);
  });

  test('with ROLLUP on, the server backfills on start and reports it in health', async () => {
    const startedAt = Date.now();
    const on = await buildTestApp(target, { vms: 5, days: 3 }, { env: { ROLLUP: '1' } });
    try {
      // Joins the run the plugin started when the server became ready.
      const run = await on.app.rollups.run();
      expect(run.ran).toBe(true);
      // The hour the run started in (or the next, had the clock just turned).
      const hour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
      expect([hour(startedAt), hour(Date.now())]).toContain(await rolledUpTo(on.store));
      const health = await on.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(health.json().checks.analytics_rollups).toEqual({
        status: 'ok',
        message: expect.stringMatching(/^rolled up to \d{4}-/),
      });
    } finally {
      await on.dispose();
    }
    const health = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
    expect(health.json().checks.analytics_rollups).toEqual({
      status: 'disabled',
      message: 'turned off (ROLLUP=0)',
    });
  });

  if (target !== 'sqlite') {
    test('one instance at a time: a run skips while another connection holds the lock', async () => {
      const silent = { debug() {}, error() {} } as never;
      const maintenance = new RollupMaintenance(t.store, { enabled: true, intervalMinutes: 10 }, silent, () =>
        FIXED_END.getTime(),
      );
      await t.store.db.connection().execute(async (conn) => {
        await sql`select get_lock(${databaseLockName('omi_rollup_jobs_hourly')}, 0)`.execute(conn);
        try {
          expect((await maintenance.run()).ran).toBe(false);
        } finally {
          await sql`select release_lock(${databaseLockName('omi_rollup_jobs_hourly')})`.execute(conn);
        }
      });
      expect((await maintenance.run()).ran).toBe(true);
    });
  }
});
