// The live channels over real sockets: the server listens on 127.0.0.1, clients are `ws`.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import WebSocket from 'ws';
import type { NotificationEventData, ProgressEventData } from '../src/events/bus';
import type { LiveMessage } from '../src/live/channel-log';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, TARGETS, type TestApp, type TestAppOptions } from './helper';

const REPLAY_BUFFER = 64;
const tight: TestAppOptions['config'] = (c) => ({
  ...c,
  live: {
    ...c.live,
    allowedOrigins: ['https://grafana.example.com'],
    replayBuffer: REPLAY_BUFFER,
    heartbeatMs: 200,
    maxBufferedBytes: 64 * 1024,
    maxConnections: 8,
    maxPayloadBytes: 256,
  },
});

/** A deterministic generator (mulberry32): a failing run can be repeated. */
function rng(seed: number) {
  let a = seed;
  return (below: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Client {
  ws: WebSocket;
  messages: LiveMessage[];
  closed: Promise<{ code: number; reason: string }>;
}

type Refusal = { status: number; body: { error: { code: string; message: string } } };

class Server {
  constructor(
    readonly t: TestApp,
    readonly base: string,
  ) {}

  static async start(t: TestApp) {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    return new Server(t, `ws://127.0.0.1:${port}/api/v1/ws`);
  }

  /** Opens a channel; resolves once open, with every message collected from the first. */
  open(
    path: string,
    options: WebSocket.ClientOptions = { headers: bearer('reader') },
    onMessage?: (message: LiveMessage, ws: WebSocket) => void,
  ): Promise<Client> {
    const ws = new WebSocket(`${this.base}/${path}`, options);
    const messages: LiveMessage[] = [];
    // From the first frame: messages can arrive in the same read as the upgrade's answer.
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as LiveMessage;
      messages.push(message);
      onMessage?.(message, ws);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, messages, closed }));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => reject({ status: res.statusCode, body: JSON.parse(body) } as Refusal));
      });
    });
  }

  /** The HTTP refusal of an upgrade. */
  async refusal(path: string, options?: WebSocket.ClientOptions): Promise<Refusal> {
    const client = await this.open(path, options).then(
      (c) => c,
      (refusal: Refusal) => refusal,
    );
    if ('ws' in client) {
      client.ws.terminate();
      throw new Error(`${path} was accepted`);
    }
    return client;
  }

  clients(channel: string): number {
    const message = this.t.app.components.get('live')!().message!;
    return Number(new RegExp(`${channel} (\\d+)`).exec(message)![1]);
  }
}

/** One sample of GET /metrics, e.g. `omi_live_clients{channel="progress"}`. */
async function metric(t: TestApp, series: string): Promise<number | undefined> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const notice = (n: number, message = 'm'): NotificationEventData => ({
  severity: 'info',
  title: String(n),
  message,
  source: 'test',
});

const progress = (job_id: string, vm_name: string, percentage: number): ProgressEventData => ({
  job_id,
  vm_name,
  context_id: `ctx-${vm_name}`,
  status: 'replicating',
  phase: 'Streaming',
  percentage,
  bytes_transferred: percentage,
  total_bytes: 100,
  throughput_mbps: 1,
  eta_seconds: null,
});

