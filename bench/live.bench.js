// Live progress fan-out: many WebSocket clients on /api/v1/ws/progress of the real server (bearer
// token), progress pushed through the real ingest path (POST /progress/{job_id}: validation, the
// job's transaction, then the event bus), against the same broadcast by a bare `ws` server (no
// auth, no database, no numbering) in the same run as the ceiling. The clients live in a child
// process so that receiving does not steal the server's event loop. Every client counts every
// message and checks that seq grows by one. Also: what 1,000 viewers polling every 2 s would cost
// the database, counted by a Kysely plugin, against the WebSocket path.
//   node bench/live.bench.js [mysql://root@127.0.0.1:3306 | sqlite] [clients=1000] [events=300]
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const http = require('node:http');
const v8 = require('node:v8');
const vm = require('node:vm');
const WebSocket = require('ws');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[2] === '--clients') clientProcess();
else
  main().catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });

// ---------------------------------------------------------------------------------------------
// The clients (child process): connect, count, time.

function clientProcess() {
  /** Clients by group (one group per server), each with the current phase's receipts. */
  const groups = new Map();
  const reply = (msg) => process.send(msg);
  const group = (name) => {
    if (!groups.has(name)) groups.set(name, { sockets: [], phase: null, ingest: [], publish: [] });
    return groups.get(name);
  };

  function onMessage(g, client, raw) {
    const at = now();
    const message = JSON.parse(raw);
    if (message.type === 'snapshot') {
      client.lastSeq = message.seq;
      client.ready = true;
      return;
    }
    if (message.type !== 'progress_update' || !g.phase) return;
    if (client.lastSeq !== null && message.seq !== client.lastSeq + 1) client.gaps++;
    client.lastSeq = message.seq;
    client.count++;
    g.phase.bytes += raw.length;
    const key = `${message.data.job_id}:${message.data.bytes_transferred}`;
    let times = g.phase.received.get(key);
    if (!times) g.phase.received.set(key, (times = []));
    times.push(at);
    g.phase.lastAt = at;
  }

  async function connect(g, { url, headers, count }) {
    let next = 0;
    const open = async () => {
      while (next < count) {
        next++;
        const client = { ws: null, lastSeq: null, ready: false, count: 0, gaps: 0 };
        await new Promise((resolve, reject) => {
          client.ws = new WebSocket(url, { headers, perMessageDeflate: false });
          client.ws.on('message', (raw) => onMessage(g, client, raw.toString()));
          client.ws.once('open', resolve);
          client.ws.once('error', reject);
          client.ws.once('unexpected-response', (_req, res) =>
            reject(new Error(`upgrade refused: ${res.statusCode}`)),
          );
        });
        g.sockets.push(client);
      }
    };
    await Promise.all(Array.from({ length: 50 }, open));
    while (!g.sockets.every((c) => c.ready)) await sleep(5);
  }

  /** Waits for every client to have `expected` messages; `record` keeps the latencies for `stats`. */
  async function finish(g, { expected, sentAt, publishedAt, timeoutMs, record }) {
    const deadline = Date.now() + timeoutMs;
    while (g.sockets.some((c) => c.count < expected) && Date.now() < deadline) await sleep(5);
    if (record) {
      for (const [key, times] of g.phase.received) {
        for (const t of times) {
          if (sentAt[key] !== undefined) g.ingest.push(t - sentAt[key]);
          if (publishedAt[key] !== undefined) g.publish.push(t - publishedAt[key]);
        }
      }
    }
    const received = g.sockets.reduce((n, c) => n + c.count, 0);
    return {
      received,
      missing: g.sockets.reduce((n, c) => n + Math.max(0, expected - c.count), 0),
      extra: g.sockets.reduce((n, c) => n + Math.max(0, c.count - expected), 0),
      gaps: g.sockets.reduce((n, c) => n + c.gaps, 0),
      lastAt: g.phase.lastAt,
      bytes: g.phase.bytes,
    };
  }

  function stats(g) {
    const pct = (values, p) => {
      const sorted = Float64Array.from(values).sort();
      return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
    };
    return {
      samples: g.ingest.length,
      ingest: { p50: pct(g.ingest, 50), p99: pct(g.ingest, 99) },
      publish: { p50: pct(g.publish, 50), p99: pct(g.publish, 99) },
    };
  }

  async function close(g) {
    await Promise.all(
      g.sockets.map(
        (c) =>
          new Promise((resolve) => {
            if (c.ws.readyState === WebSocket.CLOSED) return resolve();
            c.ws.once('close', resolve);
            c.ws.close();
          }),
      ),
    );
    g.sockets = [];
  }

  process.on('message', async (msg) => {
    try {
      const g = group(msg.group);
      let result;
      if (msg.cmd === 'connect') await connect(g, msg);
      else if (msg.cmd === 'phase') {
        g.phase = { received: new Map(), bytes: 0, lastAt: 0 };
        for (const c of g.sockets) {
          c.count = 0;
          c.gaps = 0;
        }
      } else if (msg.cmd === 'finish') result = await finish(g, msg);
      else if (msg.cmd === 'stats') result = stats(g);
      else if (msg.cmd === 'close') await close(g);
      reply({ ok: true, result });
    } catch (err) {
      reply({ ok: false, error: err.stack });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The servers and the driver (parent process).

/** Sends a command to the client process and waits for its answer. */
function commander(child) {
  let pending = null;
  child.on('message', (msg) => {
    const p = pending;
    pending = null;
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`clients: ${msg.error}`));
  });
  return (msg) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      child.send(msg);
    });
}

