import { DAY_MS, HOUR_MS } from './job-facts';
import { readPlan, type JobReadRequest } from './read';

const D0 = 20_000 * DAY_MS;
const req = (over: Partial<JobReadRequest>): JobReadRequest => ({
  fromMs: D0 + 5 * HOUR_MS + 17,
  toMs: D0 + 4 * DAY_MS + 7 * HOUR_MS + 60_000,
  intervalMs: DAY_MS,
  filters: {},
  dimensions: [],
  ...over,
});
const MARK = D0 + 10 * DAY_MS;

describe('readPlan', () => {
  test('day buckets: whole days from the daily rows, whole hours around them, raw rows at the edges', () => {
    const plan = readPlan(req({}), MARK);
    expect(plan.raw).toEqual([
      { from: D0 + 5 * HOUR_MS + 17, to: D0 + 6 * HOUR_MS },
      { from: D0 + 4 * DAY_MS + 7 * HOUR_MS, to: D0 + 4 * DAY_MS + 7 * HOUR_MS + 60_000 },
    ]);
    expect(plan.days).toEqual({ from: D0 + DAY_MS, to: D0 + 4 * DAY_MS });
    expect(plan.hours).toEqual([
      { from: D0 + 6 * HOUR_MS, to: D0 + DAY_MS },
      { from: D0 + 4 * DAY_MS, to: D0 + 4 * DAY_MS + 7 * HOUR_MS },
    ]);
    expect(plan.set.grouping).toBe('status');
  });

  test('days only where every hour is rolled up; hour buckets never read days', () => {
    const mark = D0 + 2 * DAY_MS + 3 * HOUR_MS;
    const plan = readPlan(req({}), mark);
    expect(plan.days).toEqual({ from: D0 + DAY_MS, to: D0 + 2 * DAY_MS });
    expect(plan.hours).toEqual([
      { from: D0 + 6 * HOUR_MS, to: D0 + DAY_MS },
      { from: D0 + 2 * DAY_MS, to: mark },
    ]);
    expect(plan.raw[1].from).toBe(mark);
    for (const intervalMs of [HOUR_MS, 6 * HOUR_MS, 36 * HOUR_MS]) {
      const byHours = readPlan(req({ intervalMs }), MARK);
      expect(byHours.days).toBeNull();
      expect(byHours.hours).toEqual([{ from: D0 + 6 * HOUR_MS, to: D0 + 4 * DAY_MS + 7 * HOUR_MS }]);
    }
    // Two-day buckets are whole days too.
    expect(readPlan(req({ intervalMs: 2 * DAY_MS }), MARK).days).toEqual({
      from: D0 + DAY_MS,
      to: D0 + 4 * DAY_MS,
    });
  });

  test('nothing rolled up, a VM filter or sub-hour buckets: all raw', () => {
    const all = [{ from: req({}).fromMs, to: req({}).toMs }];
    for (const plan of [
      readPlan(req({}), null),
      readPlan(req({ filters: { vm: 'vm-1' } }), MARK),
      readPlan(req({ intervalMs: 15 * 60_000 }), MARK),
      readPlan(req({}), D0),
    ]) {
      expect(plan.days).toBeNull();
      expect(plan.hours).toEqual([]);
      expect(plan.raw).toEqual(all);
    }
  });

  test('the grouping set covers the dimensions asked for and those filtered by', () => {
    expect(readPlan(req({ dimensions: ['vcenter'] }), MARK).set.grouping).toBe('vcenter');
    expect(readPlan(req({ filters: { vcenter: 'a' } }), MARK).set.grouping).toBe('vcenter');
    expect(readPlan(req({ filters: { vm_group: 'g' } }), MARK).set.grouping).toBe('vm_group');
    expect(readPlan(req({ dimensions: ['vcenter'], filters: { vcenter: 'a' } }), MARK).set.grouping).toBe(
      'vcenter',
    );
    expect(
      readPlan(req({ dimensions: ['errorClassification'], filters: { vcenter: 'a' } }), MARK).set.grouping,
    ).toBe('full');
    expect(
      readPlan(req({ filters: { vm_group: 'g', replication_type: 'incremental' } }), MARK).set.grouping,
    ).toBe('full');
  });
});
