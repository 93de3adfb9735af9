import { quantile, RecentSample, SyncModel, type JobRecord } from './model';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 1); // a Monday, 01:00 UTC
const facts = [
  { id: 'a', vcenter: 'vc1', datastore: 'ds1', capacityBytes: 200e9 },
  { id: 'b', vcenter: 'vc1', datastore: 'ds1', capacityBytes: 50e9 },
  { id: 'c', vcenter: 'vc2', datastore: 'ds9', capacityBytes: 10e9 },
];
/** A completed job: `copy` seconds copying at `bytes`, plus 60 s of setup. */
const job = (
  vm: string,
  id: string,
  startH: number,
  bytes: number,
  copy: number,
  type: JobRecord['type'],
) => ({
  id,
  vm,
  type,
  status: 'completed',
  startedMs: T0 + startH * H,
  completedMs: T0 + startH * H + (copy + 60) * 1000,
  totalBytes: bytes,
  bytesTransferred: bytes,
  transferSeconds: copy,
});

describe('SyncModel', () => {
  const model = new SyncModel(facts);
  model.observe(job('a', 'a1', 0, 100e9, 1000, 'initial')); // 100 MB/s
  model.observe(job('a', 'a2', 24, 2.4e9, 24, 'incremental')); // 0.1 GB/h of changes
  model.observe(job('a', 'a3', 48, 2.4e9, 24, 'incremental'));
  model.observe(job('a', 'a4', 72, 2.4e9, 24, 'incremental'));

  test("an incremental: the VM's change rate times the hours since its last sync, at its own throughput", () => {
    const p = model.predict('a', T0 + 84 * H);
    expect(p.type).toBe('incremental');
    expect(p.basis.bytesSource).toBe('vm_change_rate');
    expect(p.basis.changeRateBytesPerHour).toBe(100e6);
    expect(p.basis.hoursSinceLastSync).toBe(12);
    expect(p.basis.bytesExpected).toBe(1.2e9);
    expect(p.basis.throughputSource).toBe('vm');
    expect(p.basis.throughputBytesPerSecond).toBe(100e6);
    expect(p.basis.overheadSeconds).toBe(60);
    expect(p.seconds).toBeCloseTo(60 + 12, 6);
    // Too few residuals yet: the wide default band.
    expect([p.p10Seconds, p.p90Seconds]).toEqual([p.seconds / 2, p.seconds * 2]);
  });

  test("an initial with no history of its own: filled capacity at the datastore's throughput", () => {
    const p = model.predict('b', T0 + 90 * H);
    expect(p.type).toBe('initial');
    expect(p.basis.bytesSource).toBe('capacity');
    expect(p.basis.bytesExpected).toBe(25e9); // a's initial sent half of its capacity
    expect(p.basis.throughputSource).toBe('datastore');
    expect(p.basis.samples).toMatchObject({ vm: 0, datastore: 4, vcenter: 4, global: 4 });
  });

  test('a VM on an unknown datastore and vCenter falls back to the global throughput', () => {
    expect(model.predict('c', T0 + 90 * H).basis.throughputSource).toBe('global');
    expect(new SyncModel(facts).predict('c', T0).basis.throughputSource).toBe('default');
  });

  test('a failed initial tells the bytes of its retry', () => {
    const m = new SyncModel(facts);
    m.observe({ ...job('c', 'c1', 0, 7e9, 10, 'initial'), status: 'failed', bytesTransferred: 1e9 });
    const p = m.predict('c', T0 + 5 * H);
    expect(p.basis).toMatchObject({ bytesSource: 'earlier_attempt', bytesExpected: 7e9 });
  });
});

describe('RecentSample', () => {
  test('keeps exact quantiles of the newest values as old ones leave the window', () => {
    const sample = new RecentSample(5);
    const seen: number[] = [];
    // A fixed shuffle with repeats, so equal values enter and leave.
    for (const v of [5, 3, 9, 3, 1, 8, 8, 2, 7, 3, 6, 0, 4, 9, 1]) {
      sample.add(v);
      seen.push(v);
      const last = seen.slice(-5).sort((a, b) => a - b);
      expect(sample.size).toBe(last.length);
      for (const q of [0, 0.1, 0.5, 0.9, 1]) expect(sample.quantile(q)).toBe(quantile(last, q));
    }
    sample.add(NaN);
    expect(sample.size).toBe(5);
  });
});

describe('time of day', () => {
  test('an hour whose copies run at half speed is predicted at half speed', () => {
    const vms = Array.from({ length: 40 }, (_, i) => ({
      id: `v${i}`,
      vcenter: 'vc',
      datastore: 'ds',
      capacityBytes: 1e12,
    }));
    const model = new SyncModel(vms);
    const copy = (vm: string, id: string, at: number, seconds: number) => {
      model.predict(vm, at, 'incremental', id);
      model.observe({
        ...job(vm, id, 0, 10e9, seconds, 'incremental'),
        startedMs: at,
        completedMs: at + (seconds + 60) * 1000,
      });
    };
    // Every VM copies at 100 MB/s at 01:00 and at 50 MB/s at 13:00, day after day.
    const before = model.predict('v0', T0 + 100 * 24 * H + 12 * H);
    expect(before.basis.timeOfDayFactor).toBe(1);
    for (const round of [0, 1, 2, 3, 4]) {
      for (const [i, vm] of vms.entries()) {
        const day = T0 + (round * 40 + i) * 24 * H;
        copy(vm.id, `${vm.id}-night${round}`, day, 100);
        copy(vm.id, `${vm.id}-day${round}`, day + 12 * H, 200);
      }
    }
    const day = model.predict('v0', T0 + 300 * 24 * H + 12 * H);
    const night = model.predict('v0', T0 + 300 * 24 * H);
    // Factors are relative to the datastore's pooled level, so their ratio is what is learned.
    expect(day.basis.timeOfDayFactor / night.basis.timeOfDayFactor).toBeCloseTo(0.5, 1);
    expect(day.basis.throughputBytesPerSecond / 1e6).toBeCloseTo(50, 0);
    expect(night.basis.throughputBytesPerSecond / 1e6).toBeCloseTo(100, 0);
  });
});
