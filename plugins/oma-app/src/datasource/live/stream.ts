/**
 * A streaming query as an Observable (LoadingState.Streaming): the WebSocket channel with resume
 * (since/epoch), reconnection with backoff, `/query` polling when `auto` cannot use the socket,
 * and teardown on unsubscribe. Decisions live in connection.ts, data in views.ts; this file only
 * performs them. Sockets, tickets and `/query` come from `LiveTransport` (the data source).
 */
import {
  LoadingState,
  type DataFrame,
  type DataQueryResponse,
  type QueryResultMetaNotice,
} from '@grafana/data';
import { Observable } from 'rxjs';

import type { LiveMode, StreamingQuery } from '../types';
import {
  DEFAULT_CONNECTION_POLICY,
  INITIAL_CONNECTION,
  step,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionPolicy,
  type ConnectionState,
} from './connection';
import { advance, channelUrl, parseLiveMessage, type Cursor } from './messages';
import { createView } from './views';

/** The parts of a browser WebSocket the stream uses. */
export type SocketLike = Pick<WebSocket, 'onopen' | 'onmessage' | 'onclose' | 'onerror' | 'close'>;

export interface LiveTransport {
  /** A single-use ticket (POST /ws/tickets through Grafana's data proxy). */
  ticket(): Promise<string>;
  open(url: string): SocketLike;
  /** The same query through `POST /query` (history, current state, polling); rejects with an Error. */
  query(query: StreamingQuery): Promise<DataFrame[]>;
}

export interface LiveStreamOptions {
  query: StreamingQuery;
  mode: LiveMode;
  liveUrl?: string;
  pollIntervalMs: number;
  /** The page's address, for a live URL given as a path. */
  pageUrl: string;
  policy?: Partial<Omit<ConnectionPolicy, 'mode' | 'hasLiveUrl'>>;
  /**
   * Answers at most this often: a burst of messages (hundreds of jobs pushing each second) is
   * one panel update, not one per message. The first change is answered at once.
   */
  minEmitIntervalMs?: number;
  now?: () => number;
  random?: () => number;
}

