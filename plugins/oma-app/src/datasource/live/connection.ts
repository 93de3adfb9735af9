/**
 * The live connection's decisions, as a pure state machine: when to (re)connect the WebSocket, how
 * long to wait (exponential backoff with jitter), when `auto` falls back to polling and when it
 * returns to the socket. The stream driver performs the effects; no timers or sockets here.
 */
import type { LiveMode } from '../types';

export interface BackoffPolicy {
  /** First retry waits between half of this and this. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

/**
 * "Equal jitter": half the exponential delay is fixed, half random, so retries never come in a
 * burst and many browsers that lost the server together do not return in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 31) - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface ConnectionPolicy extends BackoffPolicy {
  mode: LiveMode;
  /** Without a live URL the browser cannot reach the server's sockets. */
  hasLiveUrl: boolean;
  /** `auto`: failed attempts in a row (after the socket once worked) before polling takes over. */
  failuresBeforePolling: number;
  /** A socket open at least this long had worked: its closing starts the count again. */
  stableAfterMs: number;
}

export const DEFAULT_CONNECTION_POLICY: Omit<ConnectionPolicy, 'mode' | 'hasLiveUrl'> = {
  baseMs: 1000,
  maxMs: 30_000,
  failuresBeforePolling: 3,
  stableAfterMs: 10_000,
};

export interface ConnectionState {
  socket: 'idle' | 'connecting' | 'open' | 'waiting';
  polling: boolean;
  /** Failed attempts in a row. */
  failures: number;
  everOpened: boolean;
  openedAt: number | null;
  /** Why the socket is not open, for the panel's notice. */
  reason: string | null;
}

export type ConnectionEvent =
  | { type: 'start' }
  /** The socket is open (the server accepted the ticket and the upgrade). */
  | { type: 'opened'; at: number }
  /** The socket closed, or could not be opened (no ticket, refused upgrade, network). */
  | { type: 'closed'; at: number; reason: string }
  /** The backoff delay is over. */
  | { type: 'retry' };

export type ConnectionEffect =
  | { type: 'connect' }
  | { type: 'retryAfter'; delayMs: number }
  | { type: 'startPolling' }
  | { type: 'stopPolling' }
  /** The configuration cannot work (websocket mode without a live URL). */
  | { type: 'fail'; message: string };

export const INITIAL_CONNECTION: ConnectionState = {
  socket: 'idle',
  polling: false,
  failures: 0,
  everOpened: false,
  openedAt: null,
  reason: null,
};

export interface Step {
  state: ConnectionState;
  effects: ConnectionEffect[];
}

export function step(
  state: ConnectionState,
  event: ConnectionEvent,
  policy: ConnectionPolicy,
  random: () => number,
): Step {
  switch (event.type) {
    case 'start': {
      if (policy.mode === 'polling') {
        return {
          state: { ...state, polling: true, reason: 'polling mode' },
          effects: [{ type: 'startPolling' }],
        };
      }
      if (!policy.hasLiveUrl) {
        const reason = 'no live URL is configured';
        return policy.mode === 'auto'
          ? { state: { ...state, polling: true, reason }, effects: [{ type: 'startPolling' }] }
          : {
              state: { ...state, reason },
              effects: [
                {
                  type: 'fail',
                  message:
                    'Live mode is WebSocket but the data source has no live URL: set it in the data source settings, or choose Auto or Polling.',
                },
              ],
            };
      }
      return { state: { ...state, socket: 'connecting' }, effects: [{ type: 'connect' }] };
    }
    case 'opened': {
      const next = { ...state, socket: 'open' as const, everOpened: true, openedAt: event.at, reason: null };
      return state.polling
        ? { state: { ...next, polling: false }, effects: [{ type: 'stopPolling' }] }
        : { state: next, effects: [] };
    }
    case 'closed': {
      if (state.socket === 'idle' || state.socket === 'waiting') {
        return { state, effects: [] };
      }
      const wasStable = state.openedAt !== null && event.at - state.openedAt >= policy.stableAfterMs;
      const failures = wasStable ? 1 : state.failures + 1;
      const next: ConnectionState = {
        ...state,
        socket: 'waiting',
        failures,
        openedAt: null,
        reason: event.reason,
      };
      const effects: ConnectionEffect[] = [];
      const fallBack =
        policy.mode === 'auto' &&
        !state.polling &&
        (!state.everOpened || failures >= policy.failuresBeforePolling);
      if (fallBack) {
        next.polling = true;
        effects.push({ type: 'startPolling' });
      }
      effects.push({ type: 'retryAfter', delayMs: backoffDelay(failures, policy, random) });
      return { state: next, effects };
    }
    case 'retry':
      return state.socket === 'waiting'
        ? { state: { ...state, socket: 'connecting' }, effects: [{ type: 'connect' }] }
        : { state, effects: [] };
  }
}
