// Fan-out of bus events to the sockets of each channel. Every event is numbered once per channel
// and serialized once, whatever the number of clients. A client that cannot keep up is closed
// (never buffered without bound), a peer that stops answering pings is ended.
import type { WebSocket } from 'ws';
import { CHANNEL_OF, type LiveChannel, type LiveEvent } from '../events/bus';
import type { LiveConfig } from '../config';
import { ChannelLog, type LiveMessage } from './channel-log';
import { passes, type ProgressFilter } from './filters';

export const LIVE_CHANNELS: readonly LiveChannel[] = ['progress', 'notifications', 'system-health'];

/** Close codes a client can act on (4000-4999 is the application range). */
export const CLOSE = {
  /** Its send buffer passed LIVE_MAX_BUFFERED_BYTES: reconnect with since/epoch. */
  tooSlow: { code: 4008, reason: 'too slow; reconnect with since' },
  /** The opening snapshot could not be read: reconnect. */
  snapshotFailed: { code: 1011, reason: 'snapshot unavailable; reconnect' },
  /** The server is stopping: reconnect with since/epoch (another instance, or after restart). */
  shutdown: { code: 1001, reason: 'server shutting down; reconnect with since' },
} as const;

export interface LiveClient {
  readonly channel: LiveChannel;
  readonly socket: WebSocket;
  readonly filter: ProgressFilter;
  /** Messages held back while the opening snapshot is read; null once it was sent. */
  pending: LiveMessage[] | null;
  alive: boolean;
  closed: boolean;
}

type Limits = Pick<LiveConfig, 'replayBuffer' | 'heartbeatMs' | 'maxBufferedBytes'>;

/** Why the server ended a client; counted for /metrics. `backlog`: too many held during its opening. */
export type EndReason = 'too_slow' | 'backlog' | 'no_pong';

export class LiveHub {
  readonly logs: Record<LiveChannel, ChannelLog>;
  private readonly clients: Record<LiveChannel, Set<LiveClient>>;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly epoch: string,
    private readonly limits: Limits,
    private readonly onEnded: (channel: LiveChannel, reason: EndReason) => void = () => {},
  ) {
    this.logs = {
      progress: new ChannelLog(epoch, limits.replayBuffer),
      notifications: new ChannelLog(epoch, limits.replayBuffer),
      'system-health': new ChannelLog(epoch, limits.replayBuffer),
    };
    this.clients = { progress: new Set(), notifications: new Set(), 'system-health': new Set() };
    this.heartbeat = setInterval(() => this.beat(), limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get connections(): number {
    return LIVE_CHANNELS.reduce((n, channel) => n + this.clients[channel].size, 0);
  }

  clientsOf(channel: LiveChannel): number {
    return this.clients[channel].size;
  }

  /** Synchronous, so that no event published from here on can pass the client by. */
  attach(channel: LiveChannel, socket: WebSocket, filter: ProgressFilter): LiveClient {
    const client: LiveClient = { channel, socket, filter, pending: [], alive: true, closed: false };
    this.clients[channel].add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => this.detach(client));
    return client;
  }

  publish(event: LiveEvent) {
    const channel = CHANNEL_OF[event.type];
    const message = this.logs[channel].append(event);
    if (this.clients[channel].size === 0) return;
    const text = JSON.stringify(message);
    for (const client of this.clients[channel]) this.deliver(client, message, text);
  }

  /** A message outside the numbered history (snapshot, resync), carrying the seq to resume from. */
  control(channel: LiveChannel, type: 'snapshot' | 'resync', data: unknown): LiveMessage {
    return {
      type,
      seq: this.logs[channel].lastSeq,
      epoch: this.epoch,
      timestamp: new Date().toISOString(),
      data,
    };
  }

  /** Sends `opening` (snapshot, replay, resync), then what arrived meanwhile; from then on live. */
  open(client: LiveClient, opening: LiveMessage[]) {
    const held = client.pending ?? [];
    client.pending = null;
    for (const message of [...opening, ...held]) {
      if (passes(message, client.filter)) this.send(client, JSON.stringify(message));
    }
  }

  close(client: LiveClient, { code, reason }: { code: number; reason: string }) {
    if (client.closed) return;
    this.detach(client);
    client.socket.close(code, reason);
    // A stalled peer never reads the close frame: do not hold its buffer for ws's 30 s.
    setTimeout(() => client.socket.terminate(), this.limits.heartbeatMs).unref();
  }

  stop() {
    clearInterval(this.heartbeat);
    for (const channel of LIVE_CHANNELS) {
      for (const client of this.clients[channel]) this.close(client, CLOSE.shutdown);
    }
  }

  private detach(client: LiveClient) {
    client.closed = true;
    this.clients[client.channel].delete(client);
  }

  private deliver(client: LiveClient, message: LiveMessage, text: string) {
    if (!passes(message, client.filter)) return;
    if (client.pending === null) {
      this.send(client, text);
    } else if (client.pending.push(message) > this.limits.replayBuffer) {
      this.endSlow(client, 'backlog');
    }
  }

  private send(client: LiveClient, text: string) {
    if (client.closed) return;
    client.socket.send(text);
    if (client.socket.bufferedAmount > this.limits.maxBufferedBytes) this.endSlow(client);
  }

  private endSlow(client: LiveClient, reason: EndReason = 'too_slow') {
    this.close(client, CLOSE.tooSlow);
    this.onEnded(client.channel, reason);
  }

  private beat() {
    for (const channel of LIVE_CHANNELS) {
      for (const client of this.clients[channel]) {
        if (!client.alive) {
          this.detach(client);
          client.socket.terminate();
          this.onEnded(channel, 'no_pong');
          continue;
        }
        client.alive = false;
        client.socket.ping();
      }
    }
  }
}