/** What the frames' meta says about how they arrive (and what the panel header shows). */
export interface LiveMeta {
  transport: 'websocket' | 'polling' | 'connecting';
  reason: string | null;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const MIN_EMIT_INTERVAL_MS = 100;

export function liveStream(
  options: LiveStreamOptions,
  transport: LiveTransport,
): Observable<DataQueryResponse> {
  const { query, pollIntervalMs, minEmitIntervalMs = MIN_EMIT_INTERVAL_MS } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const policy: ConnectionPolicy = {
    ...DEFAULT_CONNECTION_POLICY,
    ...options.policy,
    mode: options.mode,
    hasLiveUrl: Boolean(options.liveUrl?.trim()),
  };

  return new Observable<DataQueryResponse>((subscriber) => {
    const view = createView(query);
    let state: ConnectionState = INITIAL_CONNECTION;
    let cursor: Cursor | null = null;
    let socket: SocketLike | null = null;
    /** Bumped for each connection attempt and on teardown: callbacks of older ones do nothing. */
    let generation = 0;
    let stopped = false;
    let ready = false;
    let error: string | null = null;
    let querying = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let sampleTimer: ReturnType<typeof setInterval> | undefined;
    let emitTimer: ReturnType<typeof setTimeout> | undefined;
    let lastEmitAt = -Infinity;

    const meta = (): LiveMeta => ({
      transport: state.polling ? 'polling' : state.socket === 'open' ? 'websocket' : 'connecting',
      reason: state.reason,
    });

    /** Answers now, or once the interval since the last answer is over (one answer for a burst). */
    const emit = () => {
      if (emitTimer !== undefined) {
        return;
      }
      const wait = lastEmitAt + minEmitIntervalMs - now();
      if (wait <= 0) {
        emitNow();
      } else {
        emitTimer = setTimeout(() => {
          emitTimer = undefined;
          emitNow();
        }, wait);
      }
    };

    const emitNow = () => {
      // Nothing before the first data or error: a panel shows "loading", not an empty table.
      if (stopped || (!ready && error === null)) {
        return;
      }
      lastEmitAt = now();
      const live = meta();
      const notices: QueryResultMetaNotice[] = [];
      if (live.transport === 'polling' && options.mode !== 'polling') {
        notices.push({
          severity: 'info',
          text: `Live updates by polling every ${pollIntervalMs / 1000} s: the WebSocket is unavailable (${live.reason}).`,
        });
      } else if (live.transport === 'connecting' && live.reason !== null) {
        // What the panel shows may be stale until the socket is back.
        notices.push({ severity: 'warning', text: `Live updates paused, reconnecting: ${live.reason}.` });
      }
      const data = view.frames().map((frame) => {
        frame.meta = { ...frame.meta, custom: { ...frame.meta?.custom, live }, notices };
        return frame;
      });
      subscriber.next({
        key: `oma-live-${query.refId}`,
        state: LoadingState.Streaming,
        data,
        errors: error === null ? undefined : [{ refId: query.refId, message: error }],
      });
    };

    /** `/query` for this query: history, resync, polling. One at a time. */
    const readServer = () => {
      if (querying) {
        return;
      }
      querying = true;
      transport.query(query).then(
        (frames) => {
          querying = false;
          if (stopped) {
            return;
          }
          view.load(frames);
          ready = true;
          error = null;
          emit();
        },
        (err: unknown) => {
          querying = false;
          if (stopped) {
            return;
          }
          error = messageOf(err);
          emit();
        },
      );
    };

    const onMessage = (text: unknown) => {
      const message = parseLiveMessage(text);
      if (!message) {
        return;
      }
      const moved = advance(cursor, message);
      cursor = moved.cursor;
      if (!moved.fresh) {
        return;
      }
      if (message.type === 'resync' && view.readsHistory) {
        // The gap is no longer held: what was missed is read again from history.
        readServer();
      }
      if (view.apply(message) || message.type === 'snapshot') {
        ready = true;
        emit();
      }
    };

    const connect = () => {
      const attempt = ++generation;
      const failed = (reason: string) => {
        if (attempt === generation && !stopped) {
          socket = null;
          dispatch({ type: 'closed', at: now(), reason });
        }
      };
      transport.ticket().then(
        (ticket) => {
          if (attempt !== generation || stopped) {
            return;
          }
          let opened: SocketLike;
          try {
            const vm = query.queryType === 'liveProgress' ? query.vm : undefined;
            const job = query.queryType === 'liveProgress' ? query.job : undefined;
            opened = transport.open(
              channelUrl(options.liveUrl ?? '', view.channel, { ticket, cursor, vm, job }, options.pageUrl),
            );
          } catch (err) {
            failed(messageOf(err));
            return;
          }
          socket = opened;
          opened.onopen = () => {
            if (attempt === generation && !stopped) {
              dispatch({ type: 'opened', at: now() });
            }
          };
          opened.onmessage = (event) => {
            if (attempt === generation && !stopped) {
              onMessage(event.data);
            }
          };
          // An error is always followed by a close.
          opened.onerror = () => undefined;
          opened.onclose = (event) =>
            failed(`closed with code ${event.code}${event.reason ? `: ${event.reason}` : ''}`);
        },
        (err: unknown) => failed(`no ticket: ${messageOf(err)}`),
      );
    };

    const perform = (effect: ConnectionEffect) => {
      switch (effect.type) {
        case 'connect':
          connect();
          break;
        case 'retryAfter':
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => dispatch({ type: 'retry' }), effect.delayMs);
          break;
        case 'startPolling':
          readServer();
          clearInterval(pollTimer);
          pollTimer = setInterval(readServer, pollIntervalMs);
          break;
        case 'stopPolling':
          clearInterval(pollTimer);
          pollTimer = undefined;
          break;
        case 'fail':
          error = effect.message;
          break;
      }
    };

    function dispatch(event: ConnectionEvent) {
      const before = meta();
      const next = step(state, event, policy, random);
      state = next.state;
      next.effects.forEach(perform);
      const after = meta();
      if (before.transport !== after.transport || before.reason !== after.reason) {
        emit();
      }
    }

    dispatch({ type: 'start' });
    if (view.readsHistory && !state.polling) {
      readServer();
    }
    if (view.sampleEveryMs !== null) {
      sampleTimer = setInterval(() => {
        view.sample(now());
        ready = true;
        emit();
      }, view.sampleEveryMs);
    }

    return () => {
      stopped = true;
      generation++;
      clearTimeout(retryTimer);
      clearTimeout(emitTimer);
      clearInterval(pollTimer);
      clearInterval(sampleTimer);
      socket?.close(1000, 'unsubscribed');
      socket = null;
    };
  });
}
