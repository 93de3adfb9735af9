import { makespan, timeToFinish } from './forecast';
import type { Prediction } from './model';

const p = (seconds: number) => ({ seconds, p10Seconds: seconds / 2, p90Seconds: seconds * 2 }) as Prediction;

describe('time to finish', () => {
  test('longest first onto the least busy slot', () => {
    expect(makespan([10, 10, 10, 10], 2)).toBe(20);
    expect(makespan([30, 10, 10, 10], 2)).toBe(30);
    expect(makespan([5, 7], 1)).toBe(12);
    expect(makespan([], 4)).toBe(0);
  });

  test('only VMs not yet migrated count', () => {
    const t = timeToFinish(
      [
        { status: 'ready_for_failover', prediction: p(100) },
        { status: 'discovered', prediction: p(300) },
        { status: 'failed_over_test', prediction: p(50) },
        { status: 'failed_over_live', prediction: p(9999) },
        { status: 'cleanup_required', prediction: p(9999) },
      ],
      2,
    );
    expect(t).toEqual({
      vms: 3,
      concurrency: 2,
      seconds: 300,
      p10_seconds: 150,
      p90_seconds: 600,
      serial_seconds: 450,
    });
  });
});
