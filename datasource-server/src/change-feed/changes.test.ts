import { advance, eventsFor, KnownStates, stateOf, type FeedRow, type ReadRow } from './changes';

const T0 = Date.parse('2026-11-26T10:00:00Z');

const row = (over: Partial<FeedRow> = {}): FeedRow => ({
  id: 'job-1',
  source_vm_name: 'web-01',
  vm_context_id: 'ctx-1',
  status: 'replicating',
  current_operation: 'Transfer',
  progress_percent: 40,
  bytes_transferred: 400,
  total_bytes: 1000,
  transfer_speed_bps: 1_000_000,
  error_message: null,
  vma_error_classification: null,
  updated_at: '2026-11-26 10:00:00.000',
  ...over,
});

const read = (over: Partial<FeedRow> = {}, times: Partial<Omit<ReadRow, 'row'>> = {}): ReadRow => ({
  row: row(over),
  updatedMs: T0,
  lastPushMs: null,
  completedMs: null,
  ...times,
});

describe('eventsFor', () => {
  test('a changed row is a progress_update in the shape ingest publishes, marked as from the feed', () => {
    expect(eventsFor(read(), undefined, T0 - 1000)).toEqual([
      {
        type: 'progress_update',
        data: {
          job_id: 'job-1',
          vm_name: 'web-01',
          context_id: 'ctx-1',
          status: 'replicating',
          phase: 'Transfer',
          percentage: 40,
          bytes_transferred: 400,
          total_bytes: 1000,
          throughput_mbps: 1,
          eta_seconds: 0, // 600 bytes left at 1 MB/s
          source: 'change_feed',
        },
      },
    ]);
  });

  test('a row the ingest path wrote (updated_at = last push) is left to ingest', () => {
    expect(eventsFor(read({}, { lastPushMs: T0 }), undefined, 0)).toEqual([]);
    // Written by someone else after the last push: the feed's.
    expect(eventsFor(read({}, { lastPushMs: T0 - 5 }), undefined, 0)).toHaveLength(1);
  });

  test('the state last published for the job (by anyone) silences a re-read or a change that moves nothing', () => {
    const [update] = eventsFor(read(), undefined, 0);
    const known = stateOf(update.data);
    expect(eventsFor(read(), known, 0)).toEqual([]);
    // Only the speed changed (not part of the state): nothing new to say.
    expect(eventsFor(read({ transfer_speed_bps: 5 }), known, 0)).toEqual([]);
    expect(eventsFor(read({ bytes_transferred: 500, progress_percent: 50 }), known, 0)).toHaveLength(1);
    expect(eventsFor(read({ current_operation: 'Finalize' }), known, 0)).toHaveLength(1);
  });

  test('an end adds job_complete or job_failed once, with the error', () => {
    const running = stateOf(eventsFor(read(), undefined, 0)[0].data);
    const failed = eventsFor(
      read({ status: 'failed', error_message: 'disk gone', vma_error_classification: 'disk' }),
      running,
      0,
    );
    expect(failed.map((e) => e.type)).toEqual(['progress_update', 'job_failed']);
    expect(failed[1].data).toMatchObject({
      status: 'failed',
      error_message: 'disk gone',
      error_classification: 'disk',
      eta_seconds: 0,
      source: 'change_feed',
    });
    // Already known as failed: a later change (new message) is a progress_update only.
    const known = stateOf(failed[0].data);
    expect(
      eventsFor(read({ status: 'failed', progress_percent: 41, error_message: 'x' }), known, 0).map(
        (e) => e.type,
      ),
    ).toEqual(['progress_update']);
    const done = eventsFor(read({ status: 'completed', progress_percent: 100 }), running, 0);
    expect(done.map((e) => e.type)).toEqual(['progress_update', 'job_complete']);
  });

  test('a job first seen finished gets its end event only if it finished after the read began', () => {
    const failed = { status: 'failed' };
    expect(eventsFor(read(failed, { completedMs: T0 }), undefined, T0 - 1).map((e) => e.type)).toEqual([
      'progress_update',
      'job_failed',
    ]);
    // Ended long ago, touched again now: not a new failure.
    expect(
      eventsFor(read(failed, { completedMs: T0 - 86_400_000 }), undefined, T0 - 1).map((e) => e.type),
    ).toEqual(['progress_update']);
    // No completion time: it cannot be told, so it is reported.
    expect(eventsFor(read(failed), undefined, T0).map((e) => e.type)).toEqual([
      'progress_update',
      'job_failed',
    ]);
  });
});

describe('advance', () => {
  const mark = { updatedAt: '2026-11-26 09:59:00.000', id: '' };
  const at = (id: string, ms: number, text: string) => read({ id, updated_at: text }, { updatedMs: ms });

  test('moves to the last settled row; ties on updated_at move by id; unsettled rows stay ahead', () => {
    const rows = [
      at('a', T0, '2026-11-26 10:00:00.000'),
      at('b', T0, '2026-11-26 10:00:00.000'),
      at('c', T0, '2026-11-26 10:00:00.000'),
      at('a2', T0 + 2000, '2026-11-26 10:00:02.000'),
    ];
    expect(advance(mark, rows, T0 + 1000)).toEqual({ updatedAt: '2026-11-26 10:00:00.000', id: 'c' });
    expect(advance(mark, rows, T0 + 2000)).toEqual({ updatedAt: '2026-11-26 10:00:02.000', id: 'a2' });
    expect(advance(mark, rows, T0 - 1)).toBe(mark);
    expect(advance(mark, [], T0)).toBe(mark);
  });
});

describe('KnownStates', () => {
  test('keeps the newest entries up to its capacity', () => {
    const known = new KnownStates(2);
    known.set('a', { key: '1', status: 's' });
    known.set('b', { key: '2', status: 's' });
    known.set('a', { key: '3', status: 's' }); // a is now the newest
    known.set('c', { key: '4', status: 's' });
    expect(known.size).toBe(2);
    expect(known.get('b')).toBeUndefined();
    expect(known.get('a')).toEqual({ key: '3', status: 's' });
    expect(known.get('c')?.key).toBe('4');
  });
});
