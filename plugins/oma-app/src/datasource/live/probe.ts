/**
 * "Save & test" for live updates: can this browser open a channel at the live URL? The answer an
 * admin needs is why not (wrong address, origin not allowed), so it comes with what to check.
 */
import type { SocketLike } from './stream';

export type LiveProbe = { ok: true } | { ok: false; reason: string };

export const PROBE_TIMEOUT_MS = 5000;

/** Opens one socket and waits for its first message (every channel opens with a snapshot). */
export function probeSocket(open: () => SocketLike, timeoutMs = PROBE_TIMEOUT_MS): Promise<LiveProbe> {
  return new Promise((resolve) => {
    let socket: SocketLike;
    const done = (result: LiveProbe) => {
      clearTimeout(timer);
      socket.onmessage = null;
      socket.onclose = null;
      socket.close(1000, 'probe done');
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    try {
      socket = open();
    } catch (err) {
      clearTimeout(timer);
      resolve({ ok: false, reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    socket.onmessage = () => done({ ok: true });
    // A refused upgrade (origin, ticket) reaches a browser only as a close, usually 1006.
    socket.onclose = (event) =>
      done({
        ok: false,
        reason: `the socket closed with code ${event.code}${event.reason ? ` (${event.reason})` : ''}`,
      });
  });
}
