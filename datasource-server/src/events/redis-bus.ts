// The event bus shared by several instances: one Redis stream per live channel. Publishing appends
// to the stream; every instance reads every stream (XREAD BLOCK on its own connection) and hands
// the entries to its listeners, so all instances deliver the same events in the same order.
//
// seq and epoch: a channel's seq is its stream entry id (`<seq>-0`), taken from a counter in one
// Redis hash by the same script that appends, so every instance sees the same numbers. The
// epoch lives in that hash too; when Redis loses it (a restart without persistence) the next
// script run starts a new epoch and empties the streams, so an old (epoch, seq) can never point
// at different events. A stream keeps about LIVE_REPLAY_BUFFER entries (MAXLEN ~), so any
// instance can replay what a client missed on another one (XRANGE).
//
// While Redis is unreachable, publishing refuses events (counted as dropped, never queued: the
// database keeps the state and clients re-read it by resync); health says degraded.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  CHANNEL_OF,
  type BusEvent,
  type BusReplay,
  type BusState,
  type EventBus,
  type LiveChannel,
  type LiveEventMap,
  type LiveEventType,
  type Listener,
  type StreamPosition,
} from './bus';

export interface RedisBusOptions {
  url: string;
  /** Prefix of every key, so that several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** Entries each stream keeps at least (MAXLEN ~). */
  maxLength: number;
  /** The outage is logged once (error) and the return once (info): one line each. */
  log: { info(message: string): void; error(message: string): void };
}

const CHANNELS: readonly LiveChannel[] = ['progress', 'notifications', 'system-health'];
/** How long one XREAD waits for entries before it is issued again. */
const BLOCK_MS = 5000;
/** A command not answered by then fails (a publish is then counted as dropped). */
const COMMAND_TIMEOUT_MS = 5000;
/** Pause after a failed read on a connection that is still up, so that an error cannot spin. */
const RETRY_READ_MS = 500;

// KEYS[1] the state hash (epoch, and per stream key its last seq); KEYS[2..] the channels' streams.
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', unpack(KEYS))
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
`;

/** Returns the epoch and every stream's last seq. ARGV[1]: a new epoch, used if none is set. */
const POSITIONS = `${ENSURE_EPOCH}
local result = { epoch }
for i = 2, #KEYS do
  result[i] = tonumber(redis.call('HGET', KEYS[1], KEYS[i]) or '0')
end
return result
`;

/** Appends one event. ARGV: new epoch, stream index in KEYS, max length, type, timestamp, data. */
const APPEND = `${ENSURE_EPOCH}
local key = KEYS[tonumber(ARGV[2])]
local seq = redis.call('HINCRBY', KEYS[1], key, 1)
redis.call('XADD', key, 'MAXLEN', '~', ARGV[3], seq .. '-0',
  'epoch', epoch, 'type', ARGV[4], 'timestamp', ARGV[5], 'data', ARGV[6])
return { epoch, seq }
`;

type StreamEntry = [id: string, fields: string[]];

interface Scripts {
  omiPositions(...args: string[]): Promise<[string, ...number[]]>;
  omiAppend(...args: string[]): Promise<[string, number]>;
}

const newEpoch = () => randomBytes(8).toString('hex');

/** host:port of a Redis URL: what logs and health may show (never the password). */
export function redisAddress(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || 6379}`;
  } catch {
    return 'redis (unparsable REDIS_URL)';
  }
}

export class RedisEventBus implements EventBus {
  /** Publishing and queries; refuses commands at once while disconnected. */
  readonly redis: Redis & Scripts;
  /** XREAD BLOCK holds its connection. */
  private readonly reader: Redis & Scripts;
  private readonly keys: { state: string; streams: Record<LiveChannel, string> };
  private readonly listeners = new Set<Listener>();
  private readonly address: string;
  /** The epoch being read and, per channel, the last entry delivered. */
  private epoch: string | null = null;
  private lastIds: Record<LiveChannel, string> = {
    progress: '0-0',
    notifications: '0-0',
    'system-health': '0-0',
  };
  private lagMs: number | null = null;
  private dropped = 0;
  private problem: string | null = null;
  private closing = false;
  private readonly loop: Promise<void>;
  /** Resolves once both connections are up and the streams are read; rejects if the first read fails. */
  readonly started: Promise<void>;

