import type { ProgressPush } from '@oma-insights/contracts';
import type { OmiDiskProgressTable, OmiJobProgressTable, ReplicationJobRow } from '../db/schema';
import {
  keepErrors,
  MAX_ERRORS_BYTES,
  parseErrors,
  planPush,
  type AppliedPlan,
  type PushState,
} from './plan';

const NOW = '2026-11-01 12:00:00.000';
const EARLIER = '2026-11-01 11:55:00.000';

const job = (over: Partial<ReplicationJobRow> = {}) =>
  ({
    id: 'job-1',
    vm_context_id: 'ctx-1',
    source_vm_name: 'db-01',
    status: 'replicating',
    progress_percent: 10,
    bytes_transferred: 100,
    total_bytes: 1000,
    transfer_speed_bps: 50,
    vma_sync_type: 'incremental',
    started_at: EARLIER,
    ...over,
  }) as ReplicationJobRow;

const progress = (over: Partial<OmiJobProgressTable> = {}): OmiJobProgressTable => ({
  job_id: 'job-1',
  stage: 'Transfer',
  vma_status: 'Streaming',
  phase_started_at: EARLIER,
  peak_bps: 80,
  last_push_at: EARLIER,
  errors: null,
  ...over,
});

const disk = (disk_id: string, bytes: number, total: number): OmiDiskProgressTable => ({
  job_id: 'job-1',
  disk_id,
  bytes_transferred: bytes,
  total_bytes: total,
  status: 'syncing',
  throughput_bps: 50,
  updated_at: EARLIER,
});

const push = (over: Partial<ProgressPush> = {}): ProgressPush => ({
  stage: 'Transfer',
  status: 'Streaming',
  bytes_transferred: 200,
  total_bytes: 1000,
  ...over,
});

const state = (over: Partial<PushState> = {}): PushState => ({
  job: job(),
  progress: progress(),
  disks: [],
  ...over,
});
const applied = (plan: ReturnType<typeof planPush>): AppliedPlan => {
  if (!plan.applied) throw new Error(`expected an applied plan, got ${plan.result.reason}`);
  return plan;
};