describe.each(TARGETS)('live progress snapshot on %s', (target) => {
  let t: TestApp;
  let server: Server;
  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 4, days: 3 }, { config: tight });
    const vms = await t.store.db.selectFrom('vm_replication_contexts').selectAll().limit(2).execute();
    const now = t.store.time.toDb(Date.now());
    await t.store.db
      .insertInto('replication_jobs')
      .values([
        newJobRow(vms[0], 'live-running', now, {
          status: 'replicating',
          progress_percent: 40,
          bytes_transferred: 400,
          total_bytes: 1000,
          transfer_speed_bps: 2_000_000,
        }),
        newJobRow(vms[1], 'live-pending', now),
        newJobRow(vms[1], 'live-done', now, { status: 'completed', progress_percent: 100 }),
      ])
      .execute();
    server = await Server.start(t);
  });
  afterAll(async () => t?.dispose());

  test('progress opens with every unfinished job, filtered by vm and job', async () => {
    const active = await t.store.db
      .selectFrom('replication_jobs')
      .select(['id', 'source_vm_name', 'vm_context_id'])
      .where('status', 'not in', ['completed', 'failed', 'cancelled'])
      .orderBy('id')
      .execute();
    expect(active.map((j) => j.id)).toEqual(expect.arrayContaining(['live-running', 'live-pending']));

    const all = await server.open('progress');
    await until(() => all.messages.length === 1, 'the snapshot');
    const [snapshot] = all.messages;
    expect(snapshot).toMatchObject({ type: 'snapshot', seq: 0, epoch: expect.any(String) });
    const jobs = (snapshot.data as { jobs: ProgressEventData[] }).jobs;
    expect(jobs.map((j) => j.job_id)).toEqual(active.map((j) => j.id));
    expect(jobs.find((j) => j.job_id === 'live-running')).toMatchObject({
      status: 'replicating',
      percentage: 40,
      bytes_transferred: 400,
      total_bytes: 1000,
      throughput_mbps: 2,
      eta_seconds: 0, // 600 bytes left at 2 MB/s
    });

    const running = active.find((j) => j.id === 'live-running')!;
    const byJob = await server.open('progress?job=live-pending');
    const byVm = await server.open(`progress?vm=${encodeURIComponent(running.vm_context_id!)}`);
    await until(() => byJob.messages.length === 1 && byVm.messages.length === 1, 'filtered snapshots');
    const ids = (c: Client) =>
      (c.messages[0].data as { jobs: ProgressEventData[] }).jobs.map((j) => j.job_id);
    expect(ids(byJob)).toEqual(['live-pending']);
    expect(ids(byVm)).toEqual(
      active.filter((j) => j.vm_context_id === running.vm_context_id).map((j) => j.id),
    );
    for (const c of [all, byJob, byVm]) c.ws.close();
  });

  test('events published while the snapshot is being read follow it, in order, none lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    // Keep the snapshot's read waiting: SQLite's single connection is busy with a transaction,
    // MariaDB's table is write-locked by another session.
    const holder =
      target === 'sqlite'
        ? t.store.db.transaction().execute(async () => {
            held();
            await gate;
          })
        : t.store.db.connection().execute(async (db) => {
            await sql`lock tables replication_jobs write`.execute(db);
            held();
            await gate;
            await sql`unlock tables`.execute(db);
          });
    await holding;
    const client = await server.open('progress');
    for (let n = 1; n <= 5; n++) await t.app.bus.publish('progress_update', progress('j-9', 'app-09', n));
    expect(client.messages).toEqual([]);
    release();
    await holder;
    await until(() => client.messages.length === 6, 'the snapshot and the events');
    const [snapshot, ...events] = client.messages;
    expect(snapshot.type).toBe('snapshot');
    expect(events.map((m) => [m.seq, (m.data as ProgressEventData).percentage])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [snapshot.seq + n, n]),
    );
    client.ws.close();
  });
});

