// CBT sync, volume operation and CloudStack job analytics (GET /analytics/cbt-performance,
// /analytics/volume-performance, /analytics/summary and their query types) on every target. For
// seeded-random ranges (partial first and last hours), intervals and filters, every bucket's
// counts and sums equal plain SQL over the OMA tables, and percentiles are within the histogram's
// bound of the exact ones, whether the hours come from rollups or not. Rows still running never
// count.
import { sql, type RawBuilder } from 'kysely';
import {
  MAX_TREND_BUCKETS,
  TREND_PERCENTILE_RELATIVE_ERROR,
  type AnalyticsSummary,
  type CbtPerformance,
  type MigrationTrends,
  type VolumePerformance,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { exactQuantile } from '../src/analytics/histogram/histogram';
import { rollUpAll } from '../src/analytics/rollups/maintenance';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { rolledUpTo } from '../src/analytics/rollups/roll-up';
import { rollupMark, rollUpKindHours, rollUpKindPending } from '../src/analytics/ops/rollup-engine';
import {
  CBT_SPEC,
  cloudstackJobTable,
  CLOUDSTACK_SPEC,
  OPS_ROLLUPS,
  VOLUME_SPEC,
} from '../src/analytics/ops/sources';
import { parseInterval } from '../src/analytics/trends/migration-trends';
import { forOneRequest } from '../src/db/probe';
import { Rng } from '../src/demo/rng';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, FIXED_END, TARGETS, vmContextsByName, type TestApp } from './helper';

// Loading the OMA dump and the property cases take longer than jest's default on a busy machine
// (the project's testTimeout is not applied when jest runs from the repository root).
jest.setTimeout(120_000);

const SEED = { vms: 30, days: 12 };
const END = FIXED_END.getTime();
const START = END - SEED.days * 24 * HOUR_MS;
/** The last hours stay un-rolled-up, as between two maintenance runs. */
const ROLLED_UP_TO = END - 5 * HOUR_MS;
const FINISHED = ['completed', 'failed', 'cancelled'];
type FilterName = 'vcenter' | 'datacenter' | 'vm' | 'replication_type' | 'vm_group';
type Filters = Partial<Record<FilterName, string>>;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const rounded = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const rate = (part: number, whole: number) => (whole > 0 ? rounded(part / whole, 6) : null);

