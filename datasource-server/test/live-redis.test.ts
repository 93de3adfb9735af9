// Several instances: two servers on one database and one Redis, events through Redis Streams.
// Real sockets, real Redis (REDIS_TEST_URL, default 127.0.0.1:6379) under a key prefix of this
// run only, deleted afterwards; the outage test runs a redis-server of its own and kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { REDIS_LOCK_TTL_MS, useRedisForLocks, withDatabaseLock } from '../src/db/lock';
import type { BusEvent, NotificationEventData } from '../src/events/bus';
import { RedisEventBus } from '../src/events/redis-bus';
import type { LiveMessage } from '../src/live/channel-log';
import { newJobRow } from '../src/vm-contexts/new-job';
import {
  bearer,
  buildTestApp,
  openTarget,
  TARGETS,
  type TestApp,
  type TestAppOptions,
  type TestStore,
} from './helper';
import { REDIS_TEST_URL } from './redis-check';

const REPLAY_BUFFER = 16;
const tight: TestAppOptions['config'] = (c) => ({
  ...c,
  live: { ...c.live, replayBuffer: REPLAY_BUFFER },
});

const available = process.env.OMI_REDIS_AVAILABLE === '1';
/** Both dialects' way of sharing a database (SQLite: one file); attach modes add nothing here. */
const targets = available ? TARGETS.filter((t) => t === 'sqlite' || t === 'mysql') : [];

const runPrefix = () => `omi-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function deleteKeys(prefix: string, url = REDIS_TEST_URL) {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

interface Client {
  ws: WebSocket;
  messages: LiveMessage[];
}

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/ws`;
}

