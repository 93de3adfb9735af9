// The VM Detail dashboard's queries: vmContexts by exact VM name, vmDisks and cbtHistory, on every
// target, checked against the OMA tables themselves.
import type { WireFrame, WireQueryResult } from '@oma-insights/contracts';
import { jobDurationSeconds } from '../src/grafana/handlers';
import { syncThroughput } from '../src/grafana/vm-detail-handlers';
import { bearer, buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const SEED = { vms: 12, days: 20 };
const DAY = 86_400_000;
const range = { from: new Date(FIXED_END.getTime() - 20 * DAY).toISOString(), to: FIXED_END.toISOString() };

const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

test('a sync’s throughput is bytes over seconds, and none without a positive duration', () => {
  expect(syncThroughput(1000, 4)).toBe(250);
  expect(syncThroughput(1000, 0)).toBeNull();
  expect(syncThroughput(null, 10)).toBe(0);
  expect(syncThroughput(1000, null)).toBeNull();
});

test("a job's duration is completed − started, and none before it finished or with a start after its end", () => {
  expect(jobDurationSeconds(1_000, 61_500)).toBe(60.5);
  expect(jobDurationSeconds(1_000, null)).toBeNull();
  expect(jobDurationSeconds(null, 5_000)).toBeNull();
  expect(jobDurationSeconds(9_000, 5_000)).toBeNull();
});

describe.each(TARGETS)('VM detail queries on %s', (target) => {
  let t: TestApp;
  let vms: { context_id: string; vm_name: string }[];
  const one = async (q: Record<string, unknown>, r: unknown = range) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer('reader'),
      payload: { range: r, queries: [{ refId: 'A', ...q }] },
    });
    expect(res.statusCode).toBe(200);
    return res.json().results.A as WireQueryResult;
  };

  beforeAll(async () => {
    t = await buildTestApp(target, SEED);
    vms = await t.store.db
      .selectFrom('vm_replication_contexts')
      .select(['context_id', 'vm_name'])
      .orderBy('vm_name')
      .execute();
  });
  afterAll(async () => t?.dispose());

  test('vmContexts with vm gives exactly the named VMs (not every name containing it)', async () => {
    const [a, b] = vms;
    const result = await one({ queryType: 'vmContexts', vm: `${a.vm_name}, ${b.vm_name}` });
    expect(result.error).toBeUndefined();
    expect(column(result.frames[0], 'vm_name')).toEqual([a.vm_name, b.vm_name]);
    // A part of a name is not a name.
    const part = await one({ queryType: 'vmContexts', vm: a.vm_name.slice(0, -1) });
    expect(column(part.frames[0], 'vm_name')).toEqual([]);
  });

  test("vmDisks lists the VM's disks from vm_disks, and nothing for an unknown VM", async () => {
    const vm = vms[3];
    const disks = await t.store.db
      .selectFrom('vm_disks')
      .select(['disk_id', 'size_gb'])
      .where('vm_context_id', '=', vm.context_id)
      .orderBy('id')
      .execute();
    expect(disks.length).toBeGreaterThan(0);
    const result = await one({ queryType: 'vmDisks', vm: vm.vm_name });
    expect(result.error).toBeUndefined();
    const frame = result.frames[0];
    expect(frame.name).toBe('vm_disks');
    expect(column(frame, 'disk_id')).toEqual(disks.map((d) => d.disk_id));
    expect(column(frame, 'size_gb')).toEqual(disks.map((d) => Number(d.size_gb)));
    expect(new Set(column(frame, 'vm_name'))).toEqual(new Set([vm.vm_name]));
    expect(frame.fields.find((f) => f.name === 'updated_at')!.type).toBe('time');

    const unknown = await one({ queryType: 'vmDisks', vm: 'no-such-vm' });
    expect(column(unknown.frames[0], 'disk_id')).toEqual([]);
    // Without a VM: every VM's disks, up to the limit.
    const all = await one({ queryType: 'vmDisks', limit: 5 });
    expect(column(all.frames[0], 'disk_id')).toHaveLength(5);
  });

  test("cbtHistory gives the VM's syncs in the time range, newest first, with throughput", async () => {
    const vm = vms[1];
    const rows = await t.store.db
      .selectFrom('cbt_history')
      .selectAll()
      .where('vm_context_id', '=', vm.context_id)
      .execute();
    const inRange = (fromMs: number, toMs: number) =>
      rows.filter((r) => {
        const ms = t.store.time.toMs(r.created_at)!;
        return ms >= fromMs && ms <= toMs;
      });
    const all = inRange(Date.parse(range.from), Date.parse(range.to));
    expect(all.length).toBeGreaterThan(1);

    const result = await one({ queryType: 'cbtHistory', vm: vm.vm_name, limit: 5000 });
    expect(result.error).toBeUndefined();
    const frame = result.frames[0];
    expect(frame.name).toBe('cbt_history');
    const times = column(frame, 'time') as number[];
    expect(times).toHaveLength(all.length);
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(new Set(column(frame, 'vm_name'))).toEqual(new Set([vm.vm_name]));
    const bytes = column(frame, 'bytes_transferred') as number[];
    const seconds = column(frame, 'sync_duration_seconds') as (number | null)[];
    const throughput = column(frame, 'throughput_bps') as (number | null)[];
    throughput.forEach((tp, i) => expect(tp).toBe(syncThroughput(bytes[i], seconds[i])));
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(
      all.reduce((a, r) => a + Number(r.bytes_transferred ?? 0), 0),
    );

    // A shorter range holds fewer syncs: exactly those created in it.
    const week = { from: new Date(FIXED_END.getTime() - 7 * DAY).toISOString(), to: range.to };
    const recent = await one({ queryType: 'cbtHistory', vm: vm.vm_name, limit: 5000 }, week);
    expect(column(recent.frames[0], 'time')).toHaveLength(
      inRange(Date.parse(week.from), Date.parse(week.to)).length,
    );
    const limited = await one({ queryType: 'cbtHistory', vm: vm.vm_name, limit: 2 });
    expect(column(limited.frames[0], 'time')).toEqual(times.slice(0, 2));
  });

  test("jobs of one VM carry each job's duration and average throughput", async () => {
    const vm = vms[2];
    const rows = await t.store.db
      .selectFrom('replication_jobs')
      .select(['id', 'started_at', 'completed_at', 'transfer_speed_bps'])
      .where('source_vm_name', '=', vm.vm_name)
      .execute();
    const result = await one({ queryType: 'jobs', status: 'all', vm: vm.vm_name, limit: 5000 });
    const frame = result.frames[0];
    const ids = column(frame, 'job_id') as string[];
    expect(ids.length).toBeGreaterThan(0);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const durations = column(frame, 'duration_seconds');
    const speeds = column(frame, 'avg_throughput_bps');
    ids.forEach((id, i) => {
      const row = byId.get(id)!;
      const started = t.store.time.toMs(row.started_at);
      const completed = t.store.time.toMs(row.completed_at);
      expect(durations[i]).toBe(jobDurationSeconds(started, completed));
      expect(speeds[i]).toBe(Number(row.transfer_speed_bps ?? 0) > 0 ? Number(row.transfer_speed_bps) : null);
    });
    expect(durations.some((d) => typeof d === 'number' && d > 0)).toBe(true);
  });

  test('networkVms with vm lists only that VM’s NICs (search matches parts of names)', async () => {
    const vm = vms[0];
    const exact = await one({ queryType: 'networkVms', vm: vm.vm_name });
    expect(exact.error).toBeUndefined();
    const names = column(exact.frames[0], 'vm_name');
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([vm.vm_name]));
    const none = await one({ queryType: 'networkVms', vm: vm.vm_name.slice(0, -1) });
    expect(column(none.frames[0], 'vm_name')).toEqual([]);
  });

  test.each([
    [{ queryType: 'vmDisks', limit: 0 }],
    [{ queryType: 'cbtHistory', limit: 'ten' }],
    [{ queryType: 'cbtHistory', vms: 'typo' }],
    [{ queryType: 'vmContexts', vm: 42 }],
  ])('refuses %j with an error on that query, no frames', async (q) => {
    const result = await one(q);
    expect(result.error).toMatch(/\S/);
    expect(result.frames ?? []).toEqual([]);
  });
});
