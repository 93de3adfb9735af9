import { failureBurst, stalledJobs, type Failure, type RunningJob } from './detect';

const MIN = 60_000;
const NOW = Date.parse('2026-11-26T10:00:00Z');

const job = (id: string, idleMinutes: number): RunningJob => ({
  id,
  vm_name: `vm-${id}`,
  status: 'replicating',
  phase: 'Transfer',
  percentage: 12.5,
  lastProgressMs: NOW - idleMinutes * MIN,
});

describe('stalledJobs', () => {
  test('running jobs idle for at least the threshold, with a key that holds when they last moved', () => {
    const notices = stalledJobs([job('a', 14.99), job('b', 15), job('c', 90)], NOW, 15);
    expect(notices.map((n) => n.job_id)).toEqual(['b', 'c']);
    expect(notices[0]).toEqual({
      severity: 'warning',
      title: 'Replication stalled: vm-b',
      message:
        'No progress for 15 minutes (job b, replicating, Transfer, 12.5%; last change 2026-11-26T09:45:00.000Z)',
      source: 'stalled_job',
      vm_name: 'vm-b',
      job_id: 'b',
      links: [
        { kind: 'vm', title: 'VM vm-b', url: '/d/oma-vm-detail?var-vm=vm-b' },
        { kind: 'job', title: 'Job b', url: '/d/oma-vm-detail?var-vm=vm-b&var-job=b' },
      ],
      dedup_key: `stalled_job:b:${NOW - 15 * MIN}`,
    });
  });

  test('the same stall seen later is the same key; a job that moved and stalled again is a new one', () => {
    const first = stalledJobs([job('a', 20)], NOW, 15)[0].dedup_key;
    expect(
      stalledJobs([{ ...job('a', 20), lastProgressMs: NOW - 20 * MIN }], NOW + 30 * MIN, 15)[0].dedup_key,
    ).toBe(first);
    expect(stalledJobs([job('a', 16)], NOW + 4 * MIN, 15)[0].dedup_key).not.toBe(first);
  });

  test('0 minutes turns the detector off', () => {
    expect(stalledJobs([job('a', 1000)], NOW, 0)).toEqual([]);
  });
});

describe('failureBurst', () => {
  const failure = (id: string, minutesAgo: number, classification: string | null = 'disk'): Failure => ({
    id,
    vm_name: `vm-${id}`,
    completedMs: NOW - minutesAgo * MIN,
    classification,
  });
  const config = { burstCount: 3, burstMinutes: 10 };

  test('a burst is at least N failures within M minutes, said once with its VMs and error classes', () => {
    expect(failureBurst([failure('a', 1), failure('b', 2), failure('c', 10)], NOW, config, null)).toBeNull();
    const burst = failureBurst(
      [failure('a', 1), failure('b', 2, 'network'), failure('c', 9.9), failure('old', 30)],
      NOW,
      config,
      null,
    );
    expect(burst).toEqual({
      severity: 'critical',
      title: '3 replications failed within 10 minutes',
      message: 'By error class: disk 2, network 1. VMs: vm-c, vm-b, vm-a.',
      source: 'failure_burst',
      vm_name: null,
      job_id: null,
      links: [],
      dedup_key: `failure_burst:c:${NOW - 9.9 * MIN}`,
    });
  });

  test('after a burst notice only later failures count; the same failures at the next run are not a new burst', () => {
    const failures = [failure('a', 3), failure('b', 2), failure('c', 1)];
    expect(failureBurst(failures, NOW, config, null)).not.toBeNull();
    expect(failureBurst(failures, NOW + MIN, config, NOW)).toBeNull();
    const more = [...failures, failure('d', -2), failure('e', -3), failure('f', -4)];
    expect(failureBurst(more, NOW + 5 * MIN, config, NOW)?.message).toContain('VMs: vm-d, vm-e, vm-f.');
  });

  test('one VM failing again and again links to it; future failures and count 0 are ignored', () => {
    const same = ['a', 'b', 'c'].map((id) => ({ ...failure(id, 1), vm_name: 'web-01' }));
    expect(failureBurst(same, NOW, config, null)).toMatchObject({
      vm_name: 'web-01',
      links: [{ kind: 'vm', url: '/d/oma-vm-detail?var-vm=web-01' }],
    });
    expect(
      failureBurst([failure('a', -1), failure('b', -2), failure('c', -3)], NOW, config, null),
    ).toBeNull();
    expect(failureBurst(same, NOW, { ...config, burstCount: 0 }, null)).toBeNull();
  });
});