function open(base: string, path: string): Promise<Client> {
  const ws = new WebSocket(`${base}/${path}`, { headers: bearer('reader') });
  const messages: LiveMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

const notice = (n: number): NotificationEventData => ({
  severity: 'info',
  title: `n${n}`,
  message: 'm',
  source: 'test',
});
const titles = (messages: LiveMessage[]) =>
  messages.filter((m) => m.type === 'notification').map((m) => (m.data as NotificationEventData).title);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(targets)('two instances with Redis on %s', (target) => {
  const prefix = runPrefix();
  const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix };
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let baseB: string;
  const clients: Client[] = [];
  const connect = async (base: string, path: string) => {
    const client = await open(base, path);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    a = await buildTestApp(target, { vms: 2, days: 1 }, { env, config: tight });
    b = await buildTestApp(target, undefined, { env, config: tight, database: a });
    [baseA, baseB] = [await listen(a), await listen(b)];
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await deleteKeys(prefix);
  });

  test('health shows the Redis bus on both instances, with the same epoch', async () => {
    const epochs: string[] = [];
    for (const t of [a, b]) {
      const res = await t.app.inject({ url: '/api/v1/debug/health' });
      expect({ code: res.statusCode, reasons: res.json().reasons }).toEqual({ code: 200, reasons: [] });
      expect(res.json().checks.event_bus).toMatchObject({
        status: 'ok',
        message: expect.stringContaining('redis'),
        bus: { mode: 'redis', connected: true, dropped: 0 },
      });
      const epoch = /epoch (\w+)/.exec(res.json().checks.event_bus.message)![1];
      expect(res.json().checks.live.message).toContain(`epoch ${epoch}`);
      epochs.push(epoch);
    }
    expect(epochs[1]).toBe(epochs[0]);
  });

  test('an event ingested on one instance reaches the clients of both, in order, with the same seq and epoch', async () => {
    const [onA, onB] = [await connect(baseA, 'progress'), await connect(baseB, 'progress')];
    const [notesA, notesB] = [await connect(baseA, 'notifications'), await connect(baseB, 'notifications')];
    await until(() => [onA, onB, notesA, notesB].every((c) => c.messages.length === 1), 'snapshots');
    // Both instances open at the same place of the shared history.
    expect(onB.messages[0]).toMatchObject({
      type: 'snapshot',
      seq: onA.messages[0].seq,
      epoch: onA.messages[0].epoch,
    });
    expect(notesB.messages[0]).toMatchObject({
      seq: notesA.messages[0].seq,
      epoch: notesA.messages[0].epoch,
    });

    const vm = await a.store.db.selectFrom('vm_replication_contexts').selectAll().executeTakeFirstOrThrow();
    const jobId = `ha-${target}`;
    await a.store.db
      .insertInto('replication_jobs')
      .values(
        newJobRow(vm, jobId, a.store.time.toDb(Date.now()), { status: 'replicating', total_bytes: 1000 }),
      )
      .execute();
    for (const bytes of [100, 200, 300]) {
      const res = await a.app.inject({
        method: 'POST',
        url: `/api/v1/progress/${jobId}`,
        headers: bearer('ingest'),
        payload: { stage: 'Transfer', status: 'Streaming', bytes_transferred: bytes, total_bytes: 1000 },
      });
      expect(res.statusCode).toBe(200);
    }
    // Both instances publish, interleaved: one order for everybody.
    for (let n = 1; n <= 10; n++) await (n % 2 ? a : b).app.bus.publish('notification', notice(n));

    await until(() => onA.messages.length === 4 && onB.messages.length === 4, 'progress on both');
    await until(
      () => notesA.messages.length === 11 && notesB.messages.length === 11,
      'notifications on both',
    );
    expect(onB.messages).toEqual(onA.messages.map((m, i) => (i === 0 ? onB.messages[0] : m)));
    expect(
      onA.messages.slice(1).map((m) => [m.type, (m.data as { bytes_transferred: number }).bytes_transferred]),
    ).toEqual([
      ['progress_update', 100],
      ['progress_update', 200],
      ['progress_update', 300],
    ]);
    expect(notesB.messages.slice(1)).toEqual(notesA.messages.slice(1));
    expect(titles(notesA.messages)).toEqual(range(1, 10).map((n) => `n${n}`));
    const start = notesA.messages[0].seq;
    expect(notesA.messages.slice(1).map((m) => m.seq)).toEqual(range(start + 1, start + 10));
    expect(new Set(notesA.messages.map((m) => m.epoch)).size).toBe(1);
  });

  test('a client resumes on the other instance with since/epoch and gets exactly what it missed', async () => {
    const first = await connect(baseA, 'notifications');
    const watchB = await connect(baseB, 'notifications');
    await until(() => first.messages.length === 1 && watchB.messages.length === 1, 'the snapshots');
    for (let n = 1; n <= 3; n++) await a.app.bus.publish('notification', notice(100 + n));
    await until(() => first.messages.length === 4, 'three events');
    const last = first.messages.at(-1)!;
    first.ws.close();

    // More than B's own ring holds: the older part comes from the Redis stream, the rest from B.
    const missed = REPLAY_BUFFER + 8;
    for (let n = 1; n <= missed; n++) await (n % 3 ? a : b).app.bus.publish('notification', notice(200 + n));
    await until(() => titles(watchB.messages).includes(`n${200 + missed}`), 'B to deliver them');
    const resumed = await connect(baseB, `notifications?since=${last.seq}&epoch=${last.epoch}`);
    await until(() => resumed.messages.length === missed, 'the replay');
    expect(titles(resumed.messages)).toEqual(range(201, 200 + missed).map((n) => `n${n}`));
    expect(resumed.messages.map((m) => m.seq)).toEqual(range(last.seq + 1, last.seq + missed));
    expect(resumed.messages.every((m) => m.epoch === last.epoch)).toBe(true);

    // And live from there, without repeats.
    await b.app.bus.publish('notification', notice(999));
    await until(() => resumed.messages.length === missed + 1, 'the next live event');
    expect(resumed.messages.at(-1)).toMatchObject({ seq: last.seq + missed + 1, data: { title: 'n999' } });
  });

  test('an instance started after the last event a client saw resumes it from the stream, without resync', async () => {
    const onA = await connect(baseA, 'notifications');
    await until(() => onA.messages.length === 1, 'the snapshot');
    await a.app.bus.publish('notification', notice(301));
    await a.app.bus.publish('notification', notice(302));
    await until(() => onA.messages.length === 3, 'two events');
    const seen = onA.messages[1];
    // C has delivered nothing yet: its own history holds neither this epoch nor these events.
    const c = await buildTestApp(target, undefined, { env, config: tight, database: a });
    try {
      const resumed = await connect(await listen(c), `notifications?since=${seen.seq}&epoch=${seen.epoch}`);
      await until(() => resumed.messages.length === 1, 'the missed event');
      await b.app.bus.publish('notification', notice(303));
      await until(() => resumed.messages.length === 2, 'the next live event');
      expect(
        resumed.messages.map((m) => [m.type, m.seq, m.epoch, (m.data as NotificationEventData).title]),
      ).toEqual([
        ['notification', seen.seq + 1, seen.epoch, 'n302'],
        ['notification', seen.seq + 2, seen.epoch, 'n303'],
      ]);
    } finally {
      await c.dispose();
    }
  });

  test('beyond what Redis keeps, or from another epoch, or ahead of it: resync', async () => {
    const first = await connect(baseA, 'notifications');
    await until(() => first.messages.length === 1, 'the snapshot');
    await a.app.bus.publish('notification', notice(400));
    await until(() => first.messages.length === 2, 'one event');
    const last = first.messages[1];
    // MAXLEN ~ trims whole stream nodes (100 entries by default): well past them.
    for (let n = 1; n <= 400; n++) await b.app.bus.publish('notification', notice(400 + n));
    const redis = new Redis(REDIS_TEST_URL);
    const [[oldest]] = await redis.xrange(`${prefix}live:notifications`, '-', '+', 'COUNT', 1);
    redis.disconnect();
    expect(Number(oldest.split('-')[0])).toBeGreaterThan(last.seq + 1);

    const cases = [
      [`since=${last.seq}&epoch=${last.epoch}`, 'gap_not_held'],
      [`since=${last.seq}&epoch=not-this-one`, 'epoch_changed'],
      [`since=${last.seq + 100_000}&epoch=${last.epoch}`, 'seq_ahead'],
    ] as const;
    for (const [query, reason] of cases) {
      for (const base of [baseA, baseB]) {
        const c = await connect(base, `notifications?${query}`);
        await until(() => c.messages.length === 2, `resync (${reason})`);
        expect(c.messages[0]).toMatchObject({ type: 'resync', data: { reason } });
        expect(c.messages[1]).toMatchObject({ type: 'snapshot', epoch: last.epoch, seq: last.seq + 400 });
      }
    }
  });

  test('scheduled work runs on one instance at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runs: string[] = [];
    const name = `omi_test_${target}_lock`;
    const onA = withDatabaseLock(a.store, name, async () => {
      runs.push('a');
      await gate;
      return 'a';
    });
    await until(() => runs.length === 1, 'A holding the lock');
    // B's turn comes while A holds the lock: it skips (the next schedule tries again).
    expect(await withDatabaseLock(b.store, name, async () => runs.push('b'))).toBeNull();
    release();
    expect(await onA).toBe('a');
    expect(await withDatabaseLock(b.store, name, async () => runs.push('b'))).toBe(2);
    expect(runs).toEqual(['a', 'b']);
  });
});

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, without persistence (a restart loses everything). */
async function startRedis(port: number, password?: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...(password ? ['--requirepass', password] : []),
    ],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', { password, lazyConnect: true, retryStrategy: () => 50 });
  probe.on('error', () => undefined);
  await until(async () => (await probe.ping().catch(() => null)) === 'PONG', 'redis-server to answer');
  probe.disconnect();
  return child;
}

