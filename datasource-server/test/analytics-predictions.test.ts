// Predictions and their backtest over HTTP, against jobs with known throughputs and a demo world.
import { sql } from 'kysely';
import type { Backtest, PredictionList, WireFrame, WireQueryResult } from '@oma-insights/contracts';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 1); // a Monday, 01:00 UTC
const AT = new Date(T0 + 84 * H).toISOString();

describe.each(TARGETS)('predictions on %s', (target) => {
  let t: TestApp;
  const get = (url: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: bearer('reader') });

  beforeAll(async () => {
    t = await buildTestApp(target);
    const { db, time } = t.store;
    const vms = [
      { name: 'pred-a', status: 'ready_for_failover', capacity: 100e9 },
      { name: 'pred-b', status: 'discovered', capacity: 40e9 },
      { name: 'pred-c', status: 'failed_over_live', capacity: 10e9 },
    ];
    for (const spec of vms) {
      const vm = {
        context_id: `ctx-${spec.name}`,
        vm_name: spec.name,
        vmware_vm_id: `uuid-${spec.name}`,
        vm_path: `/dc1/vm/${spec.name}`,
        vcenter_host: 'vc1.example.com',
        datacenter: 'dc1',
      };
      const now = time.toDb(T0);
      await db
        .insertInto('vm_replication_contexts')
        .values({ ...vm, current_status: spec.status, created_at: now, updated_at: now })
        .execute();
      // The OMA writes a VM's disks with the job that found them; these fixtures give VMs without
      // jobs disks too, so on the real schema (vm_disks.job_id references replication_jobs) the
      // foreign key check is off for this one insert, in its own transaction (one connection).
      await db.transaction().execute(async (trx) => {
        if (t.store.dialect === 'mysql') await sql`set foreign_key_checks = 0`.execute(trx);
        await trx
          .insertInto('vm_disks')
          .values({
            vm_context_id: vm.context_id,
            job_id: `job-${spec.name}-0`,
            disk_id: 'disk-2000',
            vm_dk_path: `[DS1] ${spec.name}/${spec.name}.vmdk`,
            size_gb: 0,
            capacity_bytes: spec.capacity,
            datastore: 'DS1',
          })
          .execute();
        if (t.store.dialect === 'mysql') await sql`set foreign_key_checks = 1`.execute(trx);
      });
      if (spec.name !== 'pred-a') continue;
      // An initial of 50 GB and three daily incrementals of 2.4 GB, all copying at 100 MB/s
      // after 60 s of setup.
      for (const [i, bytes] of [50e9, 2.4e9, 2.4e9, 2.4e9].entries()) {
        const id = `job-${spec.name}-${i}`;
        const copy = bytes / 100e6;
        const start = T0 + i * 24 * H;
        const end = start + (60 + copy) * 1000;
        await db
          .insertInto('replication_jobs')
          .values(
            newJobRow(vm, id, time.toDb(start), {
              replication_type: i === 0 ? 'initial' : 'incremental',
              status: 'completed',
              total_bytes: bytes,
              bytes_transferred: bytes,
              started_at: time.toDb(start),
              completed_at: time.toDb(end),
            }),
          )
          .execute();
        await db
          .insertInto('cbt_history')
          .values({
            vm_context_id: vm.context_id,
            job_id: id,
            disk_id: 'disk-2000',
            change_id: `c${i}`,
            sync_type: i === 0 ? 'full' : 'incremental',
            bytes_transferred: bytes,
            sync_duration_seconds: copy,
            sync_success: 1,
            created_at: time.toDb(end - 30_000),
          })
          .execute();
      }
    }
  });
  afterAll(() => t?.dispose());

  test("an incremental: the VM's change rate over the hours since its last sync, at its own throughput", async () => {
    const res = await get(`/analytics/predictions?vm=pred-a&at=${AT}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as PredictionList;
    expect(body.data).toHaveLength(1);
    const [a] = body.data;
    expect(a).toMatchObject({ vm_name: 'pred-a', sync_type: 'incremental', starts_at: AT, migrated: false });
    expect(a.basis).toMatchObject({
      bytes_source: 'vm_change_rate',
      change_rate_bytes_per_hour: 100e6,
      hours_since_last_sync: 12,
      bytes_expected: 1.2e9,
      throughput_source: 'vm',
      throughput_bytes_per_second: 100e6,
      time_of_day_factor: 1,
      overhead_seconds: 60,
    });
    expect(a.predicted_seconds).toBeCloseTo(72, 6);
    expect(a.p10_seconds).toBeLessThan(a.predicted_seconds);
    expect(a.p90_seconds).toBeGreaterThan(a.predicted_seconds);
    expect(body.time_to_finish).toMatchObject({ vms: 1, concurrency: 4 });
    expect(body.time_to_finish.seconds).toBeCloseTo(72, 6);
  });

  test('an initial without history: the filled capacity at its datastore; the total over VMs not migrated', async () => {
    const one = await get(`/analytics/predictions?at=${AT}&concurrency=1`);
    expect(one.statusCode).toBe(200);
    const body = one.json() as PredictionList;
    expect(body.data.map((v) => v.vm_name)).toEqual(['pred-a', 'pred-b', 'pred-c']);
    const b = body.data[1];
    expect(b).toMatchObject({ sync_type: 'initial', status: 'discovered', migrated: false });
    // pred-a's initial sent half its capacity: 20 GB of 40 at the datastore's 100 MB/s, plus 60 s.
    expect(b.basis).toMatchObject({
      bytes_source: 'capacity',
      bytes_expected: 20e9,
      throughput_source: 'datastore',
    });
    expect(b.basis.samples).toMatchObject({ vm: 0, datastore: 4 });
    expect(b.predicted_seconds).toBeCloseTo(260, 6);
    expect(body.data[2].migrated).toBe(true);
    expect(body.time_to_finish).toMatchObject({ vms: 2, concurrency: 1 });
    expect(body.time_to_finish.seconds).toBeCloseTo(332, 6);
    const two = (await get(`/analytics/predictions?at=${AT}&concurrency=2`)).json() as PredictionList;
    expect(two.time_to_finish.seconds).toBeCloseTo(260, 6);
    const filtered = (await get(`/analytics/predictions?at=${AT}&vcenter=other`)).json() as PredictionList;
    expect(filtered).toEqual({
      data: [],
      time_to_finish: {
        vms: 0,
        concurrency: 4,
        seconds: 0,
        p10_seconds: 0,
        p90_seconds: 0,
        serial_seconds: 0,
      },
    });
  });

  test('bad input: an unknown VM is 404, a bad time or concurrency and an inverted range are 400', async () => {
    const unknown = await get('/analytics/predictions?vm=nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/nope/);
    for (const url of [
      '/analytics/predictions?at=yesterday',
      '/analytics/predictions?concurrency=0',
      '/analytics/predictions?concurrency=65',
      '/analytics/predictions?junk=1',
      '/analytics/predictions/backtest?from=2026-02-01&to=2026-01-01',
      '/analytics/predictions/backtest?from=soon',
    ]) {
      const res = await get(url);
      expect([url, res.statusCode]).toEqual([url, 400]);
    }
    expect(
      (await get('/analytics/predictions/backtest?from=2026-02-01&to=2026-01-01')).json().error.message,
    ).toMatch(/"from" is after "to"/);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/predictions' });
    expect(anonymous.statusCode).toBe(401);
  });

  test('/query predictions: a table of the next syncs as of the range end, the time to finish in meta', async () => {
    const query = async (q: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer('reader'),
        payload: {
          range: { from: '2026-01-01T00:00:00Z', to: AT },
          queries: [{ refId: 'P', queryType: 'predictions', ...q }],
        },
      });
      expect(res.statusCode).toBe(200);
      return res.json().results.P as WireQueryResult;
    };
    const result = await query({ vm: 'pred-a,pred-b,unknown-vm', concurrency: 1 });
    expect(result.error).toBeUndefined();
    const [frame] = result.frames;
    const column = (f: WireFrame, name: string) => f.fields.find((x) => x.name === name)!.values;
    expect(frame.name).toBe('predictions');
    expect(column(frame, 'vm_name')).toEqual(['pred-a', 'pred-b']);
    expect(column(frame, 'sync_type')).toEqual(['incremental', 'initial']);
    expect(column(frame, 'starts_at')).toEqual([Date.parse(AT), Date.parse(AT)]);
    expect((column(frame, 'predicted_seconds') as number[]).map(Math.round)).toEqual([72, 260]);
    expect(column(frame, 'throughput_bps')).toEqual([100e6, 100e6]);
    expect(frame.fields.find((f) => f.name === 'predicted_seconds')!.config).toMatchObject({ unit: 's' });
    expect(frame.meta?.custom).toMatchObject({ timeToFinish: { vms: 2, concurrency: 1 } });
    const bad = await query({ concurrency: 0 });
    expect(bad.error).toMatch(/concurrency/);
  });

  test("the backtest predicts each job from before its start: pred-a's incrementals at its own throughput", async () => {
    const res = await get(`/analytics/predictions/backtest?from=${new Date(T0).toISOString()}&to=${AT}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as Backtest;
    // The initial has nothing before it, so it is not scored. The first incremental (84 s) knows
    // no change rate yet: 1% a day of the 50 GB initial over 24 h, 0.5 GB at 100 MB/s + 60 s =
    // 65 s. The next two know the VM's rate and are exact. Peeking at a job's own duration (or
    // at later ones) would make the first exact too.
    expect(body).toMatchObject({ jobs: 3, initial: 0, incremental: 3 });
    expect(body.model.mape).toBeCloseTo((100 * (84 - 65)) / 84 / 3, 6);
    // The global mean so far: 560 s, then (560 + 84) / 2, then (560 + 84 + 84) / 3; one VM, so
    // its last five are the same.
    const baseline = (100 * ((560 - 84) / 84 + (322 - 84) / 84 + (728 / 3 - 84) / 84)) / 3;
    expect(body.global_mean.mape).toBeCloseTo(baseline, 6);
    expect(body.vm_last_five.mape).toBeCloseTo(baseline, 6);
    // Too few past errors: the 0.5x-2x default band, which holds all three.
    expect(body.model.coverage).toBe(1);
    expect(body.by_sync_type.incremental.model).toEqual(body.model);
    expect(body.by_sync_type.initial.model).toEqual({ mape: 0, coverage: 0 });
  });
});

describe.each(TARGETS)('predictions backtest on a demo world on %s', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 60, days: 40 });
  });
  afterAll(() => t?.dispose());

  test("the model beats the global mean and each VM's last five; its interval covers about 80%", async () => {
    const from = new Date(FIXED_END.getTime() - 30 * 24 * H).toISOString();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/predictions/backtest?from=${from}&to=${FIXED_END.toISOString()}`,
      headers: bearer('reader'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Backtest;
    expect(body.jobs).toBeGreaterThan(1000);
    expect(body.model.mape).toBeLessThan(body.global_mean.mape);
    expect(body.model.mape).toBeLessThan(body.vm_last_five.mape);
    expect(body.model.coverage).toBeGreaterThan(0.7);
    expect(body.model.coverage).toBeLessThan(0.9);
    // Over initials and incrementals alone too.
    for (const type of ['initial', 'incremental'] as const) {
      const scores = body.by_sync_type[type];
      expect([type, scores.model.mape < scores.global_mean.mape]).toEqual([type, true]);
      expect([type, scores.model.mape < scores.vm_last_five.mape]).toEqual([type, true]);
    }
    expect(body.by_sync_type.initial.model.coverage).toBeGreaterThan(0);
  });
});
