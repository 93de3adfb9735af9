// GET /analytics/migration-trends and the migrationTrends query type on every target. For
// seeded-random ranges (partial first and last hours), intervals and filters, every bucket's
// counts and sums equal a plain SQL computation over replication_jobs, and p50/p95 are within
// the histogram's bound of the exact percentiles, whether the hours come from rollups or not.
import { sql } from 'kysely';
import {
  MAX_TREND_BUCKETS,
  TREND_PERCENTILE_RELATIVE_ERROR,
  type MigrationTrends,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { exactQuantile } from '../src/analytics/histogram/histogram';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { parseInterval } from '../src/analytics/trends/migration-trends';
import { Rng } from '../src/demo/rng';
import { buildJobWorld, END, ROLLED_UP_TO, START, type Filters } from './analytics-job-world';
import { bearer, TARGETS, type TestApp } from './helper';

const FINISHED = ['completed', 'failed', 'cancelled'];

describe.each(TARGETS)('migration trends on %s', (target) => {
  let t: TestApp;
  let values: { vcenters: string[]; datacenters: string[]; vms: string[] };

  const get = (query: Record<string, string | number>, who: 'reader' | null = 'reader') =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/migration-trends',
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      headers: who ? bearer(who) : {},
    });

  beforeAll(async () => {
    ({ t, values } = await buildJobWorld(target, 'trends'));
  });
  afterAll(async () => t?.dispose());

  /** Plain SQL over the raw table for [from, to): per-outcome counts, bytes, throughput; and every duration. */
  async function rawBucket(fromMs: number, toMs: number, filters: Filters) {
    const column = {
      vcenter: 'v_center_host',
      datacenter: 'datacenter',
      vm: 'source_vm_name',
      replication_type: 'replication_type',
      vm_group: 'vm_group_id',
    } as const;
    const where = [
      sql`status in (${sql.join(FINISHED)})`,
      sql`completed_at >= ${t.store.time.toDb(fromMs)}`,
      sql`completed_at < ${t.store.time.toDb(toMs)}`,
      ...Object.entries(filters).map(([k, v]) => sql`${sql.ref(column[k as keyof Filters])} = ${v}`),
    ];
    const { rows } = await sql<{
      status: string;
      n: number;
      bytes: number | null;
      tp_sum: number | null;
      tp_n: number;
    }>`
      select status, count(*) as n, sum(bytes_transferred) as bytes,
        sum(case when transfer_speed_bps > 0 then transfer_speed_bps else 0 end) as tp_sum,
        sum(case when transfer_speed_bps > 0 then 1 else 0 end) as tp_n
      from replication_jobs where ${sql.join(where, sql` and `)} group by status`.execute(t.store.db);
    const { rows: times } = await sql<{ started_at: string | null; completed_at: string }>`
      select started_at, completed_at from replication_jobs where ${sql.join(where, sql` and `)}`.execute(
      t.store.db,
    );
    const durations: number[] = [];
    for (const r of times) {
      const [s, c] = [t.store.time.toMs(r.started_at), t.store.time.toMs(r.completed_at)];
      if (s !== null && c !== null && s <= c) durations.push((c - s) / 1000);
    }
    durations.sort((a, b) => a - b);
    const by = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    const tpN = rows.reduce((sum, r) => sum + Number(r.tp_n), 0);
    const tpSum = rows.reduce((sum, r) => sum + Number(r.tp_sum ?? 0), 0);
    return {
      completed: by('completed'),
      failed: by('failed'),
      cancelled: by('cancelled'),
      total: by('completed') + by('failed') + by('cancelled'),
      bytes: rows.reduce((sum, r) => sum + Number(r.bytes ?? 0), 0),
      avgThroughput: tpN ? tpSum / tpN : null,
      durations,
    };
  }

  /**
   * Whether [from, to) touches the hour a DB_TIMEZONE with daylight saving repeats in autumn: its
   * zone-less DATETIME text names two instants, so no SQL over the text can place those rows,
   * the reference computation included. Never true in UTC or a fixed offset.
   */
  function nearRepeatedHour(fromMs: number, toMs: number): boolean {
    for (let ms = fromMs - HOUR_MS; ms <= toMs + HOUR_MS; ms += 15 * 60_000) {
      if (t.store.time.toMs(t.store.time.toDb(ms)) !== ms) return true;
    }
    return false;
  }

  function expectWithinBound(estimate: number | null, exact: number | null) {
    expect(estimate === null).toBe(exact === null);
    if (estimate === null || exact === null) return;
    // The histogram's bound plus the response's rounding to 3 decimals.
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(
      exact * TREND_PERCENTILE_RELATIVE_ERROR + 0.0005 + 1e-9,
    );
  }

  async function expectEqualsRaw(
    trends: MigrationTrends,
    fromMs: number,
    toMs: number,
    intervalMs: number,
    filters: Filters,
  ) {
    const first = Math.floor(fromMs / intervalMs) * intervalMs;
    expect(trends.data.map((b) => b.time)).toEqual(
      Array.from({ length: Math.ceil((toMs - first) / intervalMs) }, (_, i) =>
        new Date(first + i * intervalMs).toISOString(),
      ),
    );
    for (const bucket of trends.data) {
      const start = Date.parse(bucket.time);
      if (nearRepeatedHour(Math.max(fromMs, start), Math.min(toMs, start + intervalMs))) continue;
      const raw = await rawBucket(Math.max(fromMs, start), Math.min(toMs, start + intervalMs), filters);
      const label = `${bucket.time} ${JSON.stringify(filters)}`;
      expect({ label, ...bucket, duration_p50_s: 0, duration_p95_s: 0, avg_throughput_bps: 0 }).toEqual({
        label,
        time: bucket.time,
        total: raw.total,
        completed: raw.completed,
        failed: raw.failed,
        cancelled: raw.cancelled,
        bytes: raw.bytes,
        duration_p50_s: 0,
        duration_p95_s: 0,
        avg_throughput_bps: 0,
      });
      expectWithinBound(bucket.duration_p50_s, exactQuantile(raw.durations, 0.5));
      expectWithinBound(bucket.duration_p95_s, exactQuantile(raw.durations, 0.95));
      if (raw.avgThroughput === null) expect(bucket.avg_throughput_bps).toBeNull();
      else expect(bucket.avg_throughput_bps).toBeCloseTo(raw.avgThroughput, 2);
    }
  }

  test('seeded-random ranges, intervals and filters: counts and sums equal the raw table; percentiles within the bound', async () => {
    const rng = new Rng(9);
    const intervals = ['1h', '2h', '6h', '1d', '15m', '90m'];
    let rolledUpHoursUsed = 0;
    let nonEmpty = 0;
    for (let i = 0; i < 14; i++) {
      const interval = intervals[i % intervals.length];
      const intervalMs = parseInterval(interval)!;
      // At most ~150 buckets per case; partial first and last hours (random minutes and ms).
      const span = Math.min(150 * intervalMs, rng.int(1, 12 * 24) * HOUR_MS) + rng.int(1, 3_599_999);
      const fromMs = rng.int(START - 6 * HOUR_MS, END + 2 * HOUR_MS - span);
      const toMs = fromMs + span;
      const filters: Filters = {};
      const pick = rng.int(0, 5);
      if (pick === 1) filters.vcenter = values.vcenters[rng.int(0, values.vcenters.length - 1)];
      if (pick === 2) filters.datacenter = values.datacenters[rng.int(0, values.datacenters.length - 1)];
      if (pick === 3) filters.replication_type = rng.chance(0.5) ? 'incremental' : 'initial';
      if (pick === 4) filters.vm = values.vms[rng.int(0, values.vms.length - 1)];
      if (pick === 5) Object.assign(filters, { vm_group: 'group-a', replication_type: 'incremental' });
      const res = await get({ from: new Date(fromMs).toISOString(), to: toMs, interval, ...filters });
      expect(res.statusCode).toBe(200);
      const trends = res.json<MigrationTrends>();
      expect(trends.interval_ms).toBe(intervalMs);
      if (filters.vm || intervalMs % HOUR_MS) expect(trends.sources.rollup_hours).toBe(0);
      rolledUpHoursUsed += trends.sources.rollup_hours;
      nonEmpty += trends.data.filter((b) => b.total > 0).length;
      await expectEqualsRaw(trends, fromMs, toMs, intervalMs, filters);
    }
    // The cases did exercise rollups and found jobs.
    expect(rolledUpHoursUsed).toBeGreaterThan(100);
    expect(nonEmpty).toBeGreaterThan(50);
  });

  test('a range across the rolled-up mark reads rollups, then raw rows for the partial and recent hours', async () => {
    const fromMs = END - 30 * HOUR_MS - 20 * 60_000;
    const toMs = END + 7 * 60_000;
    const res = await get({ from: fromMs, to: toMs, interval: '1h' });
    const trends = res.json<MigrationTrends>();
    expect(trends.sources).toEqual({
      rollup_hours: (ROLLED_UP_TO - (END - 30 * HOUR_MS)) / HOUR_MS,
      raw_ranges: [
        { from: new Date(fromMs).toISOString(), to: new Date(END - 30 * HOUR_MS).toISOString() },
        { from: new Date(ROLLED_UP_TO).toISOString(), to: new Date(toMs).toISOString() },
      ],
    });
    expect(trends.bucket_rule).toMatch(/completed_at/);
    expect(trends.percentile_relative_error).toBe(TREND_PERCENTILE_RELATIVE_ERROR);
    await expectEqualsRaw(trends, fromMs, toMs, HOUR_MS, {});
  });

  test('running and pending jobs are never counted', async () => {
    const res = await get({ from: END - 3 * HOUR_MS, to: END, interval: '3h' });
    const [bucket] = res.json<MigrationTrends>().data;
    const { total } = await rawBucket(END - 3 * HOUR_MS, END, {});
    expect(bucket.total).toBe(total);
    const { rows } = await sql<{ n: number }>`select count(*) as n from replication_jobs
      where completed_at >= ${t.store.time.toDb(END - 3 * HOUR_MS)} and completed_at < ${t.store.time.toDb(END)}`.execute(
      t.store.db,
    );
    // The two running jobs with a completed_at are in the window, not in the count.
    expect(Number(rows[0].n)).toBe(total + 2);
  });

  test.each([
    [
      { from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_time_range',
      /"from" is after "to"/,
    ],
    [
      { from: '2026-10-01T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_trends_request',
      /"from" must be before "to"/,
    ],
    [
      { from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', interval: '1s' },
      'invalid_trends_request',
      new RegExp(`at most ${MAX_TREND_BUCKETS}`),
    ],
    [
      { from: '2026-10-01T00:00:00Z', to: '2026-10-20T00:00:00Z', interval: '1m' },
      'invalid_trends_request',
      /27360 buckets/,
    ],
    [{ from: 'yesterday', to: '2026-10-01T00:00:00Z' }, 'invalid_time_range', /"from" must be/],
    [{ interval: '1x' }, 'validation_failed', /interval/],
    [{ interval: '0' }, 'validation_failed', /interval/],
    [{ vcenter: '' }, 'validation_failed', /vcenter/],
    [{ status: 'failed' }, 'validation_failed', /status/],
    [{ vm_name: 'x' }, 'validation_failed', /vm_name/],
  ])('refuses %j with a clear 400', async (query, code, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
  });

  test('needs a token', async () => {
    expect((await get({}, null)).statusCode).toBe(401);
  });

  describe('migrationTrends query type', () => {
    const query = async (body: object) =>
      (
        await t.app.inject({ method: 'POST', url: '/api/v1/query', headers: bearer('reader'), payload: body })
      ).json<{ results: Record<string, WireQueryResult> }>().results;
    const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;
    const range = { from: new Date(END - 5 * 24 * HOUR_MS).toISOString(), to: new Date(END).toISOString() };

    test('a wide time-series frame honouring intervalMs, equal to the endpoint', async () => {
      const { A } = await query({
        range,
        intervalMs: 6 * HOUR_MS,
        maxDataPoints: 1000,
        queries: [{ refId: 'A', queryType: 'migrationTrends', datacenter: values.datacenters[0] }],
      });
      expect(A.error).toBeUndefined();
      const [frame] = A.frames as WireFrame[];
      expect(frame.name).toBe('migration_trends');
      expect(frame.meta).toMatchObject({ type: 'timeseries-wide' });
      expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
        ['time', 'time'],
        ['total', 'number'],
        ['completed', 'number'],
        ['failed', 'number'],
        ['cancelled', 'number'],
        ['bytes', 'number'],
        ['duration_p50_s', 'number'],
        ['duration_p95_s', 'number'],
        ['avg_throughput_bps', 'number'],
      ]);
      const rest = (
        await get({ ...range, interval: '6h', datacenter: values.datacenters[0] })
      ).json<MigrationTrends>();
      expect(column(frame, 'time')).toEqual(rest.data.map((b) => Date.parse(b.time)));
      expect(column(frame, 'total')).toEqual(rest.data.map((b) => b.total));
      expect(column(frame, 'duration_p95_s')).toEqual(rest.data.map((b) => b.duration_p95_s));
      expect(rest.data.reduce((s, b) => s + b.total, 0)).toBeGreaterThan(0);
    });

    test('maxDataPoints widens the buckets (to whole hours) so the range fits', async () => {
      const { A } = await query({
        range,
        intervalMs: 60_000,
        maxDataPoints: 10,
        queries: [{ refId: 'A', queryType: 'migrationTrends' }],
      });
      const times = column((A.frames as WireFrame[])[0], 'time') as number[];
      expect(times.length).toBeLessThanOrEqual(11);
      expect((times[1] - times[0]) % HOUR_MS).toBe(0);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual((5 * 24 * HOUR_MS) / 10);
    });

    test('an unknown field or a bad value fails that query alone', async () => {
      const results = await query({
        range,
        queries: [
          { refId: 'A', queryType: 'migrationTrends', status: 'failed' },
          { refId: 'B', queryType: 'migrationTrends', vcenter: 42 },
          { refId: 'C', queryType: 'migrationTrends' },
        ],
      });
      expect(results.A).toMatchObject({ status: 400, error: expect.stringMatching(/"status"/) });
      expect(results.B).toMatchObject({ status: 400, error: expect.stringMatching(/vcenter/) });
      expect(results.C.error).toBeUndefined();
    });
  });
});
