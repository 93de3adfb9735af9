import {
  backoffDelay,
  DEFAULT_CONNECTION_POLICY,
  INITIAL_CONNECTION,
  step,
  type ConnectionEvent,
  type ConnectionPolicy,
  type ConnectionState,
} from './connection';

const policy = (overrides: Partial<ConnectionPolicy> = {}): ConnectionPolicy => ({
  ...DEFAULT_CONNECTION_POLICY,
  mode: 'auto',
  hasLiveUrl: true,
  ...overrides,
});
const half = () => 0.5;

/** Runs events from the initial state; returns every state and the effects' types in order. */
function run(events: ConnectionEvent[], p = policy(), random = half) {
  let state: ConnectionState = INITIAL_CONNECTION;
  const effects: string[] = [];
  const delays: number[] = [];
  for (const event of events) {
    const next = step(state, event, p, random);
    state = next.state;
    for (const e of next.effects) {
      effects.push(e.type);
      if (e.type === 'retryAfter') {
        delays.push(e.delayMs);
      }
    }
  }
  return { state, effects, delays };
}

describe('backoffDelay', () => {
  const p = { baseMs: 1000, maxMs: 30_000 };

  test('doubles per attempt up to the cap, half fixed and half random', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, p, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, p, () => 0))).toEqual([500, 1000, 2000]);
  });

  test('the jitter spreads retries between half the delay and the delay', () => {
    const delays = [0, 0.1, 0.37, 0.8, 0.999].map((r) => backoffDelay(3, p, () => r));
    expect(new Set(delays).size).toBe(5);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  test('a huge attempt count stays at the cap (no Infinity, no NaN)', () => {
    expect(backoffDelay(10_000, p, () => 1)).toBe(30_000);
    expect(backoffDelay(0, p, () => 1)).toBe(1000);
  });
});

describe('the connection state machine', () => {
  test('connects at start; an open socket is the transport', () => {
    const { state, effects } = run([{ type: 'start' }, { type: 'opened', at: 0 }]);
    expect(effects).toEqual(['connect']);
    expect(state).toMatchObject({ socket: 'open', polling: false, failures: 0, everOpened: true });
  });

  test('a dropped socket reconnects after a backoff that grows while it keeps failing', () => {
    const p = policy({ mode: 'websocket' });
    const { state, effects, delays } = run(
      [
        { type: 'start' },
        { type: 'opened', at: 0 },
        { type: 'closed', at: 100, reason: 'closed with code 1006' },
        { type: 'retry' },
        { type: 'closed', at: 200, reason: 'no ticket' },
        { type: 'retry' },
        { type: 'closed', at: 300, reason: 'no ticket' },
        { type: 'retry' },
        { type: 'closed', at: 400, reason: 'no ticket' },
      ],
      p,
    );
    expect(effects).toEqual([
      'connect',
      'retryAfter',
      'connect',
      'retryAfter',
      'connect',
      'retryAfter',
      'connect',
      'retryAfter',
    ]);
    expect(delays).toEqual([750, 1500, 3000, 6000]);
    // websocket mode never polls.
    expect(state).toMatchObject({ socket: 'waiting', polling: false, failures: 4, reason: 'no ticket' });
  });

  test('auto: a socket that cannot be opened at all falls back to polling at once, and keeps trying', () => {
    const { state, effects } = run([
      { type: 'start' },
      { type: 'closed', at: 5, reason: 'closed with code 1006' },
      { type: 'retry' },
      { type: 'closed', at: 10, reason: 'closed with code 1006' },
    ]);
    expect(effects).toEqual(['connect', 'startPolling', 'retryAfter', 'connect', 'retryAfter']);
    expect(state).toMatchObject({ polling: true, socket: 'waiting' });
  });

  test('auto: a socket that worked polls only after repeated failures, and returns when it opens', () => {
    const events: ConnectionEvent[] = [
      { type: 'start' },
      { type: 'opened', at: 0 },
      { type: 'closed', at: 50_000, reason: 'server restart' },
      { type: 'retry' },
      { type: 'closed', at: 50_100, reason: 'refused' },
    ];
    const two = run(events);
    expect(two.effects).not.toContain('startPolling');
    expect(two.state.failures).toBe(2);

    const three = run([...events, { type: 'retry' }, { type: 'closed', at: 50_200, reason: 'refused' }]);
    expect(three.effects.filter((e) => e === 'startPolling')).toHaveLength(1);
    expect(three.state.polling).toBe(true);

    const back = run([
      ...events,
      { type: 'retry' },
      { type: 'closed', at: 50_200, reason: 'refused' },
      { type: 'retry' },
      { type: 'opened', at: 60_000 },
    ]);
    expect(back.effects.slice(-1)).toEqual(['stopPolling']);
    expect(back.state).toMatchObject({ polling: false, socket: 'open', reason: null });
  });

  test('a socket that opens and drops at once keeps counting failures; a stable one starts again', () => {
    const flapping: ConnectionEvent[] = [{ type: 'start' }];
    for (let i = 0; i < 3; i++) {
      flapping.push({ type: 'opened', at: i * 1000 }, { type: 'closed', at: i * 1000 + 10, reason: 'drop' });
      flapping.push({ type: 'retry' });
    }
    const flap = run(flapping);
    expect(flap.state.failures).toBe(3);
    expect(flap.state.polling).toBe(true);

    const stable = run([
      { type: 'start' },
      { type: 'opened', at: 0 },
      { type: 'closed', at: 10, reason: 'drop' },
      { type: 'retry' },
      { type: 'opened', at: 20 },
      { type: 'closed', at: 20 + DEFAULT_CONNECTION_POLICY.stableAfterMs, reason: 'drop' },
    ]);
    expect(stable.state.failures).toBe(1);
    expect(stable.delays).toEqual([750, 750]);
  });

  test('polling mode polls and never opens a socket', () => {
    const { state, effects } = run([{ type: 'start' }], policy({ mode: 'polling' }));
    expect(effects).toEqual(['startPolling']);
    expect(state.socket).toBe('idle');
  });

  test('without a live URL: auto polls, websocket fails with what to set', () => {
    expect(run([{ type: 'start' }], policy({ hasLiveUrl: false })).effects).toEqual(['startPolling']);
    const p = policy({ mode: 'websocket', hasLiveUrl: false });
    const next = step(INITIAL_CONNECTION, { type: 'start' }, p, half);
    expect(next.effects).toEqual([{ type: 'fail', message: expect.stringContaining('no live URL') }]);
    expect(next.state.socket).toBe('idle');
  });

  test('late events change nothing: a close while waiting, a retry while open', () => {
    const waiting = run(
      [{ type: 'start' }, { type: 'closed', at: 1, reason: 'x' }],
      policy({ mode: 'websocket' }),
    );
    const again = step(waiting.state, { type: 'closed', at: 2, reason: 'y' }, policy(), half);
    expect(again).toEqual({ state: waiting.state, effects: [] });
    const open = run([{ type: 'start' }, { type: 'opened', at: 0 }]);
    expect(step(open.state, { type: 'retry' }, policy(), half)).toEqual({ state: open.state, effects: [] });
  });
});
