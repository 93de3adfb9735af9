// omi_migration_analytics and GET /analytics/performance-metrics on every target: a job pushed
// with VMA load figures gets a row when it finishes, with those figures (min/avg/max) and the
// server's health samples over its run, each named by source; bad load values are refused
// whole; jobs finished by other programs are recorded by the backfill; the views equal SQL over
// the raw jobs.
import { sql } from 'kysely';
import {
  LOAD_METRICS,
  MAX_TREND_BUCKETS,
  type PerformanceMetrics,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { Simulator } from '../src/demo/simulator';
import { storeSample } from '../src/system-health/plugin';
import type { HealthSample } from '../src/system-health/sampler';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, fingerprint, FIXED_END, TARGETS, type TestApp } from './helper';

const END = FIXED_END.getTime();

describe.each(TARGETS)('performance metrics on %s', (target) => {
  let t: TestApp;

  const get = (query: Record<string, string | number>, who: 'reader' | null = 'reader') =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/performance-metrics',
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      headers: who ? bearer(who) : {},
    });
  const push = (jobId: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/progress/${jobId}`, headers: bearer('ingest'), payload });

  /** A new running job for the first VM with disks; returns its id. */
  async function newJob(id: string) {
    const vm = await t.store.db
      .selectFrom('vm_replication_contexts')
      .selectAll()
      .where('context_id', 'in', t.store.db.selectFrom('vm_disks').select('vm_context_id'))
      .orderBy('vm_name')
      .executeTakeFirstOrThrow();
    const startedAt = t.store.time.toDb(Date.now() - 60_000);
    await t.store.db
      .insertInto('replication_jobs')
      .values({
        ...newJobRow(vm, id, startedAt, {
          replication_type: 'incremental',
          total_bytes: 1000,
          previous_change_id: null,
        }),
        status: 'replicating',
        started_at: startedAt,
      })
      .execute();
    return vm;
  }

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 12, days: 6 });
  });
  afterAll(async () => t?.dispose());

  test('a job pushed with VMA load gets its row on completion: min/avg/max of the pushes, server samples over its run', async () => {
    const vm = await newJob('perf-job-1');
    // Server samples during the job's run and one long before it.
    const sample = (atMs: number, cpu: number, memory: number): HealthSample =>
      ({
        atMs,
        status: 'ok',
        reasons: [],
        figures: { cpu_percent: cpu, memory_percent: memory, disk_busy_percent: null, event_loop_lag_ms: 2 },
      }) as unknown as HealthSample;
    await storeSample(t.store, sample(Date.now() - 30_000, 20, 50));
    await storeSample(t.store, sample(Date.now() - 20_000, 40, 70));
    await storeSample(t.store, sample(Date.now() - 3_600_000, 99, 99));

    const steps = [
      {
        bytes: 200,
        load: {
          vma_cpu_percent: 30,
          vma_memory_percent: 40,
          source_disk_latency_ms: 5,
          network_latency_ms: 1,
        },
      },
      { bytes: 600, load: { vma_cpu_percent: 70, source_disk_latency_ms: 15 } },
      { bytes: 800, load: {} },
    ];
    for (const step of steps) {
      const res = await push('perf-job-1', {
        stage: 'Transfer',
        status: 'Streaming',
        bytes_transferred: step.bytes,
        total_bytes: 1000,
        throughput_bps: 50,
        ...step.load,
      });
      expect(res.json()).toMatchObject({ applied: true });
    }
    expect(
      await t.store.db
        .selectFrom('omi_migration_analytics')
        .selectAll()
        .where('job_id', '=', 'perf-job-1')
        .executeTakeFirst(),
    ).toBeUndefined();
    const done = await push('perf-job-1', {
      stage: 'PersistChangeIDs',
      status: 'Succeeded',
      bytes_transferred: 1000,
      total_bytes: 1000,
      vma_cpu_percent: 50,
      network_latency_ms: 3,
    });
    expect(done.json()).toMatchObject({ applied: true, status: 'completed' });
    await t.app.migrationAnalytics.idle();

    const row = await t.store.db
      .selectFrom('omi_migration_analytics')
      .selectAll()
      .where('job_id', '=', 'perf-job-1')
      .executeTakeFirstOrThrow();
    const job = await t.store.db
      .selectFrom('replication_jobs')
      .selectAll()
      .where('id', '=', 'perf-job-1')
      .executeTakeFirstOrThrow();
    const disk = await t.store.db
      .selectFrom('vm_disks')
      .select('datastore')
      .where('vm_context_id', '=', vm.context_id)
      .orderBy('disk_id')
      .executeTakeFirstOrThrow();
    const duration = (t.store.time.toMs(job.completed_at)! - t.store.time.toMs(job.started_at)!) / 1000;
    const n = (v: unknown) => (v === null ? null : Number(v));
    expect({
      vm: row.vm_name,
      datastore: row.datastore,
      status: row.status,
      recorded_by: row.recorded_by,
      bytes: n(row.bytes_transferred),
      duration: n(row.duration_s),
      throughput: n(row.throughput_bps),
      vma_samples: n(row.vma_samples),
      cpu: [n(row.vma_cpu_percent_min), n(row.vma_cpu_percent_avg), n(row.vma_cpu_percent_max)],
      memory: [n(row.vma_memory_percent_min), n(row.vma_memory_percent_avg), n(row.vma_memory_percent_max)],
      disk: [
        n(row.source_disk_latency_ms_min),
        n(row.source_disk_latency_ms_avg),
        n(row.source_disk_latency_ms_max),
      ],
      net: [n(row.network_latency_ms_min), n(row.network_latency_ms_avg), n(row.network_latency_ms_max)],
      server_samples: n(row.server_samples),
      server_cpu: [n(row.server_cpu_percent_avg), n(row.server_cpu_percent_max)],
      server_memory: [n(row.server_memory_percent_avg), n(row.server_memory_percent_max)],
      server_disk: [n(row.server_disk_busy_percent_avg), n(row.server_disk_busy_percent_max)],
    }).toEqual({
      vm: vm.vm_name,
      datastore: disk.datastore,
      status: 'completed',
      recorded_by: 'event',
      bytes: 1000,
      duration,
      throughput: Math.round((1000 / duration) * 1000) / 1000,
      vma_samples: 3,
      cpu: [30, 50, 70],
      memory: [40, 40, 40],
      disk: [5, 10, 15],
      net: [1, 2, 3],
      server_samples: 2,
      server_cpu: [30, 40],
      server_memory: [60, 70],
      server_disk: [null, null],
    });

    // The load view shows it, each figure with its source.
    const load = (
      await get({
        view: 'load',
        from: Date.now() - 86_400_000,
        to: Date.now() + 60_000,
        interval: '1d',
        vm: vm.vm_name,
      })
    ).json<PerformanceMetrics>();
    expect(load.sources).toEqual(LOAD_METRICS.map((m) => ({ ...m })));
    expect(load.sources.find((s) => s.name === 'vma_cpu_percent')!.source).toBe('vma_push');
    expect(load.sources.find((s) => s.name === 'server_cpu_percent')!.source).toBe('server_samples');
    const point = load.load!.find((p) => p.jobs > 0)!;
    expect(point).toMatchObject({
      jobs: 1,
      jobs_with_vma_load: 1,
      jobs_with_server_samples: 1,
      vma_cpu_percent: 50,
      vma_cpu_percent_max: 70,
      network_latency_ms: 2,
      server_cpu_percent: 30,
      server_cpu_percent_max: 40,
    });
  });

  test.each([
    [{ vma_cpu_percent: 101 }, /vma_cpu_percent/],
    [{ vma_memory_percent: -1 }, /vma_memory_percent/],
    [{ source_disk_latency_ms: 'slow' }, /source_disk_latency_ms/],
    [{ network_latency_ms: 1e9 }, /network_latency_ms/],
    [{ vma_disk_percent: 5 }, /vma_disk_percent/],
  ])('a push with bad load %j is refused whole with a 400', async (load, message) => {
    await newJob(`perf-bad-${Object.keys(load)[0]}`);
    const jobId = `perf-bad-${Object.keys(load)[0]}`;
    const before = await fingerprint(t);
    const res = await push(jobId, {
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: 10,
      total_bytes: 1000,
      ...load,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.message).toMatch(message);
    expect(await fingerprint(t)).toBe(before);
  });

  test('the backfill records jobs other programs finished, once, and the views equal SQL over the raw jobs', async () => {
    const recordedBefore = await t.store.db
      .selectFrom('omi_migration_analytics')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(recordedBefore.n)).toBe(1);
    const first = await t.app.migrationAnalytics.backfill();
    const { rows } = await sql<{ n: number }>`select count(*) as n from replication_jobs
      where status in ('completed', 'failed', 'cancelled') and completed_at is not null`.execute(t.store.db);
    expect(first).toBe(Number(rows[0].n) - 1);
    expect(await t.app.migrationAnalytics.backfill()).toBe(0);
    const byRecorder = await t.store.db
      .selectFrom('omi_migration_analytics')
      .select(['recorded_by', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('recorded_by')
      .orderBy('recorded_by')
      .execute();
    expect(byRecorder.map((r) => [r.recorded_by, Number(r.n)])).toEqual([
      ['backfill', first],
      ['event', 1],
    ]);

    // vms: per VM counts and mean duration equal SQL over replication_jobs.
    const from = END - 4 * 24 * HOUR_MS;
    const to = END;
    const vms = (await get({ view: 'vms', from, to, limit: 1000 })).json<PerformanceMetrics>();
    const { rows: raw } = await sql<{
      vm: string;
      jobs: number;
      completed: number;
      failed: number;
      bytes: number;
    }>`
      select source_vm_name as vm, count(*) as jobs,
        sum(case when status = 'completed' then 1 else 0 end) as completed,
        sum(case when status = 'failed' then 1 else 0 end) as failed,
        sum(bytes_transferred) as bytes
      from replication_jobs
      where status in ('completed', 'failed', 'cancelled')
        and completed_at >= ${t.store.time.toDb(from)} and completed_at < ${t.store.time.toDb(to)}
      group by source_vm_name`.execute(t.store.db);
    expect(vms.groups!.map((g) => [g.key, g.jobs, g.completed, g.failed, g.bytes]).sort()).toEqual(
      raw.map((r) => [r.vm, Number(r.jobs), Number(r.completed), Number(r.failed), Number(r.bytes)]).sort(),
    );
    expect(vms.groups!.length).toBeGreaterThan(5);
    expect(vms.groups!.some((g) => g.avg_throughput_bps! > 0 && g.avg_duration_s! > 0)).toBe(true);
    expect(vms.groups!.some((g) => g.throughput_trend_percent !== null)).toBe(true);

    // slowest: the longest runs, longest first, as SQL orders them.
    const slowest = (await get({ view: 'slowest', from, to, limit: 5 })).json<PerformanceMetrics>();
    const jobs = await t.store.db
      .selectFrom('replication_jobs')
      .select(['id', 'started_at', 'completed_at'])
      .where('status', 'in', ['completed', 'failed', 'cancelled'])
      .where('completed_at', '>=', t.store.time.toDb(from))
      .where('completed_at', '<', t.store.time.toDb(to))
      .where('started_at', 'is not', null)
      .execute();
    const durations = jobs
      .map((j) => ({
        id: j.id,
        s: (t.store.time.toMs(j.completed_at)! - t.store.time.toMs(j.started_at)!) / 1000,
      }))
      .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id));
    expect(slowest.slowest!.map((s) => [s.job_id, s.duration_s])).toEqual(
      durations.slice(0, 5).map((d) => [d.id, d.s]),
    );

    // datastores: every job once, under its VM's first disk's datastore.
    const datastores = (await get({ view: 'datastores', from, to })).json<PerformanceMetrics>();
    expect(datastores.groups!.reduce((s, g) => s + g.jobs, 0)).toBe(
      raw.reduce((s, r) => s + Number(r.jobs), 0),
    );
    expect(datastores.groups!.every((g) => g.key !== '')).toBe(true);
  });

  test.each([
    [{ view: 'vms', from: END, to: END - 1000 }, 'invalid_time_range', /"from" is after "to"/],
    [
      { view: 'load', from: END - 10 * 365 * 86_400_000, to: END, interval: '1m' },
      'invalid_analytics_request',
      new RegExp(`at most ${MAX_TREND_BUCKETS}`),
    ],
    [{ view: 'fastest' }, 'validation_failed', /view/],
    [{}, 'validation_failed', /view/],
    [{ view: 'slowest', limit: 0 }, 'validation_failed', /limit/],
    [{ view: 'vms', group_by: 'vcenter' }, 'validation_failed', /group_by/],
  ])('refuses %j with a clear 400', async (query, code, message) => {
    const res = await get(query as Record<string, string | number>);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
  });

  test('the performanceMetrics query: one frame per view, equal to the endpoint', async () => {
    const range = { from: new Date(END - 4 * 24 * HOUR_MS).toISOString(), to: FIXED_END.toISOString() };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer('reader'),
      payload: {
        range,
        intervalMs: 6 * HOUR_MS,
        maxDataPoints: 500,
        queries: [
          { refId: 'V', queryType: 'performanceMetrics', view: 'vms' },
          { refId: 'D', queryType: 'performanceMetrics', view: 'datastores' },
          { refId: 'S', queryType: 'performanceMetrics', view: 'slowest', limit: 3 },
          { refId: 'L', queryType: 'performanceMetrics', view: 'load' },
          { refId: 'X', queryType: 'performanceMetrics', view: 'fastest' },
        ],
      },
    });
    const { V, D, S, L, X } = res.json<{ results: Record<string, WireQueryResult> }>().results;
    const frame = (r: WireQueryResult) => (r.frames as WireFrame[])[0];
    const column = (f: WireFrame, name: string) => f.fields.find((x) => x.name === name)!.values;
    expect(frame(V).name).toBe('performance_vms');
    expect(frame(D).name).toBe('performance_datastores');
    const rest = (await get({ view: 'vms', ...range })).json<PerformanceMetrics>();
    expect(column(frame(V), 'key')).toEqual(rest.groups!.map((g) => g.key));
    expect(column(frame(V), 'avg_duration_s')).toEqual(rest.groups!.map((g) => g.avg_duration_s));
    expect(frame(S).name).toBe('performance_slowest');
    expect(column(frame(S), 'duration_s')).toHaveLength(3);
    const load = frame(L);
    expect(load.name).toBe('performance_load');
    expect(load.meta).toMatchObject({
      type: 'timeseries-wide',
      custom: { sources: LOAD_METRICS.map((m) => ({ ...m })) },
    });
    const times = column(load, 'time') as number[];
    expect(times[1] - times[0]).toBe(6 * HOUR_MS);
    expect((column(load, 'jobs') as number[]).reduce((a, b) => a + b, 0)).toBe(
      rest.groups!.reduce((s, g) => s + g.jobs, 0),
    );
    expect(X).toMatchObject({ status: 400, error: expect.stringMatching(/view/) });
  });

  test('needs a token', async () => {
    expect((await get({ view: 'vms' }, null)).statusCode).toBe(401);
  });

  test('the demo simulator pushes VMA load: its finished jobs get rows with plausible figures', async () => {
    // A minute of copying per tick, no failures: jobs finish within a few dozen ticks.
    const simulator = new Simulator(t.store, t.app.bus, t.app.log, {
      tickMs: 60_000,
      concurrency: 2,
      failureRate: 0,
    });
    const finished = () =>
      t.store.db
        .selectFrom('replication_jobs')
        .select('id')
        .where('id', 'like', 'sim-%')
        .where('status', '=', 'completed')
        .execute();
    for (let i = 0; i < 60 && (await finished()).length === 0; i++) await simulator.tick();
    await t.app.migrationAnalytics.idle();
    const ids = (await finished()).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    const rows = await t.store.db
      .selectFrom('omi_migration_analytics')
      .selectAll()
      .where('job_id', 'in', ids)
      .execute();
    expect(rows.map((r) => r.job_id).sort()).toEqual([...ids].sort());
    for (const r of rows) {
      expect(r.recorded_by).toBe('event');
      expect(Number(r.vma_samples)).toBeGreaterThan(5);
      const cpu = [r.vma_cpu_percent_min, r.vma_cpu_percent_avg, r.vma_cpu_percent_max].map(Number);
      expect(cpu[0]).toBeGreaterThan(0);
      expect(cpu[0]).toBeLessThanOrEqual(cpu[1]);
      expect(cpu[1]).toBeLessThanOrEqual(cpu[2]);
      expect(cpu[2]).toBeLessThanOrEqual(100);
      expect(Number(r.vma_memory_percent_avg)).toBeGreaterThan(20);
      expect(Number(r.source_disk_latency_ms_avg)).toBeGreaterThan(0);
      expect(Number(r.network_latency_ms_avg)).toBeGreaterThan(0);
      expect(Number(r.bytes_transferred)).toBeGreaterThan(0);
    }
  });
});
