// GET /analytics/success-rates and the successRates query type on every target. For
// seeded-random ranges (partial first and last hours), intervals, filters and groupings, every
// group's and every bucket's counts equal a plain SQL GROUP BY over replication_jobs, whether
// the hours come from rollups or not; running jobs never count.
import { sql, type RawBuilder } from 'kysely';
import {
  MAX_TREND_BUCKETS,
  SUCCESS_RATE_GROUPS,
  type SuccessRates,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { parseInterval } from '../src/analytics/trends/migration-trends';
import { Rng } from '../src/demo/rng';
import { buildJobWorld, END, START, type Filters } from './analytics-job-world';
import { bearer, TARGETS, type TestApp } from './helper';

type Grouping = (typeof SUCCESS_RATE_GROUPS)[number];

const FILTER_COLUMN = {
  vcenter: 'v_center_host',
  datacenter: 'datacenter',
  vm: 'source_vm_name',
  replication_type: 'replication_type',
  vm_group: 'vm_group_id',
} as const;
const GROUP_COLUMN: Record<Exclude<Grouping, 'day'>, RawBuilder<string>> = {
  vcenter: sql`v_center_host`,
  datacenter: sql`datacenter`,
  replication_type: sql`replication_type`,
  error_classification: sql`coalesce(vma_error_classification, '')`,
};

describe.each(TARGETS)('success rates on %s', (target) => {
  let t: TestApp;
  let values: { vcenters: string[]; datacenters: string[]; vms: string[] };

  const get = (query: Record<string, string | number>, who: 'reader' | null = 'reader') =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/success-rates',
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      headers: who ? bearer(who) : {},
    });

  beforeAll(async () => {
    ({ t, values } = await buildJobWorld(target, 'rates'));
  });
  afterAll(async () => t?.dispose());

  /** Plain SQL: outcome counts per group over [from, to) — the `$__timeGroup`-free equivalent. */
  async function rawGroups(fromMs: number, toMs: number, filters: Filters, groupBy: Grouping) {
    const where = [
      sql`status in ('completed', 'failed', 'cancelled')`,
      sql`completed_at >= ${t.store.time.toDb(fromMs)}`,
      sql`completed_at < ${t.store.time.toDb(toMs)}`,
      ...Object.entries(filters).map(([k, v]) => sql`${sql.ref(FILTER_COLUMN[k as keyof Filters])} = ${v}`),
    ];
    const group = groupBy === 'day' ? sql<string>`''` : GROUP_COLUMN[groupBy];
    const { rows } = await sql<{ g: string; completed: number; failed: number; cancelled: number }>`
      select ${group} as g,
        sum(case when status = 'completed' then 1 else 0 end) as completed,
        sum(case when status = 'failed' then 1 else 0 end) as failed,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled
      from replication_jobs where ${sql.join(where, sql` and `)} group by ${group}`.execute(t.store.db);
    return new Map(
      rows.map((r) => {
        const [completed, failed, cancelled] = [Number(r.completed), Number(r.failed), Number(r.cancelled)];
        const total = completed + failed + cancelled;
        return [
          r.g === '' ? null : r.g,
          { total, completed, failed, cancelled, success_rate: total ? completed / total : null },
        ];
      }),
    );
  }

  /** As in the trends test: a repeated autumn hour of a DST zone cannot be placed by any SQL over zone-less text. */
  function nearRepeatedHour(fromMs: number, toMs: number): boolean {
    for (let ms = fromMs - HOUR_MS; ms <= toMs + HOUR_MS; ms += 15 * 60_000) {
      if (t.store.time.toMs(t.store.time.toDb(ms)) !== ms) return true;
    }
    return false;
  }

  const near = (a: number | null, b: number | null) => {
    expect(a === null).toBe(b === null);
    if (a !== null && b !== null) expect(a).toBeCloseTo(b, 5);
  };

  async function expectEqualsRaw(
    rates: SuccessRates,
    fromMs: number,
    toMs: number,
    intervalMs: number,
    filters: Filters,
  ) {
    const label = `${rates.group_by} ${new Date(fromMs).toISOString()} ${JSON.stringify(filters)}`;
    const first = Math.floor(fromMs / intervalMs) * intervalMs;
    const clip = (start: number) => [Math.max(fromMs, start), Math.min(toMs, start + intervalMs)] as const;
    if (rates.group_by === 'day') {
      expect(rates.groups.map((g) => g.group)).toEqual(
        Array.from({ length: Math.ceil((toMs - first) / intervalMs) }, (_, i) =>
          new Date(first + i * intervalMs).toISOString(),
        ),
      );
      expect(rates.series).toEqual([]);
      for (const g of rates.groups) {
        const [from, to] = clip(Date.parse(g.group!));
        if (nearRepeatedHour(from, to)) continue;
        const raw = (await rawGroups(from, to, filters, 'day')).get(null);
        const { success_rate, ...counts } = g;
        expect({ label, ...counts }).toEqual({
          label,
          group: g.group,
          total: raw?.total ?? 0,
          completed: raw?.completed ?? 0,
          failed: raw?.failed ?? 0,
          cancelled: raw?.cancelled ?? 0,
        });
        near(success_rate, raw?.success_rate ?? null);
      }
      return;
    }
    if (!nearRepeatedHour(fromMs, toMs)) {
      const raw = await rawGroups(fromMs, toMs, filters, rates.group_by);
      expect({
        label,
        groups: rates.groups
          .map(({ success_rate: _, ...g }) => g)
          .sort((a, b) => String(a.group).localeCompare(String(b.group))),
      }).toEqual({
        label,
        groups: [...raw.entries()]
          .map(([group, r]) => ({
            group,
            total: r.total,
            completed: r.completed,
            failed: r.failed,
            cancelled: r.cancelled,
          }))
          .sort((a, b) => String(a.group).localeCompare(String(b.group))),
      });
      for (const g of rates.groups) near(g.success_rate, raw.get(g.group)!.success_rate);
      // Most finished jobs first.
      const totals = rates.groups.map((g) => g.total);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
    }
    // Every series point equals its bucket's raw counts, and the series adds up to the groups.
    const bucketsSeen = new Set(rates.series.map((p) => p.time));
    for (const time of bucketsSeen) {
      const [from, to] = clip(Date.parse(time));
      if (nearRepeatedHour(from, to)) continue;
      const raw = await rawGroups(from, to, filters, rates.group_by);
      const points = rates.series.filter((p) => p.time === time);
      expect(points.map((p) => [p.group, p.total, p.completed, p.failed, p.cancelled]).sort()).toEqual(
        [...raw.entries()].map(([group, r]) => [group, r.total, r.completed, r.failed, r.cancelled]).sort(),
      );
    }
    for (const g of rates.groups) {
      expect(rates.series.filter((p) => p.group === g.group).reduce((s, p) => s + p.total, 0)).toBe(g.total);
    }
  }

  test('seeded-random ranges, intervals, filters and groupings: every count equals SQL over the raw table', async () => {
    const rng = new Rng(10);
    const intervals = ['1h', '6h', '1d', '15m', '90m', '2d'];
    let rolledUpHoursUsed = 0;
    let finished = 0;
    for (let i = 0; i < 15; i++) {
      const interval = intervals[i % intervals.length];
      const intervalMs = parseInterval(interval)!;
      const groupBy = SUCCESS_RATE_GROUPS[i % SUCCESS_RATE_GROUPS.length];
      const span = Math.min(120 * intervalMs, rng.int(1, 12 * 24) * HOUR_MS) + rng.int(1, 3_599_999);
      const fromMs = rng.int(START - 6 * HOUR_MS, END + 2 * HOUR_MS - span);
      const toMs = fromMs + span;
      const filters: Filters = {};
      const pick = rng.int(0, 5);
      if (pick === 1) filters.vcenter = values.vcenters[rng.int(0, values.vcenters.length - 1)];
      if (pick === 2) filters.datacenter = values.datacenters[rng.int(0, values.datacenters.length - 1)];
      if (pick === 3) filters.replication_type = rng.chance(0.5) ? 'incremental' : 'initial';
      if (pick === 4) filters.vm = values.vms[rng.int(0, values.vms.length - 1)];
      if (pick === 5) Object.assign(filters, { vm_group: 'group-a', replication_type: 'incremental' });
      const res = await get({
        from: new Date(fromMs).toISOString(),
        to: toMs,
        interval,
        group_by: groupBy,
        ...filters,
      });
      expect(res.statusCode).toBe(200);
      const rates = res.json<SuccessRates>();
      expect(rates.interval_ms).toBe(intervalMs);
      expect(rates.group_by).toBe(groupBy);
      if (filters.vm || intervalMs % HOUR_MS) expect(rates.sources.rollup_hours).toBe(0);
      rolledUpHoursUsed += rates.sources.rollup_hours;
      finished += rates.groups.reduce((s, g) => s + g.total, 0);
      await expectEqualsRaw(rates, fromMs, toMs, intervalMs, filters);
    }
    expect(rolledUpHoursUsed).toBeGreaterThan(100);
    expect(finished).toBeGreaterThan(100);
  });

  test('error classes: failed jobs by class, jobs without one as a null group; success rate is completed / finished', async () => {
    const from = START;
    const to = END + HOUR_MS;
    const rates = (await get({ from, to, group_by: 'error_classification' })).json<SuccessRates>();
    expect(rates.sources.rollup_hours).toBeGreaterThan(0);
    const none = rates.groups.find((g) => g.group === null)!;
    expect(none.completed).toBeGreaterThan(0);
    const classes = rates.groups.filter((g) => g.group !== null);
    expect(classes.length).toBeGreaterThan(1);
    expect(classes.every((g) => g.completed === 0 && g.failed > 0 && g.success_rate === 0)).toBe(true);
    const all = (await get({ from, to, group_by: 'vcenter' })).json<SuccessRates>();
    const [c, f] = [
      all.groups.reduce((s, g) => s + g.completed, 0),
      all.groups.reduce((s, g) => s + g.total, 0),
    ];
    expect(c / f).toBeGreaterThan(0.5);
    expect(
      all.groups.every(
        (g) => g.success_rate === null || Math.abs(g.success_rate - g.completed / g.total) < 1e-6,
      ),
    ).toBe(true);
  });

  test('running jobs never count, even with a completed_at', async () => {
    const rates = (
      await get({ from: END - 3 * HOUR_MS, to: END, interval: '3h', group_by: 'day' })
    ).json<SuccessRates>();
    const counted = rates.groups.reduce((s, g) => s + g.total, 0);
    const { rows } = await sql<{ n: number }>`select count(*) as n from replication_jobs
      where completed_at >= ${t.store.time.toDb(END - 3 * HOUR_MS)} and completed_at < ${t.store.time.toDb(END)}`.execute(
      t.store.db,
    );
    expect(Number(rows[0].n)).toBe(counted + 2);
  });

  test.each([
    [
      { group_by: 'vcenter', from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_time_range',
      /"from" is after "to"/,
    ],
    [
      { group_by: 'day', from: '2026-10-01T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_analytics_request',
      /"from" must be before "to"/,
    ],
    [
      { group_by: 'day', from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', interval: '1m' },
      'invalid_analytics_request',
      new RegExp(`at most ${MAX_TREND_BUCKETS}`),
    ],
    [{ group_by: 'vm_name' }, 'validation_failed', /group_by/],
    [{}, 'validation_failed', /group_by/],
    [{ group_by: 'vcenter', interval: '1x' }, 'validation_failed', /interval/],
    [{ group_by: 'vcenter', status: 'failed' }, 'validation_failed', /status/],
    [{ group_by: 'vcenter', vcenter: '' }, 'validation_failed', /vcenter/],
  ])('refuses %j with a clear 400', async (query, code, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
  });

  test('needs a token', async () => {
    expect((await get({ group_by: 'day' }, null)).statusCode).toBe(401);
  });

  describe('successRates query type', () => {
    const query = async (body: object) =>
      (
        await t.app.inject({ method: 'POST', url: '/api/v1/query', headers: bearer('reader'), payload: body })
      ).json<{ results: Record<string, WireQueryResult> }>().results;
    const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;
    const range = { from: new Date(END - 8 * 24 * HOUR_MS).toISOString(), to: new Date(END).toISOString() };

    test('a table per group, equal to the endpoint', async () => {
      const { A } = await query({
        range,
        queries: [
          { refId: 'A', queryType: 'successRates', group_by: 'datacenter', replication_type: 'incremental' },
        ],
      });
      expect(A.error).toBeUndefined();
      const [frame] = A.frames as WireFrame[];
      expect(frame.name).toBe('success_rates');
      expect(frame.fields.map((f) => f.name)).toEqual([
        'group',
        'total',
        'completed',
        'failed',
        'cancelled',
        'success_rate',
      ]);
      const rest = (
        await get({ ...range, group_by: 'datacenter', replication_type: 'incremental' })
      ).json<SuccessRates>();
      expect(column(frame, 'group')).toEqual(rest.groups.map((g) => g.group ?? '(none)'));
      expect(column(frame, 'total')).toEqual(rest.groups.map((g) => g.total));
      expect(column(frame, 'success_rate')).toEqual(rest.groups.map((g) => g.success_rate));
      expect(rest.groups.length).toBeGreaterThan(1);
    });

    test('by day: a wide time series of buckets of at least a day, widened to fit maxDataPoints', async () => {
      const { A, B } = await query({
        range,
        intervalMs: 60_000,
        maxDataPoints: 4,
        queries: [
          { refId: 'A', queryType: 'successRates', group_by: 'day' },
          { refId: 'B', queryType: 'successRates', group_by: 'day', vm: values.vms[0] },
        ],
      });
      const [frame] = A.frames as WireFrame[];
      expect(frame.meta).toMatchObject({ type: 'timeseries-wide' });
      const times = column(frame, 'time') as number[];
      expect(times.length).toBeLessThanOrEqual(5);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(2 * 24 * HOUR_MS);
      const sum = (column(frame, 'total') as number[]).reduce((a, b) => a + b, 0);
      const raw = await rawGroups(Date.parse(range.from), Date.parse(range.to), {}, 'day');
      expect(sum).toBe(raw.get(null)!.total);
      const vmTotal = (column((B.frames as WireFrame[])[0], 'total') as number[]).reduce((a, b) => a + b, 0);
      expect(vmTotal).toBe(
        (await rawGroups(Date.parse(range.from), Date.parse(range.to), { vm: values.vms[0] }, 'day')).get(
          null,
        )?.total ?? 0,
      );
    });

    test('an unknown grouping or field fails that query alone', async () => {
      const results = await query({
        range,
        queries: [
          { refId: 'A', queryType: 'successRates', group_by: 'status' },
          { refId: 'B', queryType: 'successRates' },
          { refId: 'C', queryType: 'successRates', group_by: 'vcenter', colour: 'red' },
          { refId: 'D', queryType: 'successRates', group_by: 'vcenter' },
        ],
      });
      expect(results.A).toMatchObject({ status: 400, error: expect.stringMatching(/group_by/) });
      expect(results.B).toMatchObject({ status: 400, error: expect.stringMatching(/group_by/) });
      expect(results.C).toMatchObject({ status: 400, error: expect.stringMatching(/colour/) });
      expect(results.D.error).toBeUndefined();
    });
  });
});
