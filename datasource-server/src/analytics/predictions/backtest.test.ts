import { UTC } from '../../db/time';
import { buildHistory } from '../../demo/history';
import { buildVm, buildWorld } from '../../demo/world';
import { backtest } from './backtest';
import type { JobRecord, VmFacts } from './model';
import { jobRecords, vmFacts } from './records';

/** A demo world built in memory, as the model's records. */
function demoRecords(vms: number, days: number) {
  const world = buildWorld(7);
  const end = Date.UTC(2026, 10, 1, 12);
  const window = { start: end - days * 86_400_000, end };
  const histories = Array.from({ length: vms }, (_, i) =>
    buildHistory(world, buildVm(world, i), window, 1, UTC),
  );
  const copy = new Map<string, number>();
  for (const h of histories)
    for (const c of h.cbt) copy.set(c.job_id, (copy.get(c.job_id) ?? 0) + (c.sync_duration_seconds ?? 0));
  return {
    facts: vmFacts(
      histories.map((h) => h.context),
      histories.flatMap((h) => h.disks),
    ),
    jobs: jobRecords(
      histories.flatMap((h) => h.jobs),
      copy,
      UTC,
    ),
    end,
  };
}

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const VM: VmFacts = { id: 'vm-a', vcenter: 'vc', datastore: 'ds', capacityBytes: 100e9 };
const job = (
  id: string,
  startH: number,
  seconds: number,
  bytes: number,
  type: JobRecord['type'] = 'incremental',
) => ({
  id,
  vm: 'vm-a',
  type,
  status: 'completed',
  startedMs: T0 + startH * H,
  completedMs: T0 + startH * H + seconds * 1000,
  totalBytes: bytes,
  bytesTransferred: bytes,
  transferSeconds: seconds,
});

describe('backtest', () => {
  test('a prediction uses only jobs that finished before its job started', () => {
    const first = job('j1', 0, 1000, 100e9, 'initial'); // 100 MB/s
    // j2 starts at hour 24; j3 starts at hour 48, while a 100-hour j2 is still running.
    const running = (seconds: number, bytes = 10e9) => job('j2', 24, seconds, bytes);
    const third = job('j3', 48, 100, 10e9);
    const predicted = (jobs: JobRecord[]) => {
      const seen = new Map<string, number>();
      backtest([VM], jobs, 0, Infinity, (j, p) => seen.set(j.id, p.model));
      return seen;
    };
    const slow = predicted([first, running(360_000), third]);
    const fast = predicted([first, running(360_000, 900e9), third]);
    // j2's bytes and throughput (it had not finished) cannot change j3's prediction...
    expect(slow.get('j3')).toBe(fast.get('j3'));
    // ...and nothing about j3 (its own duration) changes its prediction or j2's.
    const other = predicted([first, running(360_000), job('j3', 48, 9999, 10e9)]);
    expect(other.get('j3')).toBe(slow.get('j3'));
    expect(other.get('j2')).toBe(slow.get('j2'));
    // Whereas a finished j2 does teach: when it ends before j3 starts, j3's prediction moves.
    const finished = predicted([first, running(3600), third]);
    expect(finished.get('j3')).not.toBe(slow.get('j3'));
  });

  test('the model beats both baselines on a demo world and its interval covers about 80%', () => {
    const { facts, jobs, end } = demoRecords(80, 45);
    const r = backtest(facts, jobs, 0, end);
    expect(r.jobs).toBeGreaterThan(1000);
    expect(r.model.mape).toBeLessThan(r.vmLastFive.mape);
    expect(r.model.mape).toBeLessThan(r.globalMean.mape);
    expect(r.model.coverage).toBeGreaterThan(0.7);
    expect(r.model.coverage).toBeLessThan(0.9);
  });
});