describe('live channels', () => {
  let t: TestApp;
  let server: Server;
  let now = Date.parse('2026-11-01T12:00:00Z');
  beforeAll(async () => {
    t = await buildTestApp('sqlite', undefined, { config: tight, now: () => now });
    server = await Server.start(t);
  });
  afterAll(async () => t?.dispose());

  describe('admission', () => {
    test('no token, a wrong token and a token without the read scope are refused before the upgrade', async () => {
      expect(await server.refusal('notifications', {})).toEqual({
        status: 401,
        body: { error: { code: 'unauthorized', message: expect.stringContaining('?ticket=') } },
      });
      expect(
        await server.refusal('progress', { headers: { authorization: 'Bearer not-a-token-at-all' } }),
      ).toMatchObject({ status: 401, body: { error: { message: 'The bearer token is not valid' } } });
      expect(await server.refusal('system-health', { headers: bearer('ingest') })).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden', message: expect.stringContaining('"read" scope') } },
      });
    });

    test('a browser origin must be allowed; no Origin (server-to-server) is', async () => {
      expect(
        await server.refusal('notifications', {
          headers: bearer('reader'),
          origin: 'https://evil.example.com',
        }),
      ).toMatchObject({ status: 403, body: { error: { code: 'origin_not_allowed' } } });
      const allowed = await server.open('notifications', {
        headers: bearer('reader'),
        origin: 'https://grafana.example.com',
      });
      allowed.ws.close();
    });

    test('a ticket opens one socket, once, within its lifetime; ticket issuance needs read', async () => {
      const issue = async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/ws/tickets',
          headers: bearer('reader'),
        });
        expect(res.statusCode).toBe(200);
        return res.json<{ ticket: string; expires_at: string; expires_in_seconds: number }>();
      };
      const refused = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ws/tickets',
        headers: bearer('ingest'),
      });
      expect(refused.statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/ws/tickets' })).statusCode).toBe(401);

      const first = await issue();
      expect(first.expires_at).toBe(new Date(now + 60_000).toISOString());
      expect(first.expires_in_seconds).toBe(60);
      const browser = { origin: 'https://grafana.example.com' };
      const opened = await server.open(`notifications?ticket=${first.ticket}`, browser);
      expect(await server.refusal(`notifications?ticket=${first.ticket}`, browser)).toMatchObject({
        status: 401,
        body: { error: { message: expect.stringContaining('already used') } },
      });
      opened.ws.close();

      const late = await issue();
      now += 60_000;
      expect(await server.refusal(`progress?ticket=${late.ticket}`, browser)).toMatchObject({
        status: 401,
        body: { error: { message: expect.stringContaining('expired') } },
      });
      const inTime = await issue();
      now += 59_999;
      (await server.open(`progress?ticket=${inTime.ticket}`, browser)).ws.close();
    });

    test('a plain GET (no upgrade) is told to upgrade', async () => {
      const res = await t.app.inject({ url: '/api/v1/ws/progress', headers: bearer('reader') });
      expect(res.statusCode).toBe(426);
      expect(res.json()).toMatchObject({ error: { code: 'upgrade_required' } });
    });

    test('bad parameters are a 400 naming what was wrong', async () => {
      expect(await server.refusal('notifications?since=3')).toMatchObject({
        status: 400,
        body: { error: { message: expect.stringContaining('since and epoch go together') } },
      });
      expect((await server.refusal('notifications?since=-1&epoch=x')).status).toBe(400);
      expect((await server.refusal('notifications?since=abc&epoch=x')).status).toBe(400);
      // Filters belong to the progress channel.
      expect((await server.refusal('notifications?vm=web-01')).status).toBe(400);
      expect((await server.refusal('progress?colour=red')).status).toBe(400);
    });

    test('connections are capped and a client message over the payload limit closes its socket', async () => {
      const open: Client[] = [];
      for (let i = 0; i < 8; i++) open.push(await server.open('system-health'));
      expect(await server.refusal('system-health')).toMatchObject({
        status: 503,
        body: { error: { code: 'too_many_connections' } },
      });
      open[0].ws.send('x'.repeat(257));
      expect(await open[0].closed).toMatchObject({ code: 1009 });
      for (const c of open.slice(1)) c.ws.close();
      await until(() => server.clients('system-health') === 0, 'the sockets to close');
    });
  });

  test('seq grows by one per channel, each channel on its own count, with the shape documented', async () => {
    const notes = await server.open('notifications');
    const health = await server.open('system-health');
    await until(() => notes.messages.length === 1 && health.messages.length === 1, 'snapshots');
    const start = notes.messages[0].seq;
    const healthStart = health.messages[0].seq;
    await t.app.bus.publish('notification', notice(1));
    await t.app.bus.publish('system_health', { status: 'ok', reasons: [] });
    await t.app.bus.publish('mapping_changed', {
      action: 'created',
      vm_id: 'vm-1',
      source_network_name: 'VM Network',
      is_test_network: false,
      destination_network_id: 'net-1',
      actor: 'writer',
    });
    await until(() => notes.messages.length === 3 && health.messages.length === 2, 'the events');
    expect(notes.messages.slice(1).map((m) => [m.type, m.seq])).toEqual([
      ['notification', start + 1],
      ['mapping_changed', start + 2],
    ]);
    expect(health.messages[1]).toEqual({
      type: 'system_health',
      seq: healthStart + 1,
      epoch: notes.messages[0].epoch,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { status: 'ok', reasons: [] },
    });
    notes.ws.close();
    health.ws.close();
  });

  test('progress filters: vm and job select progress_update, job_complete and job_failed', async () => {
    const byVm = await server.open('progress?vm=web-01');
    const byJob = await server.open('progress?job=j-2');
    const all = await server.open('progress');
    await until(() => [byVm, byJob, all].every((c) => c.messages.length === 1), 'snapshots');
    await t.app.bus.publish('progress_update', progress('j-1', 'web-01', 10));
    await t.app.bus.publish('progress_update', progress('j-2', 'db-01', 20));
    await t.app.bus.publish('job_failed', { ...progress('j-2', 'db-01', 20), error_message: 'boom' });
    await t.app.bus.publish('job_complete', progress('j-1', 'web-01', 100));
    await until(() => all.messages.length === 5, 'every event');
    const seen = (c: Client) =>
      c.messages.slice(1).map((m) => `${m.type}:${(m.data as ProgressEventData).job_id}`);
    expect(seen(all)).toEqual([
      'progress_update:j-1',
      'progress_update:j-2',
      'job_failed:j-2',
      'job_complete:j-1',
    ]);
    await until(() => byVm.messages.length === 3 && byJob.messages.length === 3, 'filtered events');
    expect(seen(byVm)).toEqual(['progress_update:j-1', 'job_complete:j-1']);
    expect(seen(byJob)).toEqual(['progress_update:j-2', 'job_failed:j-2']);
    // Filtered clients keep the channel's seq: they can resume like any other.
    expect(byVm.messages[2].seq).toBe(all.messages[4].seq);
    for (const c of [byVm, byJob, all]) c.ws.close();
  });

  test('a filtered progress client resumes with its filter: the missed messages it selects, or resync and snapshot', async () => {
    const first = await server.open('progress?job=j-5');
    await until(() => first.messages.length === 1, 'the snapshot');
    const { seq, epoch } = first.messages[0];
    first.ws.close();
    await t.app.bus.publish('progress_update', progress('j-5', 'web-05', 1));
    await t.app.bus.publish('progress_update', progress('j-6', 'web-06', 2));
    await t.app.bus.publish('job_complete', progress('j-5', 'web-05', 100));
    const again = await server.open(`progress?job=j-5&since=${seq}&epoch=${epoch}`);
    await until(() => again.messages.length === 2, 'the replay');
    expect(again.messages.map((m) => [m.type, m.seq])).toEqual([
      ['progress_update', seq + 1],
      ['job_complete', seq + 3],
    ]);
    again.ws.close();

    const stale = await server.open(`progress?job=j-5&since=${seq}&epoch=not-this-one`);
    await until(() => stale.messages.length === 2, 'the resync and snapshot');
    expect(stale.messages.map((m) => m.type)).toEqual(['resync', 'snapshot']);
    expect(stale.messages[1].data).toEqual({ jobs: [] }); // j-5 exists only in events, not in replication_jobs
    stale.ws.close();
  });

  describe('resume', () => {
    test('a client dropping at random points gets every event exactly once, in order', async () => {
      const random = rng(20261101);
      const total = 400;
      let published = 0;
      const received: number[] = [];
      let position = null as { seq: number; epoch: string } | null;
      let sessions = 0;
      while (received.length < total) {
        const query = position ? `?since=${position.seq}&epoch=${position.epoch}` : '';
        sessions += 1;
        const dropAfter = 1 + random(15);
        let taken = 0;
        let gone = false;
        const client = await server.open(`notifications${query}`, { headers: bearer('reader') }, (m, ws) => {
          if (gone) return;
          expect(m.type).not.toBe('resync');
          if (position) expect(m.seq).toBe(m.type === 'snapshot' ? position.seq : position.seq + 1);
          position = { seq: m.seq, epoch: m.epoch };
          if (m.type === 'snapshot') return;
          received.push(Number((m.data as NotificationEventData).title));
          if (++taken === dropAfter) {
            gone = true;
            ws.terminate();
          }
        });
        // The replay of what it missed, unless it drops during it.
        await until(() => gone || received.length === published, 'the replay or the drop');
        if (!gone) {
          const burst = Math.min(1 + random(20), total - published);
          for (let i = 0; i < burst; i++) await t.app.bus.publish('notification', notice(++published));
          await until(() => gone || received.length === published, 'the burst or the drop');
        }
        if (!gone) {
          gone = true; // what still arrives before the close is done is not counted as received
          client.ws.close();
        }
        // Events published while it is away, as many as the replay window (64) still holds.
        const backlog = published - received.length;
        const away = Math.min(random(10), total - published, REPLAY_BUFFER - backlog);
        for (let i = 0; i < away; i++) await t.app.bus.publish('notification', notice(++published));
      }
      expect(sessions).toBeGreaterThan(10);
      expect(received).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }, 60_000);

    test('a gap no longer held, a seq never given or another epoch get one resync, then a snapshot', async () => {
      const first = await server.open('notifications');
      await until(() => first.messages.length === 1, 'the snapshot');
      const { seq, epoch } = first.messages[0];
      first.ws.close();
      for (let n = 0; n < REPLAY_BUFFER + 1; n++) await t.app.bus.publish('notification', notice(n));

      const cases = [
        [`since=${seq}&epoch=${epoch}`, 'gap_not_held'],
        [`since=${seq + 1000}&epoch=${epoch}`, 'seq_ahead'],
        [`since=${seq}&epoch=an-earlier-process`, 'epoch_changed'],
      ] as const;
      let last = seq + REPLAY_BUFFER + 1;
      for (const [query, reason] of cases) {
        const again = await server.open(`notifications?${query}`);
        await until(() => again.messages.length === 2, 'the resync and snapshot');
        expect(again.messages.map((m) => m.type)).toEqual(['resync', 'snapshot']);
        expect(again.messages[0]).toMatchObject({
          seq: last,
          epoch,
          data: { reason, oldest_seq: last - REPLAY_BUFFER + 1 },
        });
        await t.app.bus.publish('notification', notice(-1));
        last += 1;
        await until(() => again.messages.length === 3, 'the next live event');
        expect(again.messages[2].seq).toBe(again.messages[1].seq + 1);
        again.ws.close();
      }
      // The oldest held seq is still replayed in full.
      const held = await server.open(`notifications?since=${last - REPLAY_BUFFER}&epoch=${epoch}`);
      await until(() => held.messages.length === REPLAY_BUFFER, 'the replay');
      expect(held.messages[0].type).toBe('notification');
      expect(held.messages.map((m) => m.seq)).toEqual(
        Array.from({ length: REPLAY_BUFFER }, (_, i) => last - REPLAY_BUFFER + 1 + i),
      );
      held.ws.close();
    });
  });

  test('a stalled client is closed as too slow while the others keep receiving everything', async () => {
    const stalled = await server.open('notifications');
    const healthy = await server.open('notifications');
    await until(() => stalled.messages.length === 1 && healthy.messages.length === 1, 'snapshots');
    stalled.ws.pause();
    const before = server.clients('notifications');
    const big = 'x'.repeat(16 * 1024);
    let published = 0;
    // Until the server gives up on the stalled client: the kernel's socket buffers fill first.
    while (server.clients('notifications') === before) {
      for (let i = 0; i < 16; i++) await t.app.bus.publish('notification', notice(++published, big));
      await until(() => healthy.messages.length === 1 + published, 'the healthy client to keep up');
      if (published > 100_000) throw new Error('the stalled client was never closed');
    }
    expect(server.clients('notifications')).toBe(before - 1);
    expect(await metric(t, 'omi_live_clients_ended_total{channel="notifications",reason="too_slow"}')).toBe(
      1,
    );
    await t.app.bus.publish('notification', notice(++published));
    await until(() => healthy.messages.length === 1 + published, 'the healthy client');
    expect(healthy.messages.slice(1).map((m) => Number((m.data as NotificationEventData).title))).toEqual(
      Array.from({ length: published }, (_, i) => i + 1),
    );
    stalled.ws.resume();
    // What it had received, then the close frame, unless the grace period (one heartbeat) had ended
    // before it read that far and the server cut the connection (1006).
    const { code, reason } = await stalled.closed;
    expect([4008, 1006]).toContain(code);
    if (code === 4008) expect(reason).toBe('too slow; reconnect with since');
    expect(stalled.messages.length).toBeLessThan(1 + published);
    healthy.ws.close();
  });

  test('heartbeat ends a peer that never answers pings and keeps one that does', async () => {
    const silent = await server.open('system-health', { headers: bearer('reader'), autoPong: false });
    const answering = await server.open('system-health');
    let pings = 0;
    silent.ws.on('ping', () => (pings += 1));
    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated: no close frame for a peer presumed dead
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    expect(await metric(t, 'omi_live_clients_ended_total{channel="system-health",reason="no_pong"}')).toBe(1);
    expect(await metric(t, 'omi_live_clients_ended_total{channel="progress",reason="no_pong"}')).toBe(0);
    expect(await metric(t, 'omi_live_clients{channel="system-health"}')).toBe(1);
    answering.ws.close();
  });
});

