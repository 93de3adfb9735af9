// Hourly rollups of replication jobs on every target: against a seeded world, each hour's
// counts and sums equal a GROUP BY over the raw table, re-running changes nothing, running jobs
// never count, and one instance at a time holds MariaDB's lock.
import { sql } from 'kysely';
import {
  DIMENSION_COLUMN,
  GROUPING_SETS,
  type Grouping,
  type JobDimension,
} from '../src/analytics/rollups/grouping-sets';
import type { JobFilters } from '../src/analytics/rollups/job-facts';
import { readFinishedJobs } from '../src/analytics/rollups/read';
import { DAY_MS, HOUR_MS } from '../src/analytics/rollups/job-facts';
import { RollupMaintenance } from '../src/analytics/rollups/maintenance';
import { rolledUpTo, rollUpHours, rollUpPending, RollupRangeError } from '../src/analytics/rollups/roll-up';
import { mysqlLockName } from '../src/db/lock';
import { buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const SEED = { vms: 30, days: 12 };

type RollupTable = 'omi_rollup_jobs_hourly' | 'omi_rollup_jobs_daily';
type RollupColumn = 'vcenter' | 'datacenter' | 'replication_type' | 'vm_group' | 'error_classification';

/** Per `column` value (its grouping set's rows, or the full rows) and status: jobs, bytes, throughput sum. */
async function rollupTotals(
  t: TestApp,
  column: RollupColumn = 'vcenter',
  grouping: Grouping = 'full',
  table: RollupTable = 'omi_rollup_jobs_hourly',
  toMs = Number.MAX_SAFE_INTEGER,
) {
  return t.store.db
    .selectFrom(table as 'omi_rollup_jobs_hourly')
    .select((eb) => [
      eb.ref(column).as('value'),
      'status',
      eb.fn.sum<number>('jobs').as('jobs'),
      eb.fn.sum<number>('bytes_sum').as('bytes'),
      eb.fn.sum<number>('throughput_bps_sum').as('throughput'),
    ])
    .where('grouping', '=', grouping)
    .where('bucket_start_ms', '<', toMs)
    .groupBy([column, 'status'])
    .orderBy(column)
    .orderBy('status')
    .execute();
}

const RAW_COLUMN = {
  vcenter: 'v_center_host',
  datacenter: 'datacenter',
  replication_type: 'replication_type',
  vm_group: 'vm_group_id',
  error_classification: 'vma_error_classification',
} as const;

/** The same figures straight from the raw table (absent dimensions are ''). */
async function rawTotals(t: TestApp, toMs: number, column: RollupColumn = 'vcenter') {
  const value = sql<string>`coalesce(${sql.ref(RAW_COLUMN[column])}, '')`;
  return t.store.db
    .selectFrom('replication_jobs')
    .select((eb) => [
      value.as('value'),
      'status',
      eb.fn.countAll<number>().as('jobs'),
      eb.fn.sum<number>('bytes_transferred').as('bytes'),
      eb.fn
        .sum<number>(sql`case when transfer_speed_bps > 0 then transfer_speed_bps else 0 end`)
        .as('throughput'),
    ])
    .where('status', 'in', ['completed', 'failed', 'cancelled'])
    .where('completed_at', '<', t.store.time.toDb(toMs))
    .groupBy([value, 'status'])
    .orderBy(value)
    .orderBy('status')
    .execute();
}

/** Rows of (value, status) totals with every value taken as ''. */
function collapse(rows: Record<string, unknown>[]) {
  const byStatus = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const into = byStatus.get(r.status as string);
    if (!into) byStatus.set(r.status as string, { ...r, value: '' });
    else for (const k of ['jobs', 'bytes', 'throughput']) into[k] = Number(into[k]) + Number(r[k]);
  }
  return [...byStatus.values()].sort((a, b) => String(a.status).localeCompare(String(b.status)));
}

const asNumbers = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'string' && k !== 'value' && k !== 'status' ? Number(v) : v,
      ]),
    ),
  );