  constructor(private readonly options: RedisBusOptions) {
    this.address = redisAddress(options.url);
    const connection = {
      // Fail commands at once while disconnected instead of queueing them (nothing waits on Redis).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    };
    // A Redis that stops answering must not hold publishers (the ingest route waits for publish).
    this.redis = new Redis(options.url, {
      ...connection,
      connectionName: 'omi-bus',
      commandTimeout: COMMAND_TIMEOUT_MS,
    }) as Redis & Scripts;
    this.reader = new Redis(options.url, {
      ...connection,
      connectionName: 'omi-bus-reader',
      commandTimeout: BLOCK_MS + COMMAND_TIMEOUT_MS,
    }) as Redis & Scripts;
    for (const client of [this.redis, this.reader]) {
      client.on('error', (err: Error) => this.lost(err.message));
      client.on('close', () => this.lost('connection closed'));
      client.on('ready', () => this.regained());
    }
    this.redis.defineCommand('omiPositions', { numberOfKeys: 1 + CHANNELS.length, lua: POSITIONS });
    this.redis.defineCommand('omiAppend', { numberOfKeys: 1 + CHANNELS.length, lua: APPEND });
    this.reader.defineCommand('omiPositions', { numberOfKeys: 1 + CHANNELS.length, lua: POSITIONS });
    const live = `${options.prefix}live:`;
    this.keys = {
      state: `${live}state`,
      streams: {
        progress: `${live}progress`,
        notifications: `${live}notifications`,
        'system-health': `${live}system-health`,
      },
    };
    let first: { resolve: () => void; reject: (err: Error) => void } | null = null;
    const reading = new Promise<void>((resolve, reject) => (first = { resolve, reject }));
    this.started = Promise.all([reading, this.untilReady(this.redis)]).then(() => undefined);
    this.started.catch(() => undefined);
    // Unreachable at start: say so at once (the server starts degraded) and keep trying.
    this.reader.once('error', (err: Error) => first?.reject(err));
    this.loop = this.read(() => first?.resolve());
  }

  private get allKeys(): string[] {
    return [this.keys.state, ...CHANNELS.map((c) => this.keys.streams[c])];
  }

  async publish<K extends LiveEventType>(type: K, data: LiveEventMap[K]): Promise<void> {
    const channel = CHANNEL_OF[type];
    try {
      await this.redis.omiAppend(
        ...this.allKeys,
        newEpoch(),
        String(2 + CHANNELS.indexOf(channel)),
        String(this.options.maxLength),
        type,
        new Date().toISOString(),
        JSON.stringify(data),
      );
      if (this.problem !== null) this.regained();
    } catch (err) {
      this.dropped += 1;
      this.lost((err as Error).message);
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async position(channel: LiveChannel): Promise<StreamPosition> {
    const [epoch, ...seqs] = await this.redis.omiPositions(...this.allKeys, newEpoch());
    return { epoch, seq: Number(seqs[CHANNELS.indexOf(channel)]) };
  }

  async history(channel: LiveChannel, epoch: string, since: number, to?: number): Promise<BusReplay> {
    const stream = this.keys.streams[channel];
    const result = await this.redis
      .multi()
      .hmget(this.keys.state, 'epoch', stream)
      .xrange(stream, `${since + 1}-0`, to === undefined ? '+' : `${to}-0`)
      .exec();
    const [[stateErr, state], [rangeErr, range]] = result as [
      [Error | null, (string | null)[]],
      [Error | null, StreamEntry[]],
    ];
    if (stateErr || rangeErr) throw stateErr ?? rangeErr;
    if (state[0] !== epoch) return { kind: 'resync', reason: 'epoch_changed' };
    if (since > Number(state[1] ?? 0)) return { kind: 'resync', reason: 'seq_ahead' };
    const events = range.map((entry) => this.decode(entry));
    const expected = to === undefined ? Number(state[1] ?? 0) - since : to - since;
    const contiguous = events.every((e, i) => e.position!.seq === since + 1 + i);
    if (events.length !== expected || !contiguous) return { kind: 'resync', reason: 'gap_not_held' };
    return { kind: 'replay', events };
  }

  async check(): Promise<BusState> {
    const connected = this.redis.status === 'ready' && this.reader.status === 'ready';
    const ok = connected && this.problem === null;
    const message = ok
      ? `redis ${this.address}, epoch ${this.epoch}`
      : `Redis ${this.address} unreachable (${this.problem ?? this.redis.status}); events are dropped until it returns`;
    return {
      ok,
      mode: 'redis',
      connected,
      message,
      dropped: this.dropped,
      last_ids: { ...this.lastIds },
      lag_ms: this.lagMs,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.listeners.clear();
    this.reader.disconnect();
    this.redis.disconnect();
    await this.loop;
  }

  /** Logs the loss once per outage; health reports it until Redis answers again. */
  private lost(reason: string) {
    if (this.closing) return;
    if (this.problem === null) {
      this.options.log.error(
        `event bus: Redis ${this.address} unreachable (${reason}); live events are dropped until it returns`,
      );
    }
    this.problem = reason;
  }

  private regained() {
    if (this.problem === null || this.closing) return;
    if (this.redis.status !== 'ready' || this.reader.status !== 'ready') return;
    this.problem = null;
    this.options.log.info(
      `event bus: Redis ${this.address} reachable again (${this.dropped} events dropped in all)`,
    );
  }

  /** Reads every channel's stream from where this instance stands, until closed. */
  private async read(onStarted: () => void) {
    let synced = false;
    while (!this.closing) {
      try {
        if (!synced) {
          await this.untilReady(this.reader);
          if (this.closing) break;
          await this.sync();
          synced = true;
          onStarted();
        }
        const reply = (await this.reader.xread(
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...CHANNELS.map((c) => this.keys.streams[c]),
          ...CHANNELS.map((c) => this.lastIds[c]),
        )) as [string, StreamEntry[]][] | null;
        for (const [key, entries] of reply ?? []) {
          const channel = CHANNELS.find((c) => this.keys.streams[c] === key)!;
          for (const entry of entries) this.deliver(channel, entry);
        }
      } catch (err) {
        if (this.closing) break;
        this.lost((err as Error).message);
        // After a reconnect, the epoch may have changed (Redis restarted without its data).
        synced = false;
        await new Promise((resolve) => setTimeout(resolve, RETRY_READ_MS));
        await this.untilReady(this.reader);
      }
    }
  }

  /**
   * Where to read from: at start, after the newest entries (history stays in Redis for replay);
   * after an outage, where this instance left off, unless Redis began a new epoch meanwhile.
   */
  private async sync() {
    const [epoch, ...seqs] = await this.reader.omiPositions(...this.allKeys, newEpoch());
    if (this.epoch === null) {
      CHANNELS.forEach((c, i) => (this.lastIds[c] = `${seqs[i]}-0`));
    } else if (epoch !== this.epoch) {
      CHANNELS.forEach((c) => (this.lastIds[c] = '0-0'));
    }
    this.epoch = epoch;
    this.regained();
  }

  private deliver(channel: LiveChannel, entry: StreamEntry) {
    this.lastIds[channel] = entry[0];
    let event: BusEvent;
    try {
      event = this.decode(entry);
    } catch (err) {
      this.options.log.error(
        `event bus: unreadable entry ${entry[0]} of the ${channel} stream skipped (${(err as Error).message})`,
      );
      return;
    }
    this.lagMs = Math.max(0, Date.now() - Date.parse(event.timestamp));
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.log.error(`event bus: a listener failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }

  private decode([id, fields]: StreamEntry): BusEvent {
    const value: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]] = fields[i + 1];
    return {
      type: value.type,
      timestamp: value.timestamp,
      data: JSON.parse(value.data),
      position: { epoch: value.epoch, seq: Number(id.split('-')[0]) },
    } as BusEvent;
  }

  private untilReady(client: Redis): Promise<void> {
    if (client.status === 'ready' || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        client.off('ready', done);
        client.off('end', done);
        resolve();
      };
      client.on('ready', done);
      client.on('end', done);
    });
  }
}