describe.each(TARGETS)('ops analytics on %s', (target) => {
  let t: TestApp;
  let values: { vcenters: string[]; datacenters: string[]; vms: string[] };
  const toDb = (ms: number) => t.store.time.toDb(ms);
  const toMs = (text: unknown) => t.store.time.toMs(text as string | null);

  const get = <T>(path: string, query: Record<string, string | number>, who: 'reader' | null = 'reader') =>
    t.app
      .inject({
        method: 'GET',
        url: `/api/v1/analytics/${path}`,
        query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
        headers: who ? bearer(who) : {},
      })
      .then((res) => ({ status: res.statusCode, body: res.json<T>() }));

  beforeAll(async () => {
    t = await buildTestApp(target, SEED);
    const db = t.store.db;
    const distinct = async (
      table: 'vm_replication_contexts',
      column: 'vcenter_host' | 'datacenter' | 'vm_name',
    ) =>
      (await db.selectFrom(table).select(column).distinct().orderBy(column).execute()).map((r) => r[column]);
    values = {
      vcenters: await distinct('vm_replication_contexts', 'vcenter_host'),
      datacenters: await distinct('vm_replication_contexts', 'datacenter'),
      vms: await distinct('vm_replication_contexts', 'vm_name'),
    };
    // A VM group (the real schema keeps groups in vm_machine_groups, which jobs reference).
    if (target === 'mysql-oma-dump') {
      await sql`insert into vm_machine_groups (id, name) values ('group-a', 'group-a')`.execute(db);
    }
    await db
      .updateTable('replication_jobs')
      .set({ vm_group_id: 'group-a' })
      .where('datacenter', '=', values.datacenters[0])
      .execute();

    // Rows still running, some oddly with a completed_at, in rolled-up and raw hours: never counted.
    // JSON columns are written as text (mysql2 may hand them back parsed).
    const op = {
      ...(await db.selectFrom('volume_operations').selectAll().executeTakeFirstOrThrow()),
      request: '{"type":"attach"}',
      response: null,
    };
    const tracked = {
      ...(await db
        .selectFrom('job_tracking')
        .selectAll()
        .where('job_type', '=', 'cloudstack')
        .executeTakeFirstOrThrow()),
      metadata: null,
    };
    const times = [END - 3 * HOUR_MS - 60_000, END - 40 * HOUR_MS + 5 * 60_000];
    await db
      .insertInto('volume_operations')
      .values(
        times.flatMap((at, i) => [
          {
            ...op,
            id: `ops-running-${i}`,
            status: 'executing',
            created_at: toDb(at - 60_000),
            completed_at: toDb(at),
          },
          {
            ...op,
            id: `ops-pending-${i}`,
            status: 'pending',
            created_at: toDb(at - 60_000),
            completed_at: null,
          },
        ]),
      )
      .execute();
    await db
      .insertInto('job_tracking')
      .values(
        times.flatMap((at, i) => [
          {
            ...tracked,
            id: `cs-running-${i}`,
            status: 'running',
            started_at: toDb(at - 9_000),
            completed_at: toDb(at),
          },
          // A CloudStack job tracked by another component: it has a cloudstack_job_id.
          {
            ...tracked,
            id: `cs-daemon-${i}`,
            job_type: 'volume_daemon',
            operation: 'detachVolume',
            status: 'failed',
            started_at: toDb(at - 7_000),
            completed_at: toDb(at),
          },
          // Not a CloudStack job at all.
          {
            ...tracked,
            id: `not-cs-${i}`,
            job_type: 'failover',
            cloudstack_job_id: null,
            operation: 'testFailover',
            status: 'completed',
            started_at: toDb(at - 70_000),
            completed_at: toDb(at),
          },
        ]),
      )
      .execute();

    await rollUpAll(t.store, ROLLED_UP_TO + 17 * 60_000);
    for (const spec of OPS_ROLLUPS) expect(await rollupMark(t.store, spec)).toBe(ROLLED_UP_TO);

    // CBT rows written after that run: above the time index's mark, read by primary key.
    const copy = await db
      .selectFrom('cbt_history')
      .select(['vm_context_id', 'job_id', 'disk_id', 'change_id', 'previous_change_id', 'sync_type'])
      .select(['blocks_changed', 'sync_duration_seconds'])
      .where('sync_type', '=', 'incremental')
      .where('sync_success', '=', 1)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('cbt_history')
      .values(
        [0, 1, 2].map((i) => ({
          ...copy,
          sync_success: i === 2 ? 0 : 1,
          bytes_transferred: 1_000_000 + i,
          created_at: toDb(END - (40 + i * 30) * 60_000),
        })),
      )
      .execute();

    // A late row that is the previous successful sync of an indexed one: a disk's sync written
    // after the run, a minute before a sync of that disk the index already holds (both in hours
    // not rolled up yet, as a late row in a rolled-up hour waits for the next run's re-roll).
    const indexed = await db
      .selectFrom('cbt_history')
      .select(['id', 'vm_context_id', 'job_id', 'disk_id', 'change_id', 'created_at'])
      .where('sync_type', '=', 'incremental')
      .where('sync_success', '=', 1)
      .where('created_at', '>=', toDb(ROLLED_UP_TO + 5 * 60_000))
      .where('created_at', '<', toDb(END - 2 * HOUR_MS))
      .orderBy('id')
      .executeTakeFirstOrThrow();
    lateBefore = { id: Number(indexed.id), atMs: t.store.time.toMs(indexed.created_at)! };
    await db
      .insertInto('cbt_history')
      .values({
        vm_context_id: indexed.vm_context_id,
        job_id: indexed.job_id,
        disk_id: indexed.disk_id,
        change_id: `${indexed.change_id}-late`,
        sync_type: 'incremental',
        sync_success: 1,
        bytes_transferred: 2_000_000,
        sync_duration_seconds: 30,
        created_at: toDb(lateBefore.atMs - 60_000),
      })
      .execute();

    // Volume operations after that run: one pending then that has finished since (read through
    // the index's pending entry), one created since (read through created_at).
    await db
      .updateTable('volume_operations')
      .set({ status: 'completed', completed_at: toDb(END - 2 * HOUR_MS) })
      .where('id', '=', 'ops-pending-0')
      .execute();
    // Created after every row the run saw (a new row's created_at is the database's clock).
    const [newest] = await run(sql<{ at: string }>`select max(created_at) as at from volume_operations`);
    lateOpCreatedMs = Math.max(toMs(newest.at)!, END - 90 * 60_000) + 60_000;
    await db
      .insertInto('volume_operations')
      .values({
        ...op,
        id: 'ops-late-0',
        type: 'cleanup',
        status: 'failed',
        created_at: toDb(lateOpCreatedMs),
        completed_at: toDb(lateOpCreatedMs + 10 * 60_000),
      })
      .execute();
  });
  /** When the volume operation created after the last run was created. */
  let lateOpCreatedMs: number;
  /** An indexed sync whose previous successful sync of its disk is a row not indexed yet. */
  let lateBefore: { id: number; atMs: number };

  test('an indexed sync whose previous sync is not indexed yet: the change rate takes it', async () => {
    const [from, to] = [lateBefore.atMs - 30_000, lateBefore.atMs + 1];
    const { body } = await get<CbtPerformance>('cbt-performance', { from, to, view: 'summary' });
    const all = body.summary!.find((r) => r.sync_type === 'all')!;
    const raw = await rawCbt(from, to, {});
    expect(raw.changeRate).not.toBeNull();
    expectCloseRate(all.change_rate_bytes_per_hour, raw.changeRate, 'late previous');
    // The interval is the minute since the late row, not the time since an older sync.
    const [row] = await run(
      sql<{ bytes: number }>`select bytes_transferred as bytes from cbt_history where id = ${lateBefore.id}`,
    );
    if (raw.syncs === 1) expectCloseRate(all.change_rate_bytes_per_hour, Number(row.bytes) * 60, 'one sync');
  });

  test('volume operations finished or created after the last rollup run are counted', async () => {
    const from = END - 3 * HOUR_MS;
    const to = Math.max(END, lateOpCreatedMs + HOUR_MS);
    const { body } = await get<VolumePerformance>('volume-performance', { from, to, view: 'operations' });
    const raw = await rawOutcomes('volume', from, to, {});
    const of = (type: string) => body.operations!.find((r) => r.operation_type === type);
    expect(body.operations!.map((r) => r.operation_type)).toEqual(raw.ops);
    for (const type of raw.ops) {
      expect({ type, operations: of(type)?.operations, failed: of(type)?.failed }).toEqual({
        type,
        operations: raw.count(type, null),
        failed: raw.count(type, 'failed'),
      });
    }
    // Both rows are in the raw count, hence in the endpoint's.
    const [late] = await run(
      sql<{
        n: number;
      }>`select count(*) as n from volume_operations where id in ('ops-late-0', 'ops-pending-0')
        and status in (${sql.join(FINISHED)}) and completed_at >= ${toDb(from)}`,
    );
    expect(Number(late.n)).toBe(2);
    expect(raw.count('cleanup', 'failed')).toBeGreaterThanOrEqual(1);
  });

  test('CBT rows written after the last rollup run are counted (read by primary key above the time index)', async () => {
    const from = END - 3 * HOUR_MS;
    const { body } = await get<CbtPerformance>('cbt-performance', { from, to: END, view: 'summary' });
    const all = body.summary!.find((r) => r.sync_type === 'all')!;
    const raw = await rawCbt(from, END, {});
    expect({ syncs: all.syncs, bytes: all.bytes }).toEqual({ syncs: raw.syncs, bytes: raw.bytes });
    const added = await run(
      sql<{
        n: number;
      }>`select count(*) as n from cbt_history where bytes_transferred between 1000000 and 1000002`,
    );
    expect(Number(added[0].n)).toBe(3);
    expect(all.syncs).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => t?.dispose());

  // --- Plain SQL over the OMA tables: the reference -------------------------------------------

  const jobColumn: Record<FilterName, string> = {
    vcenter: 'j.v_center_host',
    datacenter: 'j.datacenter',
    vm: 'j.source_vm_name',
    replication_type: 'j.replication_type',
    vm_group: 'j.vm_group_id',
  };
  const contextColumn: Partial<Record<FilterName, string>> = {
    vcenter: 'x.vcenter_host',
    datacenter: 'x.datacenter',
    vm: 'x.vm_name',
  };
  const where = (
    conditions: RawBuilder<unknown>[],
    filters: Filters,
    columns: Partial<Record<FilterName, string>>,
  ) =>
    sql.join(
      [
        ...conditions,
        ...Object.entries(filters)
          .filter(([k]) => columns[k as FilterName])
          .map(([k, v]) => sql`${sql.ref(columns[k as FilterName]!)} = ${v}`),
      ],
      sql` and `,
    );
  const run = async <R>(query: RawBuilder<R>) => (await query.execute(t.store.db)).rows;

  async function rawCbt(fromMs: number, toMs_: number, filters: Filters) {
    const w = where(
      [sql`c.created_at >= ${toDb(fromMs)}`, sql`c.created_at < ${toDb(toMs_)}`],
      filters,
      jobColumn,
    );
    const from = sql`from cbt_history c left join replication_jobs j on j.id = c.job_id`;
    const groups = await run(sql<{ sync_type: string; n: number; ok: number; bytes: number; blocks: number }>`
      select c.sync_type, count(*) as n, sum(case when c.sync_success = 1 then 1 else 0 end) as ok,
        sum(c.bytes_transferred) as bytes, sum(c.blocks_changed) as blocks
      ${from} where ${w} group by c.sync_type`);
    const durations = await run(sql<{ d: number }>`
      select c.sync_duration_seconds as d ${from} where ${w} and c.sync_duration_seconds is not null`);
    const changes = await run(sql<{ created_at: string; bytes: number; prev: string | null }>`
      select c.created_at, c.bytes_transferred as bytes,
        (select max(p.created_at) from cbt_history p where p.vm_context_id = c.vm_context_id
          and p.disk_id = c.disk_id and p.sync_success = 1 and p.created_at < c.created_at) as prev
      ${from} where ${w} and c.sync_type = 'incremental' and c.sync_success = 1`);
    let changeBytes = 0;
    let changeMs = 0;
    for (const row of changes) {
      const [at, prev] = [toMs(row.created_at)!, toMs(row.prev)];
      if (prev === null || at - prev <= 0) continue;
      changeBytes += Number(row.bytes ?? 0);
      changeMs += at - prev;
    }
    const by = (type: string) => groups.find((g) => g.sync_type === type);
    const sum = (pick: (g: (typeof groups)[number]) => unknown) =>
      groups.reduce((s, g) => s + Number(pick(g) ?? 0), 0);
    return {
      syncs: sum((g) => g.n),
      successful: sum((g) => g.ok),
      bytes: sum((g) => g.bytes),
      blocks: sum((g) => g.blocks),
      full: { syncs: Number(by('full')?.n ?? 0), bytes: Number(by('full')?.bytes ?? 0) },
      incremental: { syncs: Number(by('incremental')?.n ?? 0), bytes: Number(by('incremental')?.bytes ?? 0) },
      changeRate: changeMs > 0 ? changeBytes / (changeMs / HOUR_MS) : null,
      durations: sorted(durations.map((r) => Number(r.d))),
    };
  }

  /** Finished rows of volume_operations or (CloudStack rows of) job_tracking by type/operation and status. */
  async function rawOutcomes(kind: 'volume' | 'cloudstack', fromMs: number, toMs_: number, filters: Filters) {
    const source =
      kind === 'volume'
        ? {
            from: sql`from volume_operations v left join vm_replication_contexts x on x.context_id = v.vm_id`,
            op: sql.ref('v.type'),
            status: sql.ref('v.status'),
            start: sql.ref('v.created_at'),
            end: sql.ref('v.completed_at'),
            extra: [] as RawBuilder<unknown>[],
          }
        : {
            from: sql`from job_tracking v left join vm_replication_contexts x on x.context_id = v.context_id`,
            op: sql.ref('v.operation'),
            status: sql.ref('v.status'),
            start: sql.ref('v.started_at'),
            end: sql.ref('v.completed_at'),
            extra: [sql`(v.job_type = 'cloudstack' or v.cloudstack_job_id is not null)`],
          };
    const w = where(
      [
        ...source.extra,
        sql`${source.status} in (${sql.join(FINISHED)})`,
        sql`${source.end} >= ${toDb(fromMs)}`,
        sql`${source.end} < ${toDb(toMs_)}`,
      ],
      filters,
      contextColumn,
    );
    const groups = await run(sql<{ op: string; status: string; n: number }>`
      select ${source.op} as op, ${source.status} as status, count(*) as n ${source.from} where ${w}
      group by ${source.op}, ${source.status}`);
    const times = await run(sql<{ op: string; s: string | null; e: string }>`
      select ${source.op} as op, ${source.start} as s, ${source.end} as e ${source.from} where ${w}`);
    const ops = [...new Set(groups.map((g) => g.op))].sort();
    const count = (op: string | null, status: string | null) =>
      groups
        .filter((g) => (op === null || g.op === op) && (status === null || g.status === status))
        .reduce((s, g) => s + Number(g.n), 0);
    const durationsOf = (op: string | null) =>
      sorted(
        times
          .filter((r) => op === null || r.op === op)
          .map((r) => [toMs(r.s), toMs(r.e)] as const)
          .filter(([s, e]) => s !== null && e !== null && s <= e)
          .map(([s, e]) => (e! - s!) / 1000),
      );
    return { ops, count, durationsOf };
  }

  /**
   * Whether [from, to) touches the hour a DB_TIMEZONE with daylight saving repeats in autumn (its
   * DATETIME text names two instants; no SQL over the text can place those rows).
   */
  function nearRepeatedHour(fromMs: number, toMs_: number): boolean {
    for (let ms = fromMs - HOUR_MS; ms <= toMs_ + HOUR_MS; ms += 15 * 60_000) {
      if (t.store.time.toMs(t.store.time.toDb(ms)) !== ms) return true;
    }
    return false;
  }

  function expectWithinBound(estimate: number | null, exact: number | null, label: string) {
    expect({ label, estimated: estimate === null }).toEqual({ label, estimated: exact === null });
    if (estimate === null || exact === null) return;
    // The histogram's bound plus the response's rounding to 3 decimals.
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(
      exact * TREND_PERCENTILE_RELATIVE_ERROR + 0.0005 + 1e-9,
    );
  }

  function expectCloseRate(actual: number | null, expected: number | null, label: string) {
    expect({ label, isNull: actual === null }).toEqual({ label, isNull: expected === null });
    if (actual !== null && expected !== null) {
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-9 + 0.0005);
    }
  }

  function randomCase(rng: Rng, i: number, intervals: string[]) {
    const interval = intervals[i % intervals.length];
    const intervalMs = parseInterval(interval)!;
    const span = Math.min(120 * intervalMs, rng.int(1, 12 * 24) * HOUR_MS) + rng.int(1, 3_599_999);
    const fromMs = rng.int(START - 6 * HOUR_MS, END + 2 * HOUR_MS - span);
    const filters: Filters = {};
    const pick = rng.int(0, 6);
    if (pick === 1) filters.vcenter = values.vcenters[rng.int(0, values.vcenters.length - 1)];
    if (pick === 2) filters.datacenter = values.datacenters[rng.int(0, values.datacenters.length - 1)];
    if (pick === 3) filters.replication_type = rng.chance(0.5) ? 'incremental' : 'initial';
    if (pick === 4) filters.vm = values.vms[rng.int(0, values.vms.length - 1)];
    if (pick === 5) Object.assign(filters, { vm_group: 'group-a', replication_type: 'incremental' });
    if (pick === 6) Object.assign(filters, { datacenter: values.datacenters[1], vm_group: 'group-a' });
    return { interval, intervalMs, fromMs, toMs: fromMs + span, filters };
  }

  const bucketsOf = (fromMs: number, toMs_: number, intervalMs: number) => {
    const first = Math.floor(fromMs / intervalMs) * intervalMs;
    return Array.from({ length: Math.ceil((toMs_ - first) / intervalMs) }, (_, i) => first + i * intervalMs);
  };

  test('CBT trend: seeded-random ranges, intervals and filters equal plain SQL; percentiles within the bound', async () => {
    const rng = new Rng(91);
    let rolledUpHours = 0;
    let nonEmpty = 0;
    for (let i = 0; i < 12; i++) {
      const c = randomCase(rng, i, ['1h', '6h', '1d', '15m', '2h', '90m']);
      const { status, body } = await get<CbtPerformance>('cbt-performance', {
        from: new Date(c.fromMs).toISOString(),
        to: c.toMs,
        interval: c.interval,
        view: 'trend',
        ...c.filters,
      });
      expect(status).toBe(200);
      expect(body.summary).toBeUndefined();
      expect(body.filters_not_applied).toEqual([]);
      if (c.filters.vm || c.intervalMs % HOUR_MS) expect(body.sources.rollup_hours).toBe(0);
      rolledUpHours += body.sources.rollup_hours;
      const starts = bucketsOf(c.fromMs, c.toMs, c.intervalMs);
      expect(body.trend!.map((b) => Date.parse(b.time))).toEqual(starts);
      for (const bucket of body.trend!) {
        const start = Date.parse(bucket.time);
        const [from, to] = [Math.max(c.fromMs, start), Math.min(c.toMs, start + c.intervalMs)];
        // Empty buckets are checked now and then: each check is a few queries.
        if (nearRepeatedHour(from, to) || (!bucket.syncs && rng.chance(0.8))) continue;
        const raw = await rawCbt(from, to, c.filters);
        const label = `${bucket.time} ${JSON.stringify(c.filters)}`;
        expect({ label, ...bucket }).toMatchObject({
          label,
          syncs: raw.syncs,
          successful: raw.successful,
          failed: raw.syncs - raw.successful,
          success_rate: rate(raw.successful, raw.syncs),
          full_syncs: raw.full.syncs,
          incremental_syncs: raw.incremental.syncs,
          bytes: raw.bytes,
          full_bytes: raw.full.bytes,
          incremental_bytes: raw.incremental.bytes,
        });
        expectCloseRate(bucket.change_rate_bytes_per_hour, raw.changeRate, label);
        expectWithinBound(bucket.duration_p50_s, exactQuantile(raw.durations, 0.5), label);
        expectWithinBound(bucket.duration_p95_s, exactQuantile(raw.durations, 0.95), label);
        if (bucket.syncs) nonEmpty++;
      }
    }
    expect(rolledUpHours).toBeGreaterThan(100);
    expect(nonEmpty).toBeGreaterThan(30);
  });

  test('CBT summary per sync type equals plain SQL, with failures and a change rate', async () => {
    const rng = new Rng(92);
    let failed = 0;
    for (let i = 0; i < 8; i++) {
      const c = randomCase(rng, i, ['1h']);
      const fromMs = i === 0 ? START - HOUR_MS + 1234 : c.fromMs;
      const toMs_ = i === 0 ? END + 7 * 60_000 : c.toMs;
      const filters = i === 0 ? {} : c.filters;
      const { body } = await get<CbtPerformance>('cbt-performance', {
        from: fromMs,
        to: toMs_,
        view: 'summary',
        ...filters,
      });
      expect(body.trend).toBeUndefined();
      const all = body.summary!.find((r) => r.sync_type === 'all')!;
      if (i === 0) {
        // The whole history: both sync types, failed syncs, and a change rate of incrementals.
        failed = all.failed;
        expect(body.summary!.map((r) => r.sync_type)).toEqual(['full', 'incremental', 'all']);
        expect(body.summary!.find((r) => r.sync_type === 'full')!.change_rate_bytes_per_hour).toBeNull();
        expect(all.change_rate_bytes_per_hour).toBeGreaterThan(0);
      }
      if (nearRepeatedHour(fromMs, toMs_)) continue;
      const raw = await rawCbt(fromMs, toMs_, filters);
      expect(all).toMatchObject({
        syncs: raw.syncs,
        successful: raw.successful,
        bytes: raw.bytes,
        blocks_changed: raw.blocks,
      });
      expectCloseRate(all.change_rate_bytes_per_hour, raw.changeRate, 'all');
      expectWithinBound(all.duration_p99_s, exactQuantile(raw.durations, 0.99), 'all p99');
      for (const type of ['full', 'incremental'] as const) {
        const row = body.summary!.find((r) => r.sync_type === type);
        expect(row?.syncs ?? 0).toBe(raw[type].syncs);
        expect(row?.bytes ?? 0).toBe(raw[type].bytes);
      }
    }
    expect(failed).toBeGreaterThan(0);
  });

  test('volume operations and CloudStack jobs: trend, per type and per operation equal plain SQL', async () => {
    const rng = new Rng(93);
    let operations = 0;
    let cloudstackJobs = 0;
    for (let i = 0; i < 10; i++) {
      const c = randomCase(rng, i, ['1h', '1d', '30m', '6h', '3h']);
      if (i === 0) Object.assign(c, { fromMs: START - 2 * HOUR_MS + 999, toMs: END + 1_000 });
      const { status, body } = await get<VolumePerformance>('volume-performance', {
        from: c.fromMs,
        to: c.toMs,
        interval: i === 0 ? '1d' : c.interval,
        ...c.filters,
      });
      expect(status).toBe(200);
      const intervalMs = i === 0 ? 24 * HOUR_MS : c.intervalMs;
      expect(body.cloudstack_source).toBe('job_tracking');
      const jobOnly = (['replication_type', 'vm_group'] as const).filter((f) => c.filters[f]);
      expect(body.filters_not_applied.volume_operations.sort()).toEqual(jobOnly);
      expect(body.filters_not_applied.cloudstack_jobs.sort()).toEqual(jobOnly);
      if (nearRepeatedHour(c.fromMs, c.toMs)) continue;

      const volume = await rawOutcomes('volume', c.fromMs, c.toMs, c.filters);
      const cloudstack = await rawOutcomes('cloudstack', c.fromMs, c.toMs, c.filters);
      expect(body.operations!.map((r) => r.operation_type)).toEqual(volume.ops);
      for (const row of body.operations!) {
        const finished = volume.count(row.operation_type, null);
        expect(row).toMatchObject({
          operations: finished,
          completed: volume.count(row.operation_type, 'completed'),
          failed: volume.count(row.operation_type, 'failed'),
          cancelled: volume.count(row.operation_type, 'cancelled'),
          failure_rate: rate(volume.count(row.operation_type, 'failed'), finished),
        });
        const durations = volume.durationsOf(row.operation_type);
        expectWithinBound(row.duration_p50_s, exactQuantile(durations, 0.5), row.operation_type);
        expectWithinBound(row.duration_p95_s, exactQuantile(durations, 0.95), row.operation_type);
        operations += finished;
      }
      expect(body.cloudstack!.map((r) => r.operation)).toEqual(cloudstack.ops);
      for (const row of body.cloudstack!) {
        expect(row).toMatchObject({
          jobs: cloudstack.count(row.operation, null),
          failed: cloudstack.count(row.operation, 'failed'),
          completed: cloudstack.count(row.operation, 'completed'),
        });
        const durations = cloudstack.durationsOf(row.operation);
        expectWithinBound(row.duration_p99_s, exactQuantile(durations, 0.99), row.operation);
        cloudstackJobs += row.jobs;
      }
      expect(body.trend!.map((b) => Date.parse(b.time))).toEqual(bucketsOf(c.fromMs, c.toMs, intervalMs));
      for (const bucket of body.trend!) {
        const start = Date.parse(bucket.time);
        const [from, to] = [Math.max(c.fromMs, start), Math.min(c.toMs, start + intervalMs)];
        if (!bucket.operations && !bucket.cloudstack_jobs && rng.chance(0.8)) {
          // Empty buckets are checked now and then: each check is a few queries.
          continue;
        }
        const v = await rawOutcomes('volume', from, to, c.filters);
        const k = await rawOutcomes('cloudstack', from, to, c.filters);
        const label = `${bucket.time} ${JSON.stringify(c.filters)}`;
        expect({ label, ...bucket }).toMatchObject({
          label,
          operations: v.count(null, null),
          completed: v.count(null, 'completed'),
          failed: v.count(null, 'failed'),
          cancelled: v.count(null, 'cancelled'),
          cloudstack_jobs: k.count(null, null),
          cloudstack_failed: k.count(null, 'failed'),
        });
        expectWithinBound(bucket.duration_p95_s, exactQuantile(v.durationsOf(null), 0.95), label);
      }
    }
    expect(operations).toBeGreaterThan(20);
    expect(cloudstackJobs).toBeGreaterThan(20);
  });

  test('rows still running never count; CloudStack jobs are job_type cloudstack or carry a cloudstack_job_id', async () => {
    const from = END - 4 * HOUR_MS;
    const { body } = await get<VolumePerformance>('volume-performance', { from, to: END, interval: '4h' });
    const volume = await rawOutcomes('volume', from, END, {});
    const [bucket] = body.trend!;
    expect(bucket.operations).toBe(volume.count(null, null));
    const { rows } = await sql<{ n: number }>`select count(*) as n from volume_operations
      where completed_at >= ${toDb(from)} and completed_at < ${toDb(END)}`.execute(t.store.db);
    // The executing operation with a completed_at is in the window, not in the count.
    expect(Number(rows[0].n)).toBe(bucket.operations + 1);
    /** The seed's own (job_type cloudstack) detachVolume jobs finished in a window. */
    const seededDetaches = async (fromMs: number, toMs_: number) =>
      Number(
        (
          await sql<{ n: number }>`select count(*) as n from job_tracking where job_type = 'cloudstack'
            and operation = 'detachVolume' and status in (${sql.join(FINISHED)})
            and completed_at >= ${toDb(fromMs)} and completed_at < ${toDb(toMs_)}`.execute(t.store.db)
        ).rows[0].n,
      );
    // The volume daemon's job with a cloudstack_job_id counts too; the failover job does not.
    const detach = body.cloudstack!.find((r) => r.operation === 'detachVolume');
    expect(detach?.jobs).toBe((await seededDetaches(from, END)) + 1);
    expect(body.cloudstack!.map((r) => r.operation)).not.toContain('testFailover');
    // Same in a rolled-up hour.
    const old = await get<VolumePerformance>('volume-performance', {
      from: END - 41 * HOUR_MS,
      to: END - 39 * HOUR_MS,
      interval: '1h',
    });
    expect(old.body.sources.cloudstack_jobs!.rollup_hours).toBe(2);
    expect(old.body.cloudstack!.find((r) => r.operation === 'detachVolume')?.jobs).toBe(
      (await seededDetaches(END - 41 * HOUR_MS, END - 39 * HOUR_MS)) + 1,
    );
    expect(old.body.cloudstack!.map((r) => r.operation)).not.toContain('testFailover');

    // One view reads only its kind, with the same figures; which filters apply is said for both.
    const window = { from: END - 41 * HOUR_MS, to: END - 39 * HOUR_MS, interval: '1h', vm_group: 'g' };
    const operations = await get<VolumePerformance>('volume-performance', { ...window, view: 'operations' });
    const cloudstack = await get<VolumePerformance>('volume-performance', { ...window, view: 'cloudstack' });
    const both = await get<VolumePerformance>('volume-performance', window);
    expect(Object.keys(operations.body.sources)).toEqual(['volume_operations']);
    expect(Object.keys(cloudstack.body.sources)).toEqual(['cloudstack_jobs']);
    expect(both.body.sources).toEqual({ ...operations.body.sources, ...cloudstack.body.sources });
    expect(operations.body.operations).toEqual(both.body.operations);
    expect(cloudstack.body.cloudstack).toEqual(both.body.cloudstack);
    expect([operations.body.cloudstack, cloudstack.body.operations]).toEqual([undefined, undefined]);
    for (const one of [operations, cloudstack]) {
      expect(one.body.filters_not_applied).toEqual({
        volume_operations: ['vm_group'],
        cloudstack_jobs: ['vm_group'],
      });
    }
  });

  test('summary: a job running across a past range end counts however long it ran, once written', async () => {
    const { db } = t.store;
    const at = END - 3 * 24 * HOUR_MS;
    const range = { from: at - 24 * HOUR_MS, to: at };
    const active = async () =>
      (await get<AnalyticsSummary>('summary', range)).body.data.find((k) => k.kpi === 'active_jobs')!.value;
    const before = await active();
    expect(before).toBe(await rawActiveJobs(at, {}));
    // Created six days before END, ended an hour before it: longer than any job read so far.
    const [vm] = await vmContextsByName(db);
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(vm, 'job-long-span', toDb(END), {
          status: 'completed',
          created_at: toDb(END - 6 * 24 * HOUR_MS),
          started_at: toDb(END - 6 * 24 * HOUR_MS),
          completed_at: toDb(END - HOUR_MS),
        }),
      )
      .execute();
    expect(await rawActiveJobs(at, {})).toBe(before! + 1);
    expect(await active()).toBe(before! + 1);
  });

  test('summary: KPIs and previous-period KPIs equal plain SQL; jobs agree with migration trends', async () => {
    const rng = new Rng(94);
    for (let i = 0; i < 4; i++) {
      const c = randomCase(rng, i, ['1h']);
      const [fromMs, toMs_] = i === 0 ? [END - 5 * 24 * HOUR_MS + 4321, END + 60_000] : [c.fromMs, c.toMs];
      const filters = i === 0 ? {} : c.filters;
      const { status, body } = await get<AnalyticsSummary>('summary', {
        from: fromMs,
        to: toMs_,
        ...filters,
      });
      expect(status).toBe(200);
      const previousFrom = fromMs - (toMs_ - fromMs);
      expect(body.previous_from).toBe(new Date(previousFrom).toISOString());
      expect(body.data.length).toBeGreaterThanOrEqual(16);
      const kpi = (id: string) => body.data.find((k) => k.kpi === id)!;
      for (const [period, from, to] of [
        ['value', fromMs, toMs_],
        ['previous', previousFrom, fromMs],
      ] as const) {
        if (nearRepeatedHour(from, to)) continue;
        const jobs = await rawJobs(from, to, filters);
        const cbt = await rawCbt(from, to, filters);
        const volume = await rawOutcomes('volume', from, to, filters);
        const cloudstack = await rawOutcomes('cloudstack', from, to, filters);
        const label = `${period} ${JSON.stringify(filters)}`;
        const got = (id: string) => kpi(id)[period];
        expect({
          label,
          migrations: got('migrations'),
          completed: got('migrations_completed'),
          failed: got('migrations_failed'),
          network: got('failures_network'),
          unclassified: got('failures_unclassified'),
          bytes: got('bytes_moved'),
          active: got('active_jobs'),
          cbt: got('cbt_syncs'),
          volume: got('volume_operations'),
          cloudstack: got('cloudstack_jobs'),
        }).toEqual({
          label,
          migrations: jobs.total,
          completed: jobs.completed,
          failed: jobs.failed,
          network: jobs.failedBy('network'),
          unclassified: jobs.failedBy(null),
          bytes: jobs.bytes,
          active: await rawActiveJobs(to, filters),
          cbt: cbt.syncs,
          volume: volume.count(null, null),
          cloudstack: cloudstack.count(null, null),
        });
        expectCloseRate(got('success_rate'), rate(jobs.completed, jobs.total), label);
        expectCloseRate(got('avg_throughput'), jobs.avgThroughput, label);
        expectCloseRate(got('cbt_success_rate'), rate(cbt.successful, cbt.syncs), label);
        expectCloseRate(got('cbt_change_rate'), cbt.changeRate, label);
        expectCloseRate(
          got('volume_failure_rate'),
          rate(volume.count(null, 'failed'), volume.count(null, null)),
          label,
        );
        expectCloseRate(
          got('cloudstack_failure_rate'),
          rate(cloudstack.count(null, 'failed'), cloudstack.count(null, null)),
          label,
        );
        expectWithinBound(got('duration_p50'), exactQuantile(jobs.durations, 0.5), label);
        expectWithinBound(got('duration_p95'), exactQuantile(jobs.durations, 0.95), label);
        expectWithinBound(got('peak_throughput'), jobs.peakThroughput, label);
      }
      for (const k of body.data.filter((k) => k.value !== null && k.previous !== null)) {
        expect(k.change).toBeCloseTo(k.value! - k.previous!, 5);
      }
      if (i === 0) {
        // The migration trends (the same job rollups) agree on the whole range.
        const trends = await get<MigrationTrends>('migration-trends', {
          from: fromMs,
          to: toMs_,
          interval: '1h',
        });
        expect(kpi('migrations').value).toBe(trends.body.data.reduce((s, b) => s + b.total, 0));
        expect(kpi('migrations').value).toBeGreaterThan(50);
        expect(kpi('migrations_failed').value).toBeGreaterThan(0);
        const statuses = await rawStatuses();
        expect(kpi('vms_ready_for_failover')).toMatchObject({
          value: statuses.ready_for_failover ?? 0,
          previous: null,
          change: null,
        });
        expect(kpi('vms_failed_over_live').value).toBe(statuses.failed_over_live ?? 0);
        expect(kpi('predicted_time_to_finish').value).toBeGreaterThan(0);
      }
    }
  });

  async function rawJobs(fromMs: number, toMs_: number, filters: Filters) {
    const w = where(
      [
        sql`j.status in (${sql.join(FINISHED)})`,
        sql`j.completed_at >= ${toDb(fromMs)}`,
        sql`j.completed_at < ${toDb(toMs_)}`,
      ],
      filters,
      jobColumn,
    );
    const groups = await run(sql<{
      status: string;
      cls: string | null;
      n: number;
      bytes: number;
      tp: number;
      tpn: number;
    }>`
      select j.status, j.vma_error_classification as cls, count(*) as n, sum(j.bytes_transferred) as bytes,
        sum(case when j.transfer_speed_bps > 0 then j.transfer_speed_bps else 0 end) as tp,
        sum(case when j.transfer_speed_bps > 0 then 1 else 0 end) as tpn
      from replication_jobs j where ${w} group by j.status, j.vma_error_classification`);
    const rows = await run(sql<{ s: string | null; c: string; tp: number | null }>`
      select j.started_at as s, j.completed_at as c, j.transfer_speed_bps as tp from replication_jobs j where ${w}`);
    const sum = (
      pick: (g: (typeof groups)[number]) => unknown,
      only?: (g: (typeof groups)[number]) => boolean,
    ) => groups.filter(only ?? (() => true)).reduce((s, g) => s + Number(pick(g) ?? 0), 0);
    const tpn = sum((g) => g.tpn);
    const speeds = sorted(rows.map((r) => Number(r.tp ?? 0)).filter((v) => v > 0));
    return {
      total: sum((g) => g.n),
      completed: sum(
        (g) => g.n,
        (g) => g.status === 'completed',
      ),
      failed: sum(
        (g) => g.n,
        (g) => g.status === 'failed',
      ),
      failedBy: (cls: string | null) =>
        sum(
          (g) => g.n,
          (g) => g.status === 'failed' && (g.cls ?? null) === cls,
        ),
      bytes: sum((g) => g.bytes),
      avgThroughput: tpn ? rounded(sum((g) => g.tp) / tpn, 3) : null,
      peakThroughput: speeds.length ? speeds[speeds.length - 1] : null,
      durations: sorted(
        rows
          .map((r) => [toMs(r.s), toMs(r.c)] as const)
          .filter(([s, c]) => s !== null && c !== null && s <= c)
          .map(([s, c]) => (c! - s!) / 1000),
      ),
    };
  }

  async function rawActiveJobs(atMs: number, filters: Filters) {
    const w = where(
      [
        sql`j.created_at < ${toDb(atMs)}`,
        sql`(j.status not in (${sql.join(FINISHED)}) or j.completed_at >= ${toDb(atMs)})`,
      ],
      filters,
      jobColumn,
    );
    const [row] = await run(sql<{ n: number }>`select count(*) as n from replication_jobs j where ${w}`);
    return Number(row.n);
  }

  async function rawStatuses() {
    const rows = await run(sql<{ s: string; n: number }>`
      select current_status as s, count(*) as n from vm_replication_contexts group by current_status`);
    return Object.fromEntries(rows.map((r) => [r.s, Number(r.n)]));
  }

  test('filters a kind of row cannot carry are named, never silently applied', async () => {
    const { body } = await get<AnalyticsSummary>('summary', {
      from: START,
      to: END,
      replication_type: 'incremental',
      vm_group: 'group-a',
    });
    const kpi = (id: string) => body.data.find((k) => k.kpi === id)!;
    expect(kpi('volume_operations').note).toMatch(/Not narrowed by replication_type, vm_group/);
    expect(kpi('cloudstack_failure_rate').note).toMatch(/Not narrowed by replication_type, vm_group/);
    expect(kpi('vms_ready_for_failover').note).toMatch(/Not narrowed by replication_type, vm_group/);
    expect(kpi('cbt_syncs').note ?? '').not.toMatch(/Not narrowed/);
    expect(kpi('migrations').note ?? '').not.toMatch(/Not narrowed/);
    // Unfiltered volume figures are the figures without those filters.
    const unfiltered = await get<AnalyticsSummary>('summary', { from: START, to: END });
    expect(kpi('volume_operations').value).toBe(
      unfiltered.body.data.find((k) => k.kpi === 'volume_operations')!.value,
    );
    expect(kpi('migrations').value).toBeLessThan(
      unfiltered.body.data.find((k) => k.kpi === 'migrations')!.value!,
    );
  });

  test.each([
    [
      'cbt-performance',
      { from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_time_range',
      /"from" is after "to"/,
    ],
    [
      'volume-performance',
      { from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_time_range',
      /"from" is after "to"/,
    ],
    [
      'summary',
      { from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_time_range',
      /"from" is after "to"/,
    ],
    [
      'summary',
      { from: '2026-10-01T00:00:00Z', to: '2026-10-01T00:00:00Z' },
      'invalid_analytics_request',
      /"from" must be before "to"/,
    ],
    [
      'cbt-performance',
      { from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', interval: '1s' },
      'invalid_analytics_request',
      new RegExp(`at most ${MAX_TREND_BUCKETS}`),
    ],
    [
      'volume-performance',
      { from: '2026-10-01T00:00:00Z', to: '2026-10-20T00:00:00Z', interval: '1m' },
      'invalid_analytics_request',
      /27360 buckets/,
    ],
    ['cbt-performance', { view: 'table' }, 'validation_failed', /view/],
    ['volume-performance', { view: 'summary' }, 'validation_failed', /view/],
    ['cbt-performance', { interval: '1x' }, 'validation_failed', /interval/],
    ['volume-performance', { vcenter: '' }, 'validation_failed', /vcenter/],
    ['summary', { interval: '1h' }, 'validation_failed', /interval/],
    ['summary', { status: 'failed' }, 'validation_failed', /status/],
    ['cbt-performance', { vm_name: 'x' }, 'validation_failed', /vm_name/],
    ['volume-performance', { from: 'yesterday' }, 'invalid_time_range', /"from" must be/],
  ])('%s refuses %j with a clear 400', async (path, query, code, message) => {
    const { status, body } = await get<{ error: { code: string; message: string } }>(path, query);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  test('a summary alone has no bucket cap: a decade in one request', async () => {
    const { status, body } = await get<CbtPerformance>('cbt-performance', {
      from: '2016-01-01T00:00:00Z',
      to: END,
      interval: '1s',
      view: 'summary',
    });
    expect(status).toBe(200);
    expect(body.summary!.find((r) => r.sync_type === 'all')!.syncs).toBe((await rawCbt(0, END, {})).syncs);
  });

  test.each(['cbt-performance', 'volume-performance', 'summary'])('%s needs a token', async (path) => {
    expect((await get(path, {}, null)).status).toBe(401);
  });

  describe('query types', () => {
    const query = async (body: object) =>
      (
        await t.app.inject({ method: 'POST', url: '/api/v1/query', headers: bearer('reader'), payload: body })
      ).json<{ results: Record<string, WireQueryResult> }>().results;
    const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;
    const range = { from: new Date(END - 5 * 24 * HOUR_MS).toISOString(), to: FIXED_END.toISOString() };

    test('cbtPerformance trend: a wide time series honouring intervalMs, equal to the endpoint; summary a table', async () => {
      const { A, B } = await query({
        range,
        intervalMs: 6 * HOUR_MS,
        maxDataPoints: 1000,
        queries: [
          { refId: 'A', queryType: 'cbtPerformance', datacenter: values.datacenters[0] },
          { refId: 'B', queryType: 'cbtPerformance', view: 'summary', vm: '' },
        ],
      });
      expect(A.error).toBeUndefined();
      const [trend] = A.frames as WireFrame[];
      expect(trend.name).toBe('cbt_trend');
      expect(trend.meta).toMatchObject({ type: 'timeseries-wide', notices: [] });
      expect(trend.fields.map((f) => f.name)).toEqual([
        'time',
        'syncs',
        'successful',
        'failed',
        'success_rate',
        'full_syncs',
        'incremental_syncs',
        'bytes',
        'full_bytes',
        'incremental_bytes',
        'change_rate_bytes_per_hour',
        'duration_p50_s',
        'duration_p95_s',
      ]);
      const rest = (
        await get<CbtPerformance>('cbt-performance', {
          ...range,
          interval: '6h',
          datacenter: values.datacenters[0],
        })
      ).body;
      expect(column(trend, 'time')).toEqual(rest.trend!.map((b) => Date.parse(b.time)));
      expect(column(trend, 'syncs')).toEqual(rest.trend!.map((b) => b.syncs));
      expect(column(trend, 'duration_p95_s')).toEqual(rest.trend!.map((b) => b.duration_p95_s));
      expect(rest.trend!.reduce((s, b) => s + b.syncs, 0)).toBeGreaterThan(0);
      const [summary] = B.frames as WireFrame[];
      expect(summary.name).toBe('cbt_summary');
      expect(column(summary, 'sync_type')).toEqual(['full', 'incremental', 'all']);
    });

    test('volumePerformance views and the analyticsSummary table; notices name filters that do not apply', async () => {
      const results = await query({
        range,
        intervalMs: 60_000,
        maxDataPoints: 10,
        queries: [
          { refId: 'A', queryType: 'volumePerformance' },
          { refId: 'B', queryType: 'volumePerformance', view: 'trend', replication_type: 'initial' },
          { refId: 'C', queryType: 'volumePerformance', view: 'cloudstack' },
          { refId: 'D', queryType: 'analyticsSummary', vcenter: values.vcenters[0] },
        ],
      });
      const frame = (refId: string) => (results[refId].frames as WireFrame[])[0];
      expect(frame('A').name).toBe('volume_operations');
      const rest = (await get<VolumePerformance>('volume-performance', range)).body;
      expect(column(frame('A'), 'operation_type')).toEqual(rest.operations!.map((r) => r.operation_type));
      expect(column(frame('A'), 'operations')).toEqual(rest.operations!.map((r) => r.operations));
      const trend = frame('B');
      expect(trend.meta).toMatchObject({ type: 'timeseries-wide' });
      expect(trend.meta!.notices).toEqual([
        expect.objectContaining({
          severity: 'warning',
          text: expect.stringMatching(/Volume operations .*replication_type/),
        }),
        expect.objectContaining({
          severity: 'warning',
          text: expect.stringMatching(/CloudStack jobs .*replication_type/),
        }),
      ]);
      // maxDataPoints widened the buckets to whole hours.
      const times = column(trend, 'time') as number[];
      expect(times.length).toBeLessThanOrEqual(11);
      expect((times[1] - times[0]) % HOUR_MS).toBe(0);
      expect(column(frame('C'), 'operation')).toEqual(rest.cloudstack!.map((r) => r.operation));
      const kpis = frame('D');
      expect(kpis.name).toBe('analytics_summary');
      expect(kpis.fields.map((f) => f.name)).toEqual([
        'kpi',
        'label',
        'unit',
        'value',
        'previous',
        'change',
        'change_ratio',
        'note',
      ]);
      const summary = (await get<AnalyticsSummary>('summary', { ...range, vcenter: values.vcenters[0] }))
        .body;
      expect(column(kpis, 'kpi')).toEqual(summary.data.map((k) => k.kpi));
      expect(column(kpis, 'value')).toEqual(summary.data.map((k) => k.value));
    });

    test('an empty time range gives frames without rows, not an error', async () => {
      const results = await query({
        range: { from: range.to, to: range.to },
        queries: [
          { refId: 'A', queryType: 'cbtPerformance' },
          { refId: 'B', queryType: 'volumePerformance', view: 'trend' },
          { refId: 'C', queryType: 'analyticsSummary' },
        ],
      });
      for (const [refId, name] of [
        ['A', 'cbt_trend'],
        ['B', 'volume_trend'],
        ['C', 'analytics_summary'],
      ]) {
        expect(results[refId].error).toBeUndefined();
        const [frame] = results[refId].frames as WireFrame[];
        expect(frame.name).toBe(name);
        expect(frame.fields.every((f) => f.values.length === 0)).toBe(true);
      }
    });

    test('an unknown field or view fails that query alone', async () => {
      const results = await query({
        range,
        queries: [
          { refId: 'A', queryType: 'cbtPerformance', view: 'operations' },
          { refId: 'B', queryType: 'volumePerformance', status: 'failed' },
          { refId: 'C', queryType: 'analyticsSummary', view: 'trend' },
          { refId: 'D', queryType: 'analyticsSummary' },
        ],
      });
      expect(results.A).toMatchObject({ status: 400, error: expect.stringMatching(/view/) });
      expect(results.B).toMatchObject({ status: 400, error: expect.stringMatching(/"status"/) });
      expect(results.C).toMatchObject({ status: 400, error: expect.stringMatching(/"view"/) });
      expect(results.D.error).toBeUndefined();
    });
  });
});

// Standalone targets: the test may reshape the OMA tables (an attach target's belong to the OMA).
describe.each(TARGETS.filter((t) => t === 'sqlite' || t === 'mysql'))(
  'ops rollups and tables on %s',
  (target) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(target, { vms: 8, days: 4 });
    });
    afterAll(async () => t?.dispose());

    const cloudstack = async (query: Record<string, string | number> = {}) =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/analytics/volume-performance',
          query: { from: String(END - 3 * 24 * HOUR_MS), to: String(END), view: 'cloudstack', ...query },
          headers: bearer('reader'),
        })
      ).json<VolumePerformance>();

    test('the backfill rolls up every kind; re-running changes nothing; totals equal the raw tables', async () => {
      const run = await rollUpAll(t.store, END + 25 * 60_000);
      expect(Object.keys(run.kinds).sort()).toEqual(OPS_ROLLUPS.map((s) => s.name).sort());
      for (const spec of OPS_ROLLUPS) expect(await rollupMark(t.store, spec)).toBe(END);
      const snapshot = async () =>
        Promise.all(
          OPS_ROLLUPS.map(async (spec) =>
            (await t.store.db.selectFrom(spec.table).selectAll().execute())
              .map(({ id: _id, ...row }) => JSON.stringify(row))
              .sort(),
          ),
        );
      const before = await snapshot();
      expect(before.every((rows) => rows.length > 0)).toBe(true);
      const again = await rollUpAll(t.store, END + 25 * 60_000);
      // Only the late hours are redone.
      expect(Object.values(again.kinds).map((k) => k.hours)).toEqual([2, 2, 2]);
      for (const spec of OPS_ROLLUPS) await rollUpKindHours(t.store, spec, END - 72 * HOUR_MS, END);
      expect(await snapshot()).toEqual(before);

      // Each grouping set holds every row once.
      const sums = async (
        table: 'omi_rollup_cbt_hourly' | 'omi_rollup_volume_ops_hourly',
        column: 'syncs' | 'operations',
      ) =>
        Object.fromEntries(
          (
            await t.store.db
              .selectFrom(table)
              .select((eb) => ['grouping', eb.fn.sum<number>(column as never).as('n')])
              .groupBy('grouping')
              .execute()
          ).map((r) => [r.grouping, Number(r.n)]),
        );
      const everySet = (spec: (typeof OPS_ROLLUPS)[number], n: number) =>
        Object.fromEntries(spec.groupingSets!.map((set) => [set.grouping, n]));
      const [cbtRows] = (
        await sql<{
          n: number;
        }>`select count(*) as n from cbt_history where created_at < ${t.store.time.toDb(END)}`.execute(
          t.store.db,
        )
      ).rows;
      expect(await sums('omi_rollup_cbt_hourly', 'syncs')).toEqual(everySet(CBT_SPEC, Number(cbtRows.n)));
      const [volumeRows] = (
        await sql<{ n: number }>`select count(*) as n from volume_operations
        where status in ('completed', 'failed', 'cancelled') and completed_at < ${t.store.time.toDb(END)}`.execute(
          t.store.db,
        )
      ).rows;
      expect(await sums('omi_rollup_volume_ops_hourly', 'operations')).toEqual(
        everySet(VOLUME_SPEC, Number(volumeRows.n)),
      );
      // The unfiltered sets are the small ones.
      const rowsOf = async (grouping: string) =>
        Number(
          (
            await t.store.db
              .selectFrom('omi_rollup_cbt_hourly')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('grouping', '=', grouping)
              .executeTakeFirst()
          )?.n,
        );
      expect(await rowsOf('sync_type')).toBeLessThan(await rowsOf('full'));
      // Each whole UTC day before the mark has daily rows: the hourly rows merged per set and dimensions.
      const lastDay = Math.floor(END / (24 * HOUR_MS)) * 24 * HOUR_MS;
      for (const spec of OPS_ROLLUPS) {
        const perGroup = async (table: string, dayRows: boolean) =>
          (
            await sql<{
              grouping: string;
              day: number;
              n: number;
            }>`select ${sql.ref('grouping')} as ${sql.ref('grouping')}, ${
              dayRows ? sql.ref('bucket_start_ms') : sql`bucket_start_ms - bucket_start_ms % ${24 * HOUR_MS}`
            } as day, sum(${sql.ref(spec.sums[0])}) as n from ${sql.table(table)}
            where bucket_start_ms < ${lastDay} group by 1, 2 order by 1, 2`.execute(t.store.db)
          ).rows.map((r) => [r.grouping, Number(r.day), Number(r.n)]);
        const daily = await perGroup(spec.dailyTable!, true);
        expect(daily.length).toBeGreaterThan(spec.groupingSets!.length);
        expect(daily).toEqual(await perGroup(spec.table, false));
      }
    });

    test('CloudStack jobs come from cloudstack_job_tracking where an OMA has it, else job_tracking, else none', async () => {
      expect(await cloudstackJobTable(t.store)).toBe('job_tracking');
      const fromJobTracking = await cloudstack();
      expect(fromJobTracking.cloudstack_source).toBe('job_tracking');
      expect(fromJobTracking.cloudstack!.map((r) => r.operation)).toEqual(
        expect.arrayContaining(['attachVolume', 'createVolume']),
      );

      // The variant table, as some OMA versions have it (columns from its Go model).
      await t.store.db.schema
        .createTable('cloudstack_job_tracking')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('cloudstack_job_id', 'varchar(64)')
        .addColumn('cloudstack_command', 'varchar(100)')
        .addColumn('cloudstack_status', 'varchar(32)')
        .addColumn('operation_type', 'varchar(100)')
        .addColumn('correlation_id', 'varchar(64)')
        .addColumn('parent_job_id', 'varchar(64)')
        .addColumn('status', 'varchar(32)')
        .addColumn('retry_count', 'integer')
        .addColumn('error_message', 'text')
        .addColumn('initiated_at', target === 'mysql' ? sql`datetime(3)` : 'text')
        .addColumn('submitted_at', target === 'mysql' ? sql`datetime(3)` : 'text')
        .addColumn('completed_at', target === 'mysql' ? sql`datetime(3)` : 'text')
        .addColumn('created_at', target === 'mysql' ? sql`datetime(3)` : 'text')
        .addColumn('updated_at', target === 'mysql' ? sql`datetime(3)` : 'text')
        .execute();
      const at = (hoursBeforeEnd: number, plusSeconds = 0) =>
        t.store.time.toDb(END - hoursBeforeEnd * HOUR_MS + plusSeconds * 1000);
      const row = (
        id: string,
        status: string,
        command: string,
        operation: string | null,
        hours: number,
        seconds: number,
      ) => ({
        id,
        cloudstack_job_id: `cs-${id}`,
        cloudstack_command: command,
        cloudstack_status: status,
        operation_type: operation,
        correlation_id: null,
        parent_job_id: null,
        status,
        retry_count: 0,
        error_message: status === 'failed' ? 'resource unavailable' : null,
        initiated_at: at(hours),
        submitted_at: at(hours, 1),
        completed_at: status === 'polling' && id !== 'p2' ? null : at(hours, seconds),
        created_at: at(hours),
        updated_at: at(hours, seconds),
      });
      await t.store.db
        .insertInto('cloudstack_job_tracking')
        .values([
          row('c1', 'completed', 'createVolume', 'volume_create', 30, 12),
          row('c2', 'completed', 'createVolume', 'volume_create', 20, 20),
          row('c3', 'completed', 'attachVolume', null, 10, 5),
          row('f1', 'failed', 'attachVolume', null, 2, 9),
          // Still running: never counted, with or without a completed_at.
          row('p1', 'polling', 'detachVolume', null, 1, 3),
          row('p2', 'polling', 'detachVolume', null, 1, 3),
        ])
        .execute();
      expect(await cloudstackJobTable(t.store)).toBe('cloudstack_job_tracking');
      const variant = await cloudstack({ vcenter: 'vc-anything' });
      expect(variant.cloudstack_source).toBe('cloudstack_job_tracking');
      // Its rows name no VM context: a vcenter filter cannot narrow them, and says so.
      expect(variant.filters_not_applied.cloudstack_jobs).toEqual(['vcenter']);
      expect(variant.cloudstack).toEqual([
        expect.objectContaining({
          operation: 'attachVolume',
          jobs: 2,
          completed: 1,
          failed: 1,
          failure_rate: 0.5,
        }),
        expect.objectContaining({
          operation: 'volume_create',
          jobs: 2,
          completed: 2,
          failed: 0,
          duration_p50_s: expect.any(Number),
        }),
      ]);
      const p50 = variant.cloudstack![1].duration_p50_s!;
      expect(Math.abs(p50 - 12)).toBeLessThanOrEqual(12 * TREND_PERCENTILE_RELATIVE_ERROR + 0.0005);

      // Another table: the job_tracking rollups are not used, and the next run starts afresh.
      expect(await rollupMark(t.store, CLOUDSTACK_SPEC)).toBeNull();
      const fresh = await rollUpKindPending(t.store, CLOUDSTACK_SPEC, END);
      expect(fresh.jobs).toBe(4);
      expect(await rollupMark(t.store, CLOUDSTACK_SPEC)).toBe(END);
      const rolled = await cloudstack({ vcenter: 'vc-anything' });
      expect(rolled.sources.cloudstack_jobs!.rollup_hours).toBeGreaterThan(0);
      expect(rolled.cloudstack).toEqual(variant.cloudstack);

      await t.store.db.schema.dropTable('job_tracking').execute();
      expect(await cloudstackJobTable(t.store)).toBe('cloudstack_job_tracking');
      // Within one request each table is probed once (its readers share the answer); the next
      // request probes again and sees the table gone.
      const oneRequest = forOneRequest(t.store);
      expect(await cloudstackJobTable(oneRequest)).toBe('cloudstack_job_tracking');
      await t.store.db.schema.dropTable('cloudstack_job_tracking').execute();
      expect(await cloudstackJobTable(oneRequest)).toBe('cloudstack_job_tracking');
      expect(await cloudstackJobTable(forOneRequest(t.store))).toBeNull();
      expect(await cloudstackJobTable(t.store)).toBeNull();
      const none = await cloudstack();
      expect(none.cloudstack_source).toBeNull();
      expect(none.cloudstack).toEqual([]);
      // The rollup of a missing table rolls up nothing, without failing.
      const run = await rollUpAll(t.store, END + 2 * HOUR_MS);
      expect(run.kinds.cloudstack_jobs_hourly.rows).toBe(0);
    });

    // SQLite only: MariaDB's GET_LOCK names are server-wide, so another database's rollup (another
    // test, a benchmark) can make this run skip; analytics-rollups.test.ts covers the lock itself.
    if (target === 'sqlite') {
      test('with ROLLUP on, the server backfills every kind on start', async () => {
        const on = await buildTestApp(target, { vms: 3, days: 2 }, { env: { ROLLUP: '1' } });
        try {
          const run = await on.app.rollups.run();
          expect(run.ran).toBe(true);
          expect(Object.keys(run.kinds ?? {}).sort()).toEqual(OPS_ROLLUPS.map((s) => s.name).sort());
          const jobsMark = await rolledUpTo(on.store);
          for (const spec of OPS_ROLLUPS) expect(await rollupMark(on.store, spec)).toBe(jobsMark);
        } finally {
          await on.dispose();
        }
      });
    }
  },
);