/** Counts the SQL statements the server runs (BEGIN/COMMIT not included). */
function queryCounter() {
  return {
    count: 0,
    transformQuery(args) {
      this.count++;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}

/** The ceiling: an HTTP endpoint that takes the same push and broadcasts it with `ws`, nothing else. */
async function startBareServer(jobs, onPublish) {
  const server = http.createServer();
  const wss = new WebSocket.Server({ server, path: '/ws/progress', perMessageDeflate: false });
  const epoch = crypto.randomBytes(8).toString('hex');
  let seq = 0;
  wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'snapshot', seq, epoch, data: { jobs: [] } })));
  server.on('request', (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const jobId = decodeURIComponent(req.url.split('/').pop());
      const push = JSON.parse(Buffer.concat(chunks).toString());
      const job = jobs.get(jobId);
      // The same message shape and size as the server's progress_update.
      const data = {
        job_id: jobId,
        vm_name: job.vm_name,
        context_id: job.context_id,
        status: 'replicating',
        phase: push.stage,
        percentage: Math.round((push.bytes_transferred / push.total_bytes) * 10000) / 100,
        bytes_transferred: push.bytes_transferred,
        total_bytes: push.total_bytes,
        throughput_mbps: Math.round((push.throughput_bps / 1048576) * 100) / 100,
        eta_seconds: Math.round((push.total_bytes - push.bytes_transferred) / push.throughput_bps),
      };
      onPublish(data);
      const text = JSON.stringify({
        type: 'progress_update',
        seq: ++seq,
        epoch,
        timestamp: new Date().toISOString(),
        data,
      });
      for (const client of wss.clients) client.send(text);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"applied":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/ws/progress`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const percentFmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

async function main() {
  // The server's modules come from the build (npm run bench builds it).
  const { buildApp } = require('../datasource-server/dist/app');
  const { parseApiTokens } = require('../datasource-server/dist/auth/tokens');
  const { loadConfig } = require('../datasource-server/dist/config');
  const { InMemoryEventBus } = require('../datasource-server/dist/events/bus');
  const { newJobRow } = require('../datasource-server/dist/vm-contexts/new-job');
  const { freshStore, insertVms } = require('./lib/network-world');

  const target = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const CLIENTS = Number(process.argv[3] ?? 1000);
  const EVENTS = Number(process.argv[4] ?? 300);
  const JOBS = 4;
  // Far enough apart that one event reaches every client before the next (a 2-core machine
  // delivers a few ten thousand messages a second): latency, not queueing.
  const PACE_MS = Math.max(20, Math.round(CLIENTS / 8));
  const PACED_EVENTS = Math.max(20, Math.round(EVENTS / 2));
  const TIMEOUT_MS = 60_000;
  const ROUNDS = 3;

  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc');
  const heap = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };

  const { store, url, drop } = await freshStore(target === 'sqlite' ? undefined : target, 'omi_bench_live');
  const counter = queryCounter();
  store.db = store.db.withPlugin(counter);
  const secret = crypto.randomBytes(24).toString('hex');
  const API_TOKENS = `bench:read+ingest:${secret}`;
  const auth = { authorization: `Bearer ${secret}` };

  // Running jobs, one VM each, far from done so that no push ends one.
  const names = Array.from({ length: JOBS }, (_, i) => `live-bench-${i}`);
  await insertVms(
    store,
    names.map((name) => ({ name, networks: ['pg-bench'] })),
  );
  const contexts = await store.db.selectFrom('vm_replication_contexts').selectAll().execute();
  const jobs = new Map();
  const stamp = store.time.toDb(Date.now());
  for (const context of contexts) {
    const id = `job-${context.vm_name}`;
    await store.db
      .insertInto('replication_jobs')
      .values(newJobRow(context, id, stamp, { status: 'replicating', total_bytes: 1e12, started_at: stamp }))
      .execute();
    jobs.set(id, context);
  }
  const jobIds = [...jobs.keys()];

  const bus = new InMemoryEventBus();
  const publishedAt = {};
  // Subscribed before the server's hub: the moment the event enters the bus, before the fan-out.
  bus.subscribe((event) => {
    if (event.type === 'progress_update')
      publishedAt[`${event.data.job_id}:${event.data.bytes_transferred}`] = now();
  });
  const app = await buildApp({
    config: loadConfig({
      DB_URL: url,
      API_TOKENS,
      LOG_LEVEL: 'silent',
      DEMO: '0',
      CLOUDSTACK_SYNC: '0',
      ROLLUP: '0',
      RATE_LIMIT_PER_MINUTE: '100000000',
      LIVE_MAX_CONNECTIONS: String(CLIENTS + 100),
    }),
    store,
    mode: 'standalone',
    bus,
    tokens: parseApiTokens(API_TOKENS),
  });
  const omiBase = await app.listen({ port: 0, host: '127.0.0.1' });

  const bare = await startBareServer(jobs, (data) => {
    publishedAt[`${data.job_id}:${data.bytes_transferred}`] = now();
  });

  const child = fork(__filename, ['--clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const clients = commander(child);

  // One byte count per push, growing per job: the key that ties a received message to its push.
  let bytes = 0;
  const push = () => {
    bytes += 1048576;
    return {
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: bytes,
      total_bytes: 1e12,
      throughput_bps: 104857600,
    };
  };

  async function post(base, jobId, body) {
    const res = await fetch(`${base}/progress/${encodeURIComponent(jobId)}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`push refused: ${res.status} ${text.slice(0, 300)}`);
  }

  /** Paced pushes (one at a time, PACE_MS apart): latency without queueing behind earlier events. */
  async function paced(base, count, sentAt) {
    for (let i = 0; i < count; i++) {
      const jobId = jobIds[i % jobIds.length];
      const body = push();
      sentAt[`${jobId}:${body.bytes_transferred}`] = now();
      await post(base, jobId, body);
      await sleep(PACE_MS);
    }
  }

  /** As fast as ingest takes them: one sequential stream of pushes per job. */
  async function burst(base, count, sentAt) {
    await Promise.all(
      jobIds.map(async (jobId, j) => {
        for (let i = j; i < count; i += jobIds.length) {
          const body = push();
          sentAt[`${jobId}:${body.bytes_transferred}`] = now();
          await post(base, jobId, body);
        }
      }),
    );
  }

  const servers = [
    {
      name: 'omi server',
      group: 'omi',
      http: `${omiBase}/api/v1`,
      ws: `${omiBase.replace('http', 'ws')}/api/v1/ws/progress`,
    },
    { name: 'bare ws   ', group: 'bare', http: bare.http, ws: bare.ws },
  ];
  const totals = (server) =>
    server.totals ??
    (server.totals = {
      received: 0,
      seconds: 0,
      bytes: 0,
      missing: 0,
      gaps: 0,
      extra: 0,
      queries: 0,
      events: 0,
    });
  const tally = (server, result) => {
    const t = totals(server);
    t.missing += result.missing;
    t.gaps += result.gaps;
    t.extra += result.extra;
    t.bytes += result.bytes;
    return result;
  };

  /** Connects the server's clients, measuring the server's memory and queries per connection. */
  async function connect(server) {
    // A few connections first, so that one-time costs (code paths, pools) are not counted per connection.
    await clients({ cmd: 'connect', group: server.group, url: server.ws, headers: auth, count: 10 });
    await clients({ cmd: 'close', group: server.group });
    const before = heap();
    const queriesBefore = counter.count;
    await clients({ cmd: 'connect', group: server.group, url: server.ws, headers: auth, count: CLIENTS });
    server.connectQueries = counter.count - queriesBefore;
    server.memory = (heap() - before) / CLIENTS;
    // Warm-up (JIT, pools, sockets), not measured.
    await clients({ cmd: 'phase', group: server.group });
    await paced(server.http, 10, {});
    await clients({
      cmd: 'finish',
      group: server.group,
      expected: 10,
      sentAt: {},
      publishedAt: {},
      timeoutMs: TIMEOUT_MS,
    });
  }

  async function latencyRound(server, count) {
    await clients({ cmd: 'phase', group: server.group });
    const sentAt = {};
    await paced(server.http, count, sentAt);
    // The part before the fan-out: the server's validation and transaction (bare: parsing).
    for (const key of Object.keys(sentAt)) (server.toPublish ??= []).push(publishedAt[key] - sentAt[key]);
    tally(
      server,
      await clients({
        cmd: 'finish',
        group: server.group,
        expected: count,
        sentAt,
        publishedAt,
        timeoutMs: TIMEOUT_MS,
        record: true,
      }),
    );
  }

  async function throughputRound(server, count) {
    await clients({ cmd: 'phase', group: server.group });
    const queries = counter.count;
    const start = now();
    await burst(server.http, count, {});
    const result = tally(
      server,
      await clients({
        cmd: 'finish',
        group: server.group,
        expected: count,
        sentAt: {},
        publishedAt: {},
        timeoutMs: TIMEOUT_MS,
      }),
    );
    const t = totals(server);
    t.received += result.received;
    t.seconds += (result.lastAt - start) / 1000;
    t.queries += counter.count - queries;
    t.events += count;
  }

  try {
    for (const server of servers) await connect(server);
    // Both servers in every round, in alternating order: load from other programs on the machine
    // falls on both alike.
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) await latencyRound(server, Math.ceil(PACED_EVENTS / ROUNDS));
      for (const server of order) await throughputRound(server, Math.ceil(EVENTS / ROUNDS));
    }
    for (const server of servers) {
      server.latency = await clients({ cmd: 'stats', group: server.group });
      await clients({ cmd: 'close', group: server.group });
    }
    const [omi, ws] = servers.map((server) => ({
      ...server,
      ...server.totals,
      msgsPerSecond: server.totals.received / server.totals.seconds,
      queriesPerEvent: server.totals.queries / server.totals.events,
    }));

    // One poll of what a polling viewer reads instead: the dashboards' running-jobs query, and a
    // job's progress as the old GUI polled it.
    const countPoll = async (request) => {
      const before = counter.count;
      const res = await app.inject({ ...request, headers: { ...auth, ...(request.headers ?? {}) } });
      if (res.statusCode !== 200)
        throw new Error(`${request.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return counter.count - before;
    };
    const jobsPoll = await countPoll({
      method: 'POST',
      url: '/api/v1/query',
      payload: {
        range: { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() },
        queries: [{ refId: 'A', queryType: 'jobs', status: 'running' }],
      },
    });
    const progressPoll = await countPoll({ method: 'GET', url: `/api/v1/progress/${jobIds[0]}` });

    const pct = (values, p) =>
      values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
    const line = (r) =>
      `${r.name}  ingest->receive p50 ${percentFmt(r.latency.ingest.p50)} ms, p99 ${percentFmt(r.latency.ingest.p99)} ms; ` +
      `publish->receive p50 ${percentFmt(r.latency.publish.p50)} ms, p99 ${percentFmt(r.latency.publish.p99)} ms; ` +
      `(ingest->publish p50 ${percentFmt(pct(r.toPublish, 50))} ms, p99 ${percentFmt(pct(r.toPublish, 99))} ms); ` +
      `delivered ${Math.round(r.msgsPerSecond)} msgs/s; ` +
      `memory ${(r.memory / 1024).toFixed(1)} KiB/connection (heap+external); ` +
      `${Math.round(r.bytes / (r.received + r.latency.samples))} B/message`;
    console.log(
      `${CLIENTS} clients on /ws/progress, ${store.dialect}; per server, in ${ROUNDS} alternating rounds: ${PACED_EVENTS} events ${PACE_MS} ms apart (latency), ${EVENTS} as fast as ingest takes them over ${JOBS} jobs (msgs/s)`,
    );
    console.log(line(omi));
    console.log(line(ws));
    console.log(
      `ratio p99 omi/bare: ${(omi.latency.ingest.p99 / ws.latency.ingest.p99).toFixed(2)}x ingest->receive, ` +
        `${(omi.latency.publish.p99 / ws.latency.publish.p99).toFixed(2)}x publish->receive`,
    );
    console.log(`ratio msgs/s omi/bare: ${(omi.msgsPerSecond / ws.msgsPerSecond).toFixed(2)}`);
    const lost = omi.missing + omi.gaps + omi.extra + ws.missing + ws.gaps + ws.extra;
    console.log(
      `messages: omi missing ${omi.missing}, out of order ${omi.gaps}, extra ${omi.extra}; bare missing ${ws.missing}, out of order ${ws.gaps}, extra ${ws.extra}` +
        (lost === 0 ? ' — nothing missing' : ' — MESSAGES LOST'),
    );
    const pollsPerSecond = CLIENTS / 2;
    console.log(
      `database, ${CLIENTS} viewers polling every 2 s: ${jobsPoll} queries per running-jobs poll (POST /query jobs) = ${Math.round(pollsPerSecond * jobsPoll)} queries/s; ` +
        `${progressPoll} per GET /progress/{job} = ${Math.round(pollsPerSecond * progressPoll)} queries/s`,
    );
    console.log(
      `database, WebSocket: 0 queries/s per viewer (${(omi.connectQueries / CLIENTS).toFixed(1)} per connect for the snapshot); ` +
        `ingest costs ${omi.queriesPerEvent.toFixed(1)} queries per event with or without viewers`,
    );
    if (lost !== 0) process.exitCode = 1;
  } finally {
    child.kill();
    await bare.close();
    await app.close();
    await store.close();
    await drop();
  }
}
