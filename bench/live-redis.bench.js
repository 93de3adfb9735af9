// The price of several instances: an event published on one server and received by a WebSocket
// client of another one through Redis Streams, against the baseline measured in the same run:
// the same event through the in-memory bus of a single server. Prints publish-to-receive latency
// (one event at a time, p50/p99) and delivered events/s (a burst), each as a ratio.
//   node bench/live-redis.bench.js [redis://127.0.0.1:6379] [events]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const WebSocket = require('ws');
const { buildApp } = require('../datasource-server/dist/app');
const { parseApiTokens } = require('../datasource-server/dist/auth/tokens');
const { loadConfig } = require('../datasource-server/dist/config');
const { openDatabase } = require('../datasource-server/dist/db/connect');
const { migrate } = require('../datasource-server/dist/db/migrate');
const { InMemoryEventBus } = require('../datasource-server/dist/events/bus');

const REDIS_URL = process.argv[2] ?? process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const EVENTS = Number(process.argv[3] ?? 2000);
const SECRET = 'bench-reader-secret-0123456789abcdef';
const TOKENS = `bench:read:${SECRET}`;
const PREFIX = `omi-bench-${process.pid}:`;

async function server(dbFile, env) {
  const config = loadConfig({
    DB_URL: dbFile,
    API_TOKENS: TOKENS,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    ROLLUP: '0',
    CLOUDSTACK_SYNC: '0',
    ...env,
  });
  const store = openDatabase(dbFile);
  const { mode } = await migrate(store);
  const app = await buildApp({
    config,
    store,
    mode,
    bus: env.REDIS_URL ? undefined : new InMemoryEventBus(),
    tokens: parseApiTokens(TOKENS),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: `ws://127.0.0.1:${app.server.address().port}/api/v1/ws/notifications`,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** A client that resolves `next()` with each notification's receive time, by title. */
async function client(url) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${SECRET}` } });
  const received = new Map();
  let waiting = null;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type !== 'notification') return;
    received.set(message.data.title, performance.now());
    if (waiting && received.size >= waiting.count) waiting.resolve();
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    received,
    until: (count) =>
      received.size >= count ? Promise.resolve() : new Promise((resolve) => (waiting = { count, resolve })),
    close: () => ws.terminate(),
  };
}

const notice = (title) => ({ severity: 'info', title, message: 'bench', source: 'bench' });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

async function measure(publisher, url) {
  const c = await client(url);
  // Warm-up, then one event at a time: latency.
  for (let i = 0; i < 50; i++) {
    await publisher.app.bus.publish('notification', notice(`w${i}`));
    await c.until(i + 1);
  }
  const latencies = [];
  for (let i = 0; i < EVENTS; i++) {
    const title = `l${i}`;
    const sent = performance.now();
    await publisher.app.bus.publish('notification', notice(title));
    await c.until(50 + i + 1);
    latencies.push(c.received.get(title) - sent);
  }
  latencies.sort((a, b) => a - b);
  // A burst: everything published at once, until the last arrives.
  const before = c.received.size;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: EVENTS }, (_, i) => publisher.app.bus.publish('notification', notice(`b${i}`))),
  );
  await c.until(before + EVENTS);
  const perSecond = EVENTS / ((performance.now() - start) / 1000);
  c.close();
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-bench-live-redis-'));
  const dbFile = path.join(dir, 'oma.sqlite');
  const redisEnv = { REDIS_URL, REDIS_PREFIX: PREFIX, LIVE_REPLAY_BUFFER: String(2 * EVENTS) };
  try {
    const single = await server(dbFile, {});
    const baseline = await measure(single, single.url);
    await single.close();

    const a = await server(dbFile, redisEnv);
    const b = await server(dbFile, redisEnv);
    const redis = await measure(a, b.url);
    await b.close();
    await a.close();

    const ms = (v) => `${v.toFixed(3)} ms`;
    console.log(`${EVENTS} events, publish on one server -> WebSocket client (same machine, loopback)`);
    console.log(
      `in memory, one server:        p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}  burst ${Math.round(baseline.perSecond)} events/s`,
    );
    console.log(
      `Redis Streams, other server:  p50 ${ms(redis.p50)}  p99 ${ms(redis.p99)}  burst ${Math.round(redis.perSecond)} events/s`,
    );
    console.log(
      `ratio (Redis / in memory):    p50 ${(redis.p50 / baseline.p50).toFixed(2)}x  p99 ${(redis.p99 / baseline.p99).toFixed(2)}x  events/s ${(redis.perSecond / baseline.perSecond).toFixed(2)}x`,
    );
  } finally {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${PREFIX}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