describe('planPush', () => {
  test.each([
    ['late: an earlier stage', state(), push({ stage: 'Snapshot', status: 'Snapshotting' }), 'late'],
    ['late: fewer bytes', state(), push({ bytes_transferred: 99 }), 'late'],
    ['duplicate', state(), push({ bytes_transferred: 100 }), 'duplicate'],
    [
      'job already failed',
      state({ job: job({ status: 'failed' }) }),
      push({ bytes_transferred: 900 }),
      'job_finished',
    ],
  ])('%s changes nothing', (_name, current, incoming, reason) => {
    expect(planPush(current, incoming, NOW)).toEqual({
      applied: false,
      result: {
        job_id: 'job-1',
        applied: false,
        reason,
        status: current.job.status,
        progress_percent: 10,
      },
    });
  });

  test('a job-level push moves bytes, percent, throughput and ETA; the phase keeps its start', () => {
    const plan = applied(planPush(state(), push({ throughput_bps: 100 }), NOW));
    expect(plan.job).toEqual(
      expect.objectContaining({
        status: 'replicating',
        bytes_transferred: 200,
        total_bytes: 1000,
        progress_percent: 20,
        transfer_speed_bps: 100,
        vma_throughput_mbps: 0,
        vma_eta_seconds: 8,
        started_at: EARLIER,
        updated_at: NOW,
      }),
    );
    expect(plan.job.completed_at).toBeUndefined();
    expect(plan.progress).toEqual({
      job_id: 'job-1',
      stage: 'Transfer',
      vma_status: 'Streaming',
      phase_started_at: EARLIER,
      peak_bps: 100,
      last_push_at: NOW,
      errors: null,
    });
    expect(plan.disk).toBeUndefined();
    expect(plan.ended).toBeNull();
    expect(plan.event).toEqual(
      expect.objectContaining({ job_id: 'job-1', vm_name: 'db-01', percentage: 20, eta_seconds: 8 }),
    );
  });

  test('a disk push sums every reported disk; the planned size is the floor of the total', () => {
    const current = state({ disks: [disk('d1', 300, 400), disk('d2', 50, 100)] });
    const plan = applied(
      planPush(current, push({ disk_id: 'd2', bytes_transferred: 80, total_bytes: 100 }), NOW),
    );
    expect(plan.disk).toEqual(
      expect.objectContaining({ disk_id: 'd2', bytes_transferred: 80, total_bytes: 100, status: 'syncing' }),
    );
    expect(plan.job).toEqual(
      expect.objectContaining({ bytes_transferred: 380, total_bytes: 1000, progress_percent: 38 }),
    );
    expect(plan.vmDisk).toEqual({
      disk_id: 'd2',
      sync_status: 'syncing',
      sync_progress_percent: 80,
      bytes_synced: 80,
    });
  });

  test('a new stage starts a new phase and a first push starts the job', () => {
    const plan = applied(
      planPush(
        state({
          job: job({ status: 'pending', started_at: null, bytes_transferred: 0 }),
          progress: undefined,
        }),
        push({ stage: 'Discover', status: 'Preparing', bytes_transferred: 0 }),
        NOW,
      ),
    );
    expect(plan.job).toEqual(expect.objectContaining({ status: 'initializing', started_at: NOW }));
    expect(plan.progress.phase_started_at).toBe(NOW);
  });

  test('success completes the job at 100% with no ETA', () => {
    const plan = applied(planPush(state(), push({ stage: 'PersistChangeIDs', status: 'Succeeded' }), NOW));
    expect(plan.ended).toBe('completed');
    expect(plan.job).toEqual(
      expect.objectContaining({
        status: 'completed',
        progress_percent: 100,
        vma_eta_seconds: 0,
        completed_at: NOW,
      }),
    );
    expect(plan.failure).toBeUndefined();
  });

  test('failure records the message and classification, or says the engine gave none', () => {
    const told = applied(
      planPush(
        state(),
        push({ status: 'Failed', error_message: 'NBD timeout', error_classification: 'network' }),
        NOW,
      ),
    );
    expect(told.ended).toBe('failed');
    expect(told.job).toEqual(
      expect.objectContaining({
        status: 'failed',
        error_message: 'NBD timeout',
        vma_error_classification: 'network',
        vma_error_details: 'NBD timeout',
        completed_at: NOW,
      }),
    );
    expect(JSON.parse(told.progress.errors!)).toEqual(['NBD timeout']);
    const silent = applied(planPush(state(), push({ status: 'Failed' }), NOW));
    expect(silent.failure).toEqual({
      message: 'The migration engine reported a failure without a message',
      classification: 'system',
    });
    expect(silent.job.vma_error_details).toBeNull();
  });
});

describe('kept errors', () => {
  test('the last 20 are kept', () => {
    const previous = Array.from({ length: 20 }, (_, i) => `e${i}`);
    expect(keepErrors(previous, 'new')).toEqual([...previous.slice(1), 'new']);
    expect(keepErrors(['a'], undefined)).toEqual(['a']);
  });

  test('long messages are dropped oldest first so the list fits its TEXT column', () => {
    const big = '🛰'.repeat(4000); // 16,000 bytes
    const kept = keepErrors([big, big, big, big], 'last');
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(MAX_ERRORS_BYTES);
    expect(kept).toEqual([big, big, big, 'last']);
  });

  test.each([
    [null, []],
    ['', []],
    ['not json', []],
    ['{"a":1}', []],
    ['["a", 2, null, "b"]', ['a', 'b']],
  ])('parses %j as %j', (text, expected) => {
    expect(parseErrors(text)).toEqual(expected);
  });
});