/** Every row of both rollup tables but the id (a replaced hour gets new ids), sorted. */
const allRows = async (t: TestApp) =>
  (
    await Promise.all(
      (['omi_rollup_jobs_hourly', 'omi_rollup_jobs_daily'] as const).map(async (table) =>
        (await t.store.db.selectFrom(table).selectAll().execute()).map(({ id: _id, ...row }) =>
          JSON.stringify([table, row]),
        ),
      ),
    )
  )
    .flat()
    .sort();

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

    const before = await allRows(t);
    const again = await rollUpPending(t.store, nowMs);
    // Only the late hours are redone (and the day they end).
    expect(again.hours).toBe(2);
    await rollUpHours(t.store, first.toMs - 72 * HOUR_MS - 5 * HOUR_MS, first.toMs);
    expect(await allRows(t)).toEqual(before);
    expect(asNumbers(await rollupTotals(t))).toEqual(asNumbers(await rawTotals(t, first.toMs)));
  });

  test('every grouping set, hourly and daily, totals to the raw table per its dimension and status', async () => {
    const mark = (await rolledUpTo(t.store))!;
    // The daily rows stop at the last day whose hours are all rolled up.
    const lastDay = Math.floor(mark / DAY_MS) * DAY_MS;
    const days = await t.store.db
      .selectFrom('omi_rollup_jobs_daily')
      .select((eb) => [eb.fn.max('bucket_start_ms').as('last'), eb.fn.countAll().as('rows')])
      .executeTakeFirstOrThrow();
    expect(Number(days.last)).toBe(lastDay - DAY_MS);
    for (const set of GROUPING_SETS) {
      const columns: RollupColumn[] = set.carries.length
        ? set.carries.map((d) => DIMENSION_COLUMN[d])
        : ['vcenter'];
      for (const column of columns) {
        const label = `${set.grouping} by ${column}`;
        const raw = asNumbers(await rawTotals(t, mark, column));
        const rawToDay = asNumbers(await rawTotals(t, lastDay, column));
        // A set that does not carry the column has it '' throughout.
        const expected = (rows: typeof raw) => (set.carries.length ? rows : collapse(rows));
        expect({ label, rows: asNumbers(await rollupTotals(t, column, set.grouping)) }).toEqual({
          label,
          rows: expected(raw),
        });
        expect({
          label,
          rows: asNumbers(await rollupTotals(t, column, set.grouping, 'omi_rollup_jobs_daily')),
        }).toEqual({ label, rows: expected(rawToDay) });
      }
    }
    // The coarse sets compress: status alone has at most 3 rows an hour.
    const statusRows = await t.store.db
      .selectFrom('omi_rollup_jobs_hourly')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('grouping', '=', 'status')
      .executeTakeFirstOrThrow();
    const fullRows = await t.store.db
      .selectFrom('omi_rollup_jobs_hourly')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('grouping', '=', 'full')
      .executeTakeFirstOrThrow();
    expect(Number(statusRows.n)).toBeLessThan(Number(fullRows.n));
  });

  test('a read over whole days takes daily rows of the smallest grouping set; visitors see only what it carries', async () => {
    const today = Math.floor((await rolledUpTo(t.store))! / DAY_MS) * DAY_MS;
    const fromMs = today - 5 * DAY_MS + 30 * 60_000;
    const { datacenter } = await t.store.db
      .selectFrom('replication_jobs')
      .select('datacenter')
      .executeTakeFirstOrThrow();
    const cases: [JobDimension[], JobFilters, string[]][] = [
      [[], {}, ['status']],
      [['vcenter'], {}, ['status', 'vcenter']],
      [['errorClassification'], {}, ['errorClassification', 'status']],
      [[], { datacenter }, ['datacenter', 'status']],
      [
        ['vcenter'],
        { replication_type: 'incremental' },
        Object.keys(DIMENSION_COLUMN).concat('status').sort(),
      ],
    ];
    for (const [dimensions, filters, keys] of cases) {
      let jobs = 0;
      const seenKeys = new Set<string>();
      const buckets = new Set<number>();
      const sources = await readFinishedJobs(
        t.store,
        { fromMs, toMs: today, intervalMs: DAY_MS, filters, dimensions },
        {
          rollup(bucketStartMs, dims, n) {
            jobs += n;
            buckets.add(bucketStartMs);
            Object.keys(dims).forEach((k) => seenKeys.add(k));
          },
          fact() {
            jobs += 1;
          },
        },
        'counts',
      );
      let raw = t.store.db
        .selectFrom('replication_jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', 'in', ['completed', 'failed', 'cancelled'])
        .where('completed_at', '>=', t.store.time.toDb(fromMs))
        .where('completed_at', '<', t.store.time.toDb(today));
      if (filters.datacenter) raw = raw.where('datacenter', '=', filters.datacenter);
      if (filters.replication_type) raw = raw.where('replication_type', '=', filters.replication_type);
      const label = JSON.stringify([dimensions, filters]);
      expect({ label, jobs }).toEqual({ label, jobs: Number((await raw.executeTakeFirstOrThrow()).n) });
      expect({ label, keys: [...seenKeys].sort() }).toEqual({ label, keys });
      // 4 whole days and the first day's last 23 hours, not 119 hours.
      expect(sources.rollupHours).toBe(4 * 24 + 23);
      expect(buckets.size).toBeLessThanOrEqual(4 + 23);
      expect(buckets.size).toBeGreaterThan(4);
    }
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
    // A job written late into a day whose hours are all rolled up: rolling up some of its hours
    // again rebuilds that day's daily rows.
    const today = Math.floor(mark / DAY_MS) * DAY_MS;
    await t.store.db
      .insertInto('replication_jobs')
      .values({
        ...template,
        id: 'rollup-late-yesterday',
        status: 'completed',
        completed_at: t.store.time.toDb(today - 90 * 60_000),
        bytes_transferred: 777,
      } as never)
      .execute();
    const dailyJobs = async () => jobs(await rollupTotals(t, 'vcenter', 'status', 'omi_rollup_jobs_daily'));
    const beforeDay = await dailyJobs();
    await rollUpHours(t.store, today - 2 * HOUR_MS, today - HOUR_MS);
    expect(await dailyJobs()).toBe(beforeDay + 1);
    for (const grouping of ['full', 'status', 'vcenter'] as const) {
      const daily = asNumbers(await rollupTotals(t, 'vcenter', grouping, 'omi_rollup_jobs_daily'));
      const raw = asNumbers(await rawTotals(t, today));
      expect({ grouping, daily }).toEqual({ grouping, daily: grouping === 'status' ? collapse(raw) : raw });
    }
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
      const { rows } = await sql<{ db: string }>`select database() as db`.execute(t.store.db);
      const lock = mysqlLockName(rows[0].db, 'omi_rollup_jobs_hourly');
      await t.store.db.connection().execute(async (conn) => {
        // The same name in another database is another lock.
        await sql`select get_lock(${mysqlLockName(`${rows[0].db}_other`, 'omi_rollup_jobs_hourly')}, 0)`.execute(
          conn,
        );
        await sql`select get_lock(${lock}, 0)`.execute(conn);
        try {
          expect((await maintenance.run()).ran).toBe(false);
        } finally {
          await sql`select release_lock(${lock})`.execute(conn);
        }
        expect((await maintenance.run()).ran).toBe(true);
        await sql`select release_all_locks()`.execute(conn);
      });
    });
  }
});
