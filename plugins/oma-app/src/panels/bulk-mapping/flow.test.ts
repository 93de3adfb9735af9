import { canApply, flowReducer, idempotencyKeyFor, initialFlow, type FlowState } from './flow';
import { result } from './test-utils/factory';

const dry = result({ dry_run: true });
const applied = result({ dry_run: false, applied: true });
let n = 0;
const newKey = () => `key-${++n}`;
beforeEach(() => {
  n = 0;
});

function run(...actions: Parameters<typeof flowReducer>[1][]): FlowState {
  return actions.reduce(flowReducer, initialFlow);
}

test('apply needs a finished dry run of exactly the current request', () => {
  expect(canApply(initialFlow, 'A')).toBe(false);
  const dryRunning = run({ type: 'dryRunStarted', requestKey: 'A' });
  expect(canApply(dryRunning, 'A')).toBe(false);
  const reviewed = flowReducer(dryRunning, { type: 'dryRunDone', requestKey: 'A', result: dry });
  expect(reviewed.dryRun).toBe(dry);
  expect(canApply(reviewed, 'A')).toBe(true);
  expect(canApply(reviewed, 'B')).toBe(false);
  expect(canApply(reviewed, null)).toBe(false);
  // Changing the filters or rules drops the diff: it was for the old request.
  const changed = flowReducer(reviewed, { type: 'requestChanged', requestKey: 'B' });
  expect(changed.dryRun).toBeNull();
  expect(canApply(changed, 'B')).toBe(false);
  // The same key again is no change.
  expect(flowReducer(reviewed, { type: 'requestChanged', requestKey: 'A' })).toBe(reviewed);
});

test('a dry run answering after the request changed is dropped', () => {
  const state = run(
    { type: 'dryRunStarted', requestKey: 'A' },
    { type: 'requestChanged', requestKey: 'B' },
    { type: 'dryRunDone', requestKey: 'A', result: dry },
  );
  expect(state.dryRun).toBeNull();
  expect(state.busy).toBeNull();
});

test('an apply in flight blocks a second apply', () => {
  const state = run(
    { type: 'dryRunStarted', requestKey: 'A' },
    { type: 'dryRunDone', requestKey: 'A', result: dry },
    { type: 'applyStarted', requestKey: 'A', idempotencyKey: 'k1' },
  );
  expect(state.busy).toBe('apply');
  expect(canApply(state, 'A')).toBe(false);
});

test('a retried apply of the same request reuses its Idempotency-Key; success or a new request gets a new one', () => {
  const reviewed = run(
    { type: 'dryRunStarted', requestKey: 'A' },
    { type: 'dryRunDone', requestKey: 'A', result: dry },
  );
  const key1 = idempotencyKeyFor(reviewed, 'A', newKey);
  expect(key1).toBe('key-1');
  const failed = run(
    { type: 'dryRunStarted', requestKey: 'A' },
    { type: 'dryRunDone', requestKey: 'A', result: dry },
    { type: 'applyStarted', requestKey: 'A', idempotencyKey: key1 },
    {
      type: 'failed',
      requestKey: 'A',
      error: { during: 'apply', message: 'no answer', kind: 'unreachable' },
    },
  );
  expect(failed.error?.message).toBe('no answer');
  // The diff stays: the operator may retry without a new dry run.
  expect(canApply(failed, 'A')).toBe(true);
  expect(idempotencyKeyFor(failed, 'A', newKey)).toBe('key-1');
  expect(idempotencyKeyFor(failed, 'B', newKey)).toBe('key-2');

  const done = flowReducer(
    flowReducer(failed, { type: 'applyStarted', requestKey: 'A', idempotencyKey: 'key-1' }),
    {
      type: 'applyDone',
      requestKey: 'A',
      result: applied,
    },
  );
  expect(done).toMatchObject({
    busy: null,
    dryRun: null,
    error: null,
    idempotencyKey: null,
    applied: { requestKey: 'A', result: applied },
  });
  expect(idempotencyKeyFor(done, 'A', newKey)).toBe('key-3');
  // After an apply, the same request needs a new dry run before it can be applied again.
  expect(canApply(done, 'A')).toBe(false);

  const moved = flowReducer(failed, { type: 'requestChanged', requestKey: 'B' });
  expect(moved.idempotencyKey).toBeNull();
});

test('the last applied result stays shown when the request changes; a failure of an old request is dropped', () => {
  const done = run(
    { type: 'dryRunStarted', requestKey: 'A' },
    { type: 'dryRunDone', requestKey: 'A', result: dry },
    { type: 'applyStarted', requestKey: 'A', idempotencyKey: 'k' },
    { type: 'applyDone', requestKey: 'A', result: applied },
    { type: 'requestChanged', requestKey: 'B' },
  );
  expect(done.applied).toEqual({ requestKey: 'A', result: applied });
  const stale = flowReducer(done, {
    type: 'failed',
    requestKey: 'A',
    error: { during: 'dryRun', message: 'x' },
  });
  expect(stale).toBe(done);
});