describe('live channels at shutdown', () => {
  test('open clients are told to reconnect with since (1001) when the server stops', async () => {
    const t = await buildTestApp('sqlite', undefined, { config: tight });
    try {
      const server = await Server.start(t);
      const client = await server.open('notifications');
      await until(() => client.messages.length === 1, 'the snapshot');
      await t.app.close();
      expect(await client.closed).toEqual({
        code: 1001,
        reason: 'server shutting down; reconnect with since',
      });
    } finally {
      await t.dispose();
    }
  });
});

describe('ten stalled clients', () => {
  test('are each closed as too slow while a healthy client receives every event in order', async () => {
    const t = await buildTestApp('sqlite', undefined, {
      // No heartbeat during the test: a paused client cannot answer pings, and should end as too slow.
      config: (c) => ({
        ...tight!(c),
        live: { ...tight!(c).live, maxConnections: 16, heartbeatMs: 600_000 },
      }),
    });
    try {
      const server = await Server.start(t);
      const stalled = await Promise.all(Array.from({ length: 10 }, () => server.open('notifications')));
      const healthy = await server.open('notifications');
      await until(() => [...stalled, healthy].every((c) => c.messages.length === 1), 'the snapshots');
      for (const client of stalled) client.ws.pause();
      const big = 'x'.repeat(16 * 1024);
      let published = 0;
      // The kernel's socket buffers fill first; then the server gives up on each stalled client.
      while (server.clients('notifications') > 1) {
        for (let i = 0; i < 16; i++) await t.app.bus.publish('notification', notice(++published, big));
        await until(() => healthy.messages.length === 1 + published, 'the healthy client to keep up');
        if (published > 100_000) throw new Error('a stalled client was never closed');
      }
      expect(await metric(t, 'omi_live_clients_ended_total{channel="notifications",reason="too_slow"}')).toBe(
        10,
      );
      expect(healthy.messages.slice(1).map((m) => m.seq)).toEqual(
        Array.from({ length: published }, (_, i) => healthy.messages[1].seq + i),
      );
      for (const client of stalled) client.ws.resume();
      const codes = await Promise.all(stalled.map((c) => c.closed.then((x) => x.code)));
      for (const code of codes) expect([4008, 1006]).toContain(code);
      healthy.ws.close();
    } finally {
      await t.dispose();
    }
  });
});