async function stopRedis(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe.each(available ? (['sqlite'] as const) : [])('losing Redis (%s)', (target) => {
  let port: number;
  let redis: ChildProcess | null = null;
  let t: TestApp;

  const restart = async () => {
    redis = await startRedis(port);
  };
  const stop = async () => {
    await stopRedis(redis!);
    redis = null;
  };

  const health = async () => {
    const res = await t.app.inject({ url: '/api/v1/debug/health' });
    return { code: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    port = await freePort();
    await restart();
    t = await buildTestApp(target, undefined, {
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: runPrefix() },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    if (redis) await stop();
  });

  test('health says degraded with the reason while Redis is down, events are counted as dropped, and it recovers', async () => {
    const base = await listen(t);
    const client = await open(base, 'notifications');
    await until(() => client.messages.length === 1, 'the snapshot');
    await t.app.bus.publish('notification', notice(1));
    await until(() => client.messages.length === 2, 'an event');
    const before = client.messages[1];
    expect((await health()).code).toBe(200);

    await stop();
    await until(async () => (await health()).code === 503, 'health to say degraded');
    const down = (await health()).body;
    expect(down.status).toBe('degraded');
    expect(down.reasons).toEqual([
      expect.stringMatching(new RegExp(`^event bus down: Redis 127\\.0\\.0\\.1:${port} unreachable`)),
    ]);
    expect(down.checks.event_bus).toMatchObject({ status: 'down', bus: { mode: 'redis', connected: false } });

    // Refused, and counted: never silently lost.
    expect((await t.app.inject({ url: '/metrics' })).body).toMatch(
      /^omi_events_dropped_total\{reason="bus_down"\} 0$/m,
    );
    await t.app.bus.publish('notification', notice(2));
    await t.app.bus.publish('notification', notice(3));
    expect((await health()).body.checks.event_bus.bus.dropped).toBe(2);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^omi_events_dropped_total\{reason="bus_down"\} 2$/m);

    // Redis comes back empty (no persistence): a new epoch, and events flow again.
    await restart();
    await until(async () => (await health()).code === 200, 'health to recover');
    expect((await health()).body.checks.event_bus).toMatchObject({
      status: 'ok',
      bus: { connected: true, dropped: 2 },
    });
    await t.app.bus.publish('notification', notice(4));
    await until(() => client.messages.length === 3, 'an event after the outage');
    expect(titles(client.messages)).toEqual(['n1', 'n4']);
    expect(client.messages[2]).toMatchObject({ seq: 1 });
    expect(client.messages[2].epoch).not.toBe(before.epoch);

    // A client resuming from before the outage learns that the old epoch is gone.
    const resumed = await open(base, `notifications?since=${before.seq}&epoch=${before.epoch}`);
    await until(() => resumed.messages.length === 2, 'resync');
    expect(resumed.messages[0]).toMatchObject({ type: 'resync', data: { reason: 'epoch_changed' } });
    expect(resumed.messages[1]).toMatchObject({ type: 'snapshot', seq: 1, epoch: client.messages[2].epoch });
    client.ws.terminate();
    resumed.ws.terminate();
  });
});

describe.each(available ? (['sqlite'] as const) : [])('Redis unreachable at start (%s)', (target) => {
  let port: number;
  let redis: ChildProcess | null = null;
  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    if (redis) await stopRedis(redis);
  });

  test('the server starts degraded, the bus logs the outage once, and both recover when Redis comes', async () => {
    const password = 'redis-secret-0123456789';
    const url = `redis://:${password}@127.0.0.1:${port}`;
    const lines: string[] = [];
    const bus = new RedisEventBus({
      url,
      prefix: runPrefix(),
      maxLength: 100,
      log: { info: (m) => lines.push(`info: ${m}`), error: (m) => lines.push(`error: ${m}`) },
    });
    const received: BusEvent[] = [];
    bus.subscribe((e) => received.push(e));
    const t = await buildTestApp(target, undefined, { env: { REDIS_URL: url, REDIS_PREFIX: runPrefix() } });
    try {
      await expect(bus.started).rejects.toThrow(/ECONNREFUSED/);
      const down = await t.app.inject({ url: '/api/v1/debug/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json().reasons).toEqual([expect.stringContaining(`Redis 127.0.0.1:${port} unreachable`)]);
      for (let n = 1; n <= 3; n++) await bus.publish('notification', notice(n));
      expect(await bus.check()).toMatchObject({ ok: false, connected: false, dropped: 3 });
      // Three refused publishes and the reconnect attempts: one line.
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^error: event bus: Redis 127\\.0\\.0\\.1:${port} unreachable`)),
      ]);

      redis = await startRedis(port, password);
      await until(async () => (await bus.check()).ok, 'the bus to connect');
      await until(
        async () => (await t.app.inject({ url: '/api/v1/debug/health' })).statusCode === 200,
        'the server to be healthy',
      );
      expect(lines).toEqual([
        expect.stringContaining('unreachable'),
        `info: event bus: Redis 127.0.0.1:${port} reachable again (3 events dropped in all)`,
      ]);
      await bus.publish('notification', notice(4));
      await until(() => received.length === 1, 'the event');
      expect(received[0]).toMatchObject({
        type: 'notification',
        data: { title: 'n4' },
        position: { seq: 1 },
      });
      const healthy = (await t.app.inject({ url: '/api/v1/debug/health' })).body;
      expect([...lines, down.body, healthy].join('\n')).not.toContain(password);
    } finally {
      await bus.close();
      await t.dispose();
    }
  });
});

describe.each(available ? (['sqlite'] as const) : [])('the Redis lock for scheduled work on %s', (target) => {
  const prefix = runPrefix();
  let redis: Redis;
  let opened: TestStore;
  let stopLocks: () => void;
  beforeAll(async () => {
    redis = new Redis(REDIS_TEST_URL);
    opened = await openTarget(target);
    stopLocks = useRedisForLocks({ redis, prefix });
  });
  afterAll(async () => {
    stopLocks?.();
    await opened?.dispose();
    await deleteKeys(prefix);
    redis?.disconnect();
  });

  test('expires unless renewed, and only its holder releases it', async () => {
    const key = `${prefix}lock:omi_test_job`;
    const result = await withDatabaseLock(opened.store, 'omi_test_job', async () => {
      const ttl = await redis.pttl(key);
      // A holder that dies stops renewing: its lock lapses after the TTL.
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(REDIS_LOCK_TTL_MS);
      // Say the holder stalled past the TTL and another instance took the lock meanwhile.
      await redis.set(key, 'another-holder');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await redis.get(key)).toBe('another-holder');
    expect(await withDatabaseLock(opened.store, 'omi_test_job', async () => 'ran')).toBeNull();
    await redis.del(key);
    expect(await withDatabaseLock(opened.store, 'omi_test_job', async () => 'ran')).toBe('ran');
    expect(await redis.exists(key)).toBe(0);
  });

  test('without a reachable Redis, the work does not run (it cannot know it is alone)', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const stop = useRedisForLocks({ redis: dead, prefix });
    let ran = false;
    try {
      await expect(
        withDatabaseLock(opened.store, 'omi_test_job', async () => {
          ran = true;
        }),
      ).rejects.toThrow();
      expect(ran).toBe(false);
    } finally {
      stop();
      dead.disconnect();
    }
  });
});

describe('the bus without REDIS_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('sqlite');
  });
  afterAll(async () => t?.dispose());

  test('is in memory, and health says so', async () => {
    const res = await t.app.inject({ url: '/api/v1/debug/health' });
    expect(res.json().checks.event_bus).toEqual({
      status: 'ok',
      bus: { mode: 'in-memory', connected: true, dropped: 0 },
    });
  });
});
