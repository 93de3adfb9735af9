import { FieldType, toDataFrame } from '@grafana/data';

import { buildOverview, countLabel, formatEta, leftActive, LIMITS, type RunningJob } from './overview';

const AT = Date.parse('2026-11-01T12:00:00Z');

const jobs = (refId: string, rows: Array<Record<string, unknown>>) =>
  toDataFrame({
    refId,
    fields: [
      { name: 'job_id', type: FieldType.string, values: rows.map((r) => r.job_id) },
      { name: 'vm_name', type: FieldType.string, values: rows.map((r) => r.vm_name) },
      { name: 'vcenter_host', type: FieldType.string, values: rows.map((r) => r.vcenter_host ?? 'vc-1') },
      { name: 'phase', type: FieldType.string, values: rows.map((r) => r.phase ?? null) },
      { name: 'progress_percent', type: FieldType.number, values: rows.map((r) => r.progress_percent ?? 0) },
      { name: 'throughput', type: FieldType.number, values: rows.map((r) => r.throughput ?? 0) },
      { name: 'eta_seconds', type: FieldType.number, values: rows.map((r) => r.eta_seconds ?? null) },
      {
        name: 'error_classification',
        type: FieldType.string,
        values: rows.map((r) => r.error_classification ?? null),
      },
      { name: 'error_message', type: FieldType.string, values: rows.map((r) => r.error_message ?? null) },
      { name: 'started_at', type: FieldType.time, values: rows.map((r) => r.started_at ?? null) },
      { name: 'completed_at', type: FieldType.time, values: rows.map((r) => r.completed_at ?? null) },
    ],
  });

const vms = (statuses: Array<string | null>) =>
  toDataFrame({
    refId: 'vms',
    fields: [
      { name: 'vm_name', type: FieldType.string, values: statuses.map((_, i) => `vm-${i}`) },
      { name: 'current_status', type: FieldType.string, values: statuses },
    ],
  });

describe('buildOverview', () => {
  test('counts VMs per status in the OMA order, and says when the count is capped', () => {
    const model = buildOverview([
      vms(['failed', 'replicating', 'failed', 'discovered', null, 'ready_for_failover']),
    ]);
    expect(model.vms).toEqual({
      total: 6,
      byStatus: [
        { status: 'discovered', count: 1 },
        { status: 'replicating', count: 1 },
        { status: 'ready_for_failover', count: 1 },
        { status: 'failed', count: 2 },
      ],
    });
    expect(
      countLabel(buildOverview([vms(Array(LIMITS.vms).fill('replicating'))]).vms.total, LIMITS.vms),
    ).toBe('5000+');
  });

  test('running jobs from the live progress frame, furthest along first, with phase, rate and ETA', () => {
    const running = toDataFrame({
      refId: 'running',
      fields: [
        { name: 'job_id', type: FieldType.string, values: ['j1', 'j2'] },
        { name: 'vm_name', type: FieldType.string, values: ['b-vm', 'a-vm'] },
        { name: 'status', type: FieldType.string, values: ['replicating', 'snapshotting'] },
        { name: 'phase', type: FieldType.string, values: ['Transfer', 'Snapshot'] },
        { name: 'percentage', type: FieldType.number, values: [20, 80] },
        { name: 'throughput_mbps', type: FieldType.number, values: [150.5, null] },
        { name: 'eta_seconds', type: FieldType.number, values: [600, null] },
        { name: 'updated_at', type: FieldType.time, values: [null, AT] },
      ],
    });
    expect(buildOverview([running]).running).toEqual([
      {
        jobId: 'j2',
        vm: 'a-vm',
        status: 'snapshotting',
        phase: 'Snapshot',
        percent: 80,
        throughputMBps: 0,
        etaSeconds: null,
        updatedAt: AT,
      },
      {
        jobId: 'j1',
        vm: 'b-vm',
        status: 'replicating',
        phase: 'Transfer',
        percent: 20,
        throughputMBps: 150.5,
        etaSeconds: 600,
        updatedAt: null,
      },
    ]);
  });

  test('a job that left the active list (finished or failed) is noticed; a new one is not', () => {
    const job = (jobId: string) => ({ jobId }) as RunningJob;
    expect(leftActive([job('a'), job('b')], [job('b')])).toBe(true);
    expect(leftActive([job('a')], [job('a'), job('c')])).toBe(false);
    expect(leftActive([], [])).toBe(false);
  });

  test('failed jobs, newest first, with their classification and message', () => {
    const model = buildOverview([
      jobs('failed', [
        {
          job_id: 'old',
          vm_name: 'x',
          completed_at: AT - 3600_000,
          error_classification: 'network',
          error_message: 'NBD timeout',
        },
        { job_id: 'new', vm_name: 'y', completed_at: AT, error_classification: null, error_message: '' },
      ]),
    ]);
    expect(model.failed.map((f) => [f.jobId, f.at, f.classification, f.message])).toEqual([
      ['new', AT, null, null],
      ['old', AT - 3600_000, 'network', 'NBD timeout'],
    ]);
  });

  test('no frames (nothing answered yet, or an error) is an empty overview, not a crash', () => {
    expect(buildOverview([])).toEqual({
      vms: { total: 0, byStatus: [] },
      running: [],
      failed: [],
    });
  });
});

test.each([
  [null, '—'],
  [-1, '—'],
  [45, '45 s'],
  [600, '10 min'],
  [7500, '2 h 05 min'],
])('formatEta(%p) is %p', (seconds, text) => {
  expect(formatEta(seconds)).toBe(text);
});

test('a count read off a list cut at its limit says so', () => {
  expect(countLabel(49, LIMITS.failed)).toBe('49');
  expect(countLabel(50, LIMITS.failed)).toBe('50+');
  expect(countLabel(0, LIMITS.running)).toBe('0');
});