describe.each(TARGETS)('a server restart on %s', (target) => {
  test('a reconnecting client gets resync and a snapshot, then converges to the database', async () => {
    const first = await buildTestApp(target, { vms: 3, days: 2 }, { config: tight });
    let second: TestApp | undefined;
    try {
      const vms = await first.store.db.selectFrom('vm_replication_contexts').selectAll().limit(2).execute();
      const now = first.store.time.toDb(Date.now());
      await first.store.db
        .insertInto('replication_jobs')
        .values([newJobRow(vms[0], 'restart-a', now), newJobRow(vms[1], 'restart-b', now)])
        .execute();
      const push = (t: TestApp, job: string, bytes: number) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/progress/${job}`,
          headers: bearer('ingest'),
          payload: { stage: 'Transfer', status: 'Streaming', bytes_transferred: bytes, total_bytes: 1000 },
        });

      const before = await Server.start(first);
      const client = await before.open('progress');
      await until(() => client.messages.length === 1, 'the snapshot');
      expect((await push(first, 'restart-a', 100)).statusCode).toBe(200);
      await until(() => client.messages.length === 2, 'the first push');
      const last = client.messages[client.messages.length - 1];
      await first.app.close();
      expect((await client.closed).code).toBe(1001);

      // Written while no server runs: another program, or a push the old server took last.
      await first.store.db
        .updateTable('replication_jobs')
        .set({ bytes_transferred: 700, total_bytes: 1000, progress_percent: 70, status: 'replicating' })
        .where('id', '=', 'restart-b')
        .execute();

      second = await buildTestApp(target, undefined, { config: tight, database: first });
      const after = await Server.start(second);
      const resumed = await after.open(`progress?since=${last.seq}&epoch=${last.epoch}`);
      await until(() => resumed.messages.length >= 2, 'resync and snapshot');
      expect(resumed.messages.map((m) => m.type).slice(0, 2)).toEqual(['resync', 'snapshot']);
      expect((await push(second, 'restart-a', 900)).statusCode).toBe(200);
      await until(() => resumed.messages.length === 3, 'a push to the new server');

      // The client's view: the snapshot, then each update replacing its job's entry.
      const view = new Map<string, ProgressEventData>();
      for (const m of resumed.messages) {
        if (m.type === 'snapshot')
          for (const job of (m.data as { jobs: ProgressEventData[] }).jobs) view.set(job.job_id, job);
        if (m.type === 'progress_update')
          view.set((m.data as ProgressEventData).job_id, m.data as ProgressEventData);
      }
      const rows = await second.store.db
        .selectFrom('replication_jobs')
        .select(['id', 'bytes_transferred'])
        .where('id', 'in', ['restart-a', 'restart-b'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.id, Number(r.bytes_transferred)])).toEqual([
        ['restart-a', 900],
        ['restart-b', 700],
      ]);
      expect(rows.map((r) => [r.id, view.get(r.id)?.bytes_transferred])).toEqual(
        rows.map((r) => [r.id, Number(r.bytes_transferred)]),
      );
      resumed.ws.close();
    } finally {
      await second?.dispose();
      await first.dispose();
    }
  });
});
