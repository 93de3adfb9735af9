import { UTC } from '../db/time';
import { buildHistory } from './history';
import { buildVm, buildWorld } from './world';

const window = { start: Date.parse('2026-06-01T00:00:00Z'), end: Date.parse('2026-09-01T00:00:00Z') };

describe('demo world', () => {
  test('is deterministic for a seed and differs between seeds', () => {
    const a = buildHistory(buildWorld(5), buildVm(buildWorld(5), 17), window, 1, UTC);
    const b = buildHistory(buildWorld(5), buildVm(buildWorld(5), 17), window, 1, UTC);
    const c = buildHistory(buildWorld(6), buildVm(buildWorld(6), 17), window, 1, UTC);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  test('has several vCenters, datacenters, datastores of different speeds, live and test networks', () => {
    const world = buildWorld(1);
    expect(new Set(world.datacenters.map((d) => d.vcenter)).size).toBeGreaterThanOrEqual(3);
    const speeds = world.datacenters[0].datastores.map((d) => d.speedMBps);
    expect(Math.max(...speeds) / Math.min(...speeds)).toBeGreaterThan(2);
    expect(world.networks.some((n) => n.network_type === 'Isolated')).toBe(true);
    expect(world.networks.some((n) => n.state === 'Shutdown')).toBe(true);
    expect(
      world.datacenters
        .flatMap((d) => d.portGroups)
        .every((p) => p.name === 'VM Network' || /\d{3,4}/.test(p.name)),
    ).toBe(true);
  });

  test('VMs have 1-4 NICs and 1-6 disks, with unique names and VMware ids', () => {
    const world = buildWorld(3);
    const vms = Array.from({ length: 400 }, (_, i) => buildVm(world, i));
    expect(new Set(vms.map((v) => v.name)).size).toBe(400);
    expect(new Set(vms.map((v) => v.vmwareId)).size).toBe(400);
    const nicCounts = new Set(vms.map((v) => v.nics.length));
    const diskCounts = new Set(vms.map((v) => v.disks.length));
    expect([...nicCounts].every((n) => n >= 1 && n <= 4)).toBe(true);
    expect([...diskCounts].every((n) => n >= 1 && n <= 6)).toBe(true);
    expect(nicCounts.size).toBeGreaterThanOrEqual(3);
    expect(diskCounts.size).toBeGreaterThanOrEqual(4);
  });

  test('history starts with a full copy, then incrementals that chain change ids', () => {
    const world = buildWorld(9);
    const vm = Array.from({ length: 50 }, (_, i) => buildVm(world, i)).find(
      (v) => buildHistory(world, v, window, 1, UTC).jobs.length > 30,
    )!;
    const { jobs, cbt, context } = buildHistory(world, vm, window, 1, UTC);
    const firstOk = jobs.findIndex((j) => j.status === 'completed');
    expect(jobs.slice(0, firstOk + 1).every((j) => j.replication_type === 'initial')).toBe(true);
    expect(jobs.slice(firstOk + 1).every((j) => j.replication_type === 'incremental')).toBe(true);
    const completed = jobs.filter((j) => j.status === 'completed');
    for (let i = 1; i < completed.length; i++) {
      expect(completed[i].previous_change_id).toBe(completed[i - 1].change_id);
    }
    expect(cbt.every((row) => jobs.some((j) => j.id === row.job_id))).toBe(true);
    expect(context.total_jobs_run).toBe(jobs.length);
    expect(jobs.every((j) => j.completed_at! <= new Date(window.end).toISOString().replace('T', ' '))).toBe(
      true,
    );
  });

  test('throughput is higher at night than in business hours', () => {
    const world = buildWorld(11);
    const night: number[] = [];
    const day: number[] = [];
    for (let i = 0; i < 200; i++) {
      const { jobs } = buildHistory(world, buildVm(world, i), window, 1, UTC);
      for (const j of jobs) {
        if (j.status !== 'completed' || j.replication_type !== 'incremental') continue;
        const hour = new Date(`${j.started_at!.replace(' ', 'T')}Z`).getUTCHours();
        (hour < 6 ? night : hour >= 9 && hour < 17 ? day : []).push(Number(j.transfer_speed_bps));
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(day.length).toBeGreaterThan(20);
    expect(mean(night)).toBeGreaterThan(mean(day));
  });
});

describe('volume operations and CloudStack jobs', () => {
  const world = buildWorld(7);
  const histories = Array.from({ length: 150 }, (_, i) =>
    buildHistory(world, buildVm(world, i), window, 1, UTC),
  );
  const operations = histories.flatMap((h) => h.volumeOperations);
  const tracking = histories.flatMap((h) => h.jobTracking);

  test('cover create, attach, detach and cleanup, with failures, inside the window', () => {
    const types = new Set(operations.map((o) => o.type));
    expect([...types].sort()).toEqual(['attach', 'cleanup', 'create', 'detach']);
    for (const type of ['attach', 'detach']) {
      expect(operations.filter((o) => o.type === type && o.status === 'failed').length).toBeGreaterThan(0);
    }
    for (const o of operations) {
      const [start, end] = [UTC.toMs(o.created_at)!, UTC.toMs(o.completed_at)!];
      expect(start).toBeLessThanOrEqual(end);
      expect(end).toBeLessThanOrEqual(window.end);
    }
    expect(new Set(operations.map((o) => o.id)).size).toBe(operations.length);
  });

  test('each operation ran one CloudStack job with the same outcome and times', () => {
    expect(tracking).toHaveLength(operations.length);
    const byOperation = new Map(tracking.map((j) => [j.external_job_id, j]));
    for (const o of operations) {
      const job = byOperation.get(o.id)!;
      expect({ status: job.status, started: job.started_at, completed: job.completed_at }).toEqual({
        status: o.status,
        started: o.created_at,
        completed: o.completed_at,
      });
      expect(job.cloudstack_job_id).toBeTruthy();
    }
  });

  test('a sync that timed out attaching a volume has a failed attach ending with it', () => {
    const timedOut = histories.flatMap((h) =>
      h.jobs.filter((j) => j.status === 'failed' && /volume attach timed out/.test(j.error_message ?? '')),
    );
    expect(timedOut.length).toBeGreaterThan(0);
    for (const job of timedOut) {
      const attach = operations.find(
        (o) => o.type === 'attach' && o.status === 'failed' && JSON.parse(o.request).job_id === job.id,
      );
      expect(UTC.toMs(attach?.completed_at)).toBe(UTC.toMs(job.completed_at)! - 1000);
    }
  });
});
