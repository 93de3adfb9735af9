import type { ProgressPush } from '@oma-insights/contracts';
import { decidePush, etaSeconds, jobStatusFor, percentOf, type CurrentProgress } from './rules';

const current = (over: Partial<CurrentProgress> = {}): CurrentProgress => ({
  jobStatus: 'replicating',
  stage: 'Transfer',
  vmaStatus: 'Streaming',
  bytes: 500,
  percent: 50,
  ...over,
});
const push = (over: Partial<ProgressPush> = {}): ProgressPush => ({
  stage: 'Transfer',
  status: 'Streaming',
  bytes_transferred: 600,
  total_bytes: 1000,
  ...over,
});

describe('decidePush', () => {
  test('applies forward progress and the first push', () => {
    expect(decidePush(current(), push())).toEqual({ apply: true });
    expect(
      decidePush(
        current({ stage: null, vmaStatus: null, bytes: 0, jobStatus: 'pending' }),
        push({ stage: 'Discover', status: 'Preparing', bytes_transferred: 0 }),
      ),
    ).toEqual({ apply: true });
    expect(
      decidePush(current(), push({ stage: 'Finalize', status: 'Finalizing', bytes_transferred: 0 })),
    ).toEqual({ apply: true });
  });

  test('ignores pushes from an earlier stage or with fewer bytes', () => {
    expect(decidePush(current(), push({ stage: 'Snapshot', status: 'Snapshotting' }))).toEqual({
      apply: false,
      reason: 'late',
    });
    expect(decidePush(current(), push({ bytes_transferred: 499 }))).toEqual({ apply: false, reason: 'late' });
  });

  test('ignores exact repeats but not a terminal status at the same bytes', () => {
    expect(decidePush(current(), push({ bytes_transferred: 500 }))).toEqual({
      apply: false,
      reason: 'duplicate',
    });
    expect(decidePush(current(), push({ bytes_transferred: 500, status: 'Failed' }))).toEqual({
      apply: true,
    });
  });

  test.each(['completed', 'failed', 'cancelled'])('ignores everything once the job is %s', (jobStatus) => {
    expect(decidePush(current({ jobStatus }), push({ bytes_transferred: 10_000 }))).toEqual({
      apply: false,
      reason: 'job_finished',
    });
  });
});

describe('jobStatusFor', () => {
  test.each([
    ['Queued', 'Discover', 'pending'],
    ['Preparing', 'EnableCBT', 'initializing'],
    ['Preparing', 'PrepareVolumes', 'provisioning'],
    ['Snapshotting', 'Snapshot', 'snapshotting'],
    ['Streaming', 'Transfer', 'replicating'],
    ['Finalizing', 'Finalize', 'finalizing'],
    ['Succeeded', 'PersistChangeIDs', 'completed'],
    ['Failed', 'Transfer', 'failed'],
  ] as const)('%s at %s is %s', (status, stage, expected) => {
    expect(jobStatusFor(status, stage)).toBe(expected);
  });
});

describe('ETA and percent', () => {
  test('ETA is remaining bytes over throughput, capped at a day, null when stalled', () => {
    expect(etaSeconds(400, 1000, 100)).toBe(6);
    expect(etaSeconds(0, 1e15, 1)).toBe(86_400);
    expect(etaSeconds(0, 1000, 0)).toBeNull();
  });
  test('percent is clamped and safe for an unknown total', () => {
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(300, 200)).toBe(100);
    expect(percentOf(5, 0)).toBe(0);
  });
});
