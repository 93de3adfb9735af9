// The live channels' sources beside ingest: the change feed over replication_jobs (rows other
// programs write with plain SQL), the detectors (stalled job, failure burst), Grafana's alert
// webhook, and the notifications they raise (stored, pushed, listed). Real sockets, real
// databases; the feed and the detectors are driven with explicit clocks instead of waiting.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import WebSocket from 'ws';
import { ChangeFeed } from '../src/change-feed/feed';
import { mysqlLockName } from '../src/db/lock';
import type { LiveEvent, NotificationEventData, ProgressEventData } from '../src/events/bus';
import type { LiveMessage } from '../src/live/channel-log';
import { newJobRow } from '../src/vm-contexts/new-job';
import type { VmContextRow } from '../src/db/schema';
import { bearer, buildTestApp, TARGETS, type TestApp, type TestAppOptions } from './helper';

const MIN = 60_000;

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Client {
  ws: WebSocket;
  messages: LiveMessage[];
  closed: Promise<number>;
}

async function listen(t: TestApp) {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return (path: string, options: WebSocket.ClientOptions = {}): Promise<Client> => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws/${path}`, {
      headers: bearer('reader'),
      ...options,
    });
    const messages: LiveMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, messages, closed }));
      ws.once('error', reject);
    });
  };
}

/** One sample of GET /metrics, e.g. `omi_events_dropped_total{reason="slow_consumer"}`. */
async function metric(t: TestApp, series: string): Promise<number> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`${series} is not in /metrics`);
  return Number(line.slice(series.length + 1));
}

const feedEvents = (t: TestApp, jobId: string) =>
  t.events.filter(
    (e): e is Extract<LiveEvent, { type: 'progress_update' | 'job_complete' | 'job_failed' }> =>
      (e.type === 'progress_update' || e.type === 'job_complete' || e.type === 'job_failed') &&
      e.data.job_id === jobId,
  );

async function someVms(t: TestApp, n: number): Promise<VmContextRow[]> {
  return t.store.db.selectFrom('vm_replication_contexts').selectAll().orderBy('vm_name').limit(n).execute();
}

/** Another program holding the lock a scheduled job takes (MariaDB's GET_LOCK, named per database). */
async function holdLock(url: string, lockName: string) {
  const conn = await createConnection({ uri: url });
  const [[{ db }]] = (await conn.query('select database() as db')) as unknown as [[{ db: string }]];
  const name = mysqlLockName(db, lockName);
  const [rows] = await conn.query('select get_lock(?, 0) as got', [name]);
  expect((rows as { got: number }[])[0].got).toBe(1);
  // Release before closing: the server frees a dead connection's lock only once it notices.
  return async () => {
    await conn.query('select release_lock(?)', [name]);
    await conn.end();
  };
}

describe.each(TARGETS)('change feed on %s', (target) => {
  let t: TestApp;
  let open: Awaited<ReturnType<typeof listen>>;
  let vms: VmContextRow[];
  let secondInstance: ChangeFeed;
  const dbNow = (ms = Date.now()) => t.store.time.toDb(ms);

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 4, days: 2 });
    vms = await someVms(t, 2);
    const anHourAgo = dbNow(Date.now() - 60 * MIN);
    await t.store.db
      .insertInto('replication_jobs')
      .values([
        newJobRow(vms[0], 'feed-sql', anHourAgo, { status: 'replicating', total_bytes: 1000 }),
        newJobRow(vms[1], 'feed-ingest', anHourAgo, { status: 'replicating', total_bytes: 1000 }),
        newJobRow(vms[1], 'feed-fail', anHourAgo, { status: 'replicating', total_bytes: 1000 }),
        newJobRow(vms[0], 'ingest-fail', anHourAgo, { status: 'replicating', total_bytes: 1000 }),
      ])
      .execute();
    open = await listen(t);
    secondInstance = new ChangeFeed(t.store, t.app.bus, t.app.config.changeFeed, t.app.log);
    // The first read starts the watermark at "now": rows changed before are not replayed.
    expect(await t.app.changeFeed.poll()).toMatchObject({ read: 0, published: 0 });
  });
  afterAll(async () => t?.dispose());

  test('a plain SQL UPDATE by another program reaches a progress client once', async () => {
    const client = await open('progress?job=feed-sql');
    await until(() => client.messages.length === 1, 'the snapshot');
    const at = dbNow();
    await sql`update replication_jobs set status = 'replicating', progress_percent = 55, bytes_transferred = 550,
      current_operation = 'Transfer', updated_at = ${at} where id = ${'feed-sql'}`.execute(t.store.db);

    expect(await t.app.changeFeed.poll()).toMatchObject({ published: 1 });
    await until(() => client.messages.length === 2, 'the change');
    expect(client.messages[1]).toMatchObject({
      type: 'progress_update',
      data: {
        job_id: 'feed-sql',
        vm_name: vms[0].vm_name,
        status: 'replicating',
        phase: 'Transfer',
        percentage: 55,
        bytes_transferred: 550,
        total_bytes: 1000,
        source: 'change_feed',
      },
    });
    // Read again while it settles, and once settled: nothing more.
    expect(await t.app.changeFeed.poll()).toMatchObject({ read: 1, published: 0 });
    const settled = await t.app.changeFeed.poll(Date.now() + 10_000);
    expect(settled).toMatchObject({ published: 0, mark: { updatedAt: at, id: 'feed-sql' } });
    expect(await t.app.changeFeed.poll(Date.now() + 10_000)).toMatchObject({ read: 0, published: 0 });

    await sql`update replication_jobs set progress_percent = 60, bytes_transferred = 600, updated_at = ${dbNow(
      Date.now() + 1,
    )} where id = ${'feed-sql'}`.execute(t.store.db);
    expect(await t.app.changeFeed.poll(Date.now() + 10_000)).toMatchObject({ published: 1 });
    await until(() => client.messages.length === 3, 'the second change');
    // In order, each once: the socket delivers in order, so nothing slipped in between.
    expect(client.messages.map((m) => m.type)).toEqual(['snapshot', 'progress_update', 'progress_update']);
    expect(client.messages.slice(1).map((m) => (m.data as ProgressEventData).percentage)).toEqual([55, 60]);
    expect(feedEvents(t, 'feed-sql').map((e) => e.data.percentage)).toEqual([55, 60]);
    client.ws.close();
  });

  test('a failure reported through ingest is one critical notification from ingest, not repeated by the feed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/progress/ingest-fail',
      headers: bearer('ingest'),
      payload: {
        stage: 'Transfer',
        status: 'Failed',
        bytes_transferred: 300,
        total_bytes: 1000,
        error_message: 'Permission denied on datastore',
        error_classification: 'permission',
      },
    });
    expect(res.json()).toMatchObject({ applied: true, status: 'failed' });
    await t.app.notifications.settled();
    // The feed reads the row ingest wrote and leaves it to ingest.
    expect(await t.app.changeFeed.poll(Date.now() + 10_000)).toMatchObject({ read: 1, published: 0 });
    expect(feedEvents(t, 'ingest-fail').map((e) => [e.type, e.data.source ?? 'ingest'])).toEqual([
      ['progress_update', 'ingest'],
      ['job_failed', 'ingest'],
    ]);
    const stored = await t.store.db
      .selectFrom('omi_notifications')
      .selectAll()
      .where('job_id', '=', 'ingest-fail')
      .execute();
    expect(stored).toEqual([
      expect.objectContaining({
        severity: 'critical',
        source: 'ingest',
        title: `Replication failed: ${vms[0].vm_name}`,
        message: 'Permission denied on datastore (permission; job ingest-fail at 30%)',
      }),
    ]);
  });

  test('a change ingest published is not published again by the feed', async () => {
    const push = (body: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/progress/feed-ingest',
        headers: bearer('ingest'),
        payload: body,
      });
    const res = await push({
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: 250,
      total_bytes: 1000,
      throughput_bps: 1e6,
    });
    expect(res.json()).toMatchObject({ applied: true });
    expect(feedEvents(t, 'feed-ingest').map((e) => e.type)).toEqual(['progress_update']);
    const late = Date.now() + 120_000;
    // The feed reads the row ingest wrote, and leaves it to ingest.
    expect(await t.app.changeFeed.poll()).toMatchObject({ read: 1, published: 0 });
    expect(await t.app.changeFeed.poll(late)).toMatchObject({ published: 0 });

    // Another program touches the row without changing its progress: still nothing to say.
    await sql`update replication_jobs set vma_last_poll_at = ${dbNow()}, updated_at = ${dbNow(
      late - 20_000,
    )} where id = ${'feed-ingest'}`.execute(t.store.db);
    expect(await t.app.changeFeed.poll(late)).toMatchObject({ read: 1, published: 0 });
    // ... and when it moves the job on, the feed says so.
    await sql`update replication_jobs set bytes_transferred = 900, progress_percent = 90, updated_at = ${dbNow(
      late - 10_000,
    )} where id = ${'feed-ingest'}`.execute(t.store.db);
    expect(await t.app.changeFeed.poll(late)).toMatchObject({ published: 1 });
    expect(
      feedEvents(t, 'feed-ingest').map((e) => [e.type, e.data.percentage, e.data.source ?? 'ingest']),
    ).toEqual([
      ['progress_update', 25, 'ingest'],
      ['progress_update', 90, 'change_feed'],
    ]);
  });

  test('rows with the same updated_at are each published once, across pages and after the watermark', async () => {
    // After everything the previous tests wrote (the watermark only moves forward).
    const base = Date.now() + 200_000;
    const tie = dbNow(base);
    const ids = Array.from({ length: 1050 }, (_, i) => `tie-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 150) {
      await t.store.db
        .insertInto('replication_jobs')
        .values(
          ids
            .slice(i, i + 150)
            .map((id, j) => newJobRow(vms[j % 2], id, tie, { status: 'replicating', progress_percent: 1 })),
        )
        .execute();
    }
    const result = await t.app.changeFeed.poll(base + 10_000);
    expect(result).toMatchObject({ read: 1050, published: 1050, mark: { updatedAt: tie, id: 'tie-1049' } });
    const published = t.events.filter(
      (e) => e.type === 'progress_update' && e.data.job_id.startsWith('tie-'),
    ) as Extract<LiveEvent, { type: 'progress_update' }>[];
    expect(published.map((e) => e.data.job_id)).toEqual(ids);

    // Another row with the same updated_at and a later id is still new.
    await t.store.db
      .insertInto('replication_jobs')
      .values(newJobRow(vms[0], 'tie-1050', tie, { status: 'replicating' }))
      .execute();
    expect(await t.app.changeFeed.poll(base + 10_000)).toMatchObject({
      read: 1,
      published: 1,
      mark: { updatedAt: tie, id: 'tie-1050' },
    });
    expect(await t.app.changeFeed.poll(base + 10_000)).toMatchObject({ read: 0, published: 0 });
  });

  test('a job failed by another program is a job_failed event and one critical notification', async () => {
    const notifications = await open('notifications');
    await until(() => notifications.messages.length === 1, 'the snapshot');
    const later = Date.now() + 300_000;
    await sql`update replication_jobs set status = 'failed', error_message = 'NBD export lost',
      vma_error_classification = 'network', completed_at = ${dbNow(later - 10_000)},
      updated_at = ${dbNow(later - 10_000)} where id = ${'feed-fail'}`.execute(t.store.db);
    expect(await t.app.changeFeed.poll(later)).toMatchObject({ published: 2 });
    expect(feedEvents(t, 'feed-fail').map((e) => e.type)).toEqual(['progress_update', 'job_failed']);
    await t.app.notifications.settled();
    await until(() => notifications.messages.length === 2, 'the notification');
    expect(notifications.messages[1]).toMatchObject({
      type: 'notification',
      data: {
        severity: 'critical',
        source: 'change_feed',
        title: `Replication failed: ${vms[1].vm_name}`,
        message: 'NBD export lost (network; job feed-fail at 0%)',
        vm_name: vms[1].vm_name,
        job_id: 'feed-fail',
        dedup_key: 'job_failed:feed-fail',
      },
    });
    // Published again (say by a second feed) it is still one notification.
    const [failed] = feedEvents(t, 'feed-fail').filter((e) => e.type === 'job_failed');
    await t.app.bus.publish('job_failed', failed.data as never);
    await t.app.notifications.settled();
    const stored = await t.store.db
      .selectFrom('omi_notifications')
      .selectAll()
      .where('job_id', '=', 'feed-fail')
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ severity: 'critical', source: 'change_feed' });
    expect(notifications.messages).toHaveLength(2);
    notifications.ws.close();
  });

  test('another instance takes over from the stored watermark and the shared bus: nothing twice', async () => {
    // Built at the start, like an instance that has been running (and listening to the bus) all along.
    const other = secondInstance;
    const before = t.events.length;
    const late = Date.now() + 600_000;
    expect(await other.poll(late)).toMatchObject({ published: 0 });
    await sql`update replication_jobs set progress_percent = 70, updated_at = ${dbNow(late - 5_000)}
      where id = ${'feed-sql'}`.execute(t.store.db);
    // Read before it settled: the other instance publishes it and leaves the watermark before it...
    expect(await other.poll(late - 4_000)).toMatchObject({ read: 1, published: 1 });
    // ... so this one reads it again, and knows from the bus that it was said.
    expect(await t.app.changeFeed.poll(late)).toMatchObject({ read: 1, published: 0 });
    expect(t.events.slice(before).map((e) => e.type)).toEqual(['progress_update']);
    await other.stop();
  });

  test('health shows the feed; on MariaDB another holder of the lock keeps this instance out', async () => {
    const res = await t.app.inject({ url: '/api/v1/debug/health', headers: bearer('reader') });
    expect(res.json().checks.change_feed).toMatchObject({
      status: 'disabled',
      message: 'CHANGE_FEED_INTERVAL_MS=0',
    });
    if (t.store.dialect !== 'mysql') return;
    const release = await holdLock(t.url, 'omi_change_feed');
    try {
      expect(await t.app.changeFeed.poll()).toBeNull();
    } finally {
      await release();
    }
    expect(await t.app.changeFeed.poll()).not.toBeNull();
  });
});

describe.each(TARGETS)('change feed on its timer on %s', (target) => {
  let t: TestApp;
  afterAll(async () => t?.dispose());

  test('with CHANGE_FEED_INTERVAL_MS set, an UPDATE reaches a client without anyone polling', async () => {
    t = await buildTestApp(target, { vms: 2, days: 1 }, { env: { CHANGE_FEED_INTERVAL_MS: '100' } });
    const [vm] = await someVms(t, 1);
    await t.store.db
      .insertInto('replication_jobs')
      .values(newJobRow(vm, 'timer-job', t.store.time.toDb(Date.now() - 60 * MIN), { status: 'replicating' }))
      .execute();
    const open = await listen(t);
    const client = await open('progress?job=timer-job');
    await until(() => client.messages.length === 1, 'the snapshot');
    await sql`update replication_jobs set progress_percent = 33, updated_at = ${t.store.time.toDb(
      Date.now(),
    )} where id = ${'timer-job'}`.execute(t.store.db);
    await until(() => client.messages.length === 2, 'the change from the feed');
    expect(client.messages[1]).toMatchObject({ type: 'progress_update', data: { percentage: 33 } });
    const health = await t.app.inject({ url: '/api/v1/debug/health', headers: bearer('reader') });
    expect(health.json().checks.change_feed).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^every 100 ms/),
    });
    client.ws.close();
  });
});

const tight: TestAppOptions['config'] = (c) => ({
  ...c,
  // A heartbeat slow enough that the paused client is ended for its buffer, not for its pongs.
  live: { ...c.live, heartbeatMs: 1000, maxBufferedBytes: 64 * 1024, replayBuffer: 64 },
});

describe.each(TARGETS)('notifications on %s', (target) => {
  let t: TestApp;
  let open: Awaited<ReturnType<typeof listen>>;
  let vms: VmContextRow[];
  const NOW = Date.now();
  const dbAt = (ms: number) => t.store.time.toDb(ms);

  beforeAll(async () => {
    t = await buildTestApp(
      target,
      { vms: 4, days: 2 },
      {
        env: { FAILURE_BURST_COUNT: '3', FAILURE_BURST_MINUTES: '10', STALLED_JOB_MINUTES: '15' },
        config: tight,
      },
    );
    vms = await someVms(t, 4);
    open = await listen(t);
  });
  afterAll(async () => t?.dispose());

  const stored = (where: { source?: string; job_id?: string }) => {
    let q = t.store.db.selectFrom('omi_notifications').selectAll().orderBy('id');
    if (where.source) q = q.where('source', '=', where.source);
    if (where.job_id) q = q.where('job_id', '=', where.job_id);
    return q.execute();
  };

  test('a stalled job is notified once, and again only after it moved and stalled again', async () => {
    await t.store.db
      .insertInto('replication_jobs')
      .values([
        newJobRow(vms[0], 'stall-1', dbAt(NOW - 20 * MIN), { status: 'replicating', progress_percent: 12 }),
        newJobRow(vms[1], 'stall-queued', dbAt(NOW - 20 * MIN), { status: 'pending' }),
        newJobRow(vms[2], 'stall-fresh', dbAt(NOW - MIN), { status: 'replicating' }),
      ])
      .execute();
    const client = await open('notifications');
    await until(() => client.messages.length === 1, 'the snapshot');

    const first = await t.app.detectors.run(NOW);
    expect(first!.raised).toBeGreaterThanOrEqual(1);
    const mine = await stored({ job_id: 'stall-1' });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ severity: 'warning', source: 'stalled_job', vm_name: vms[0].vm_name });
    expect(
      (await stored({ job_id: 'stall-queued' })).length + (await stored({ job_id: 'stall-fresh' })).length,
    ).toBe(0);
    // Everything raised was pushed, once.
    await until(() => client.messages.length === 1 + first!.raised, 'the pushes');
    const pushed = client.messages.slice(1).map((m) => m.data as NotificationEventData);
    expect(pushed.filter((n) => n.job_id === 'stall-1')).toEqual([
      expect.objectContaining({ id: Number(mine[0].id), dedup_key: mine[0].dedup_key, title: mine[0].title }),
    ]);

    // Still stalled a minute later: nothing new.
    expect(await t.app.detectors.run(NOW + MIN)).toMatchObject({ raised: 0 });
    // It moves, then stalls again: a second notice.
    await t.store.db
      .updateTable('replication_jobs')
      .set({ updated_at: dbAt(NOW + 2 * MIN) })
      .where('id', '=', 'stall-1')
      .execute();
    expect(await t.app.detectors.run(NOW + 10 * MIN)).toMatchObject({ raised: 0 });
    await t.app.detectors.run(NOW + 18 * MIN);
    expect(await stored({ job_id: 'stall-1' })).toHaveLength(2);
    await t.store.db
      .updateTable('replication_jobs')
      .set({ status: 'completed' })
      .where('id', 'like', 'stall-%')
      .execute();
    client.ws.close();
  });

  test('a burst of failures is one critical notification; the next run does not repeat it', async () => {
    const at = NOW + 60 * MIN;
    await t.store.db
      .insertInto('replication_jobs')
      .values(
        ['a', 'b', 'c'].map((x, i) =>
          newJobRow(vms[i], `burst-${x}`, dbAt(at - (i + 1) * MIN), {
            status: 'failed',
            completed_at: dbAt(at - (i + 1) * MIN),
            vma_error_classification: i === 0 ? 'network' : 'disk',
          }),
        ),
      )
      .execute();
    expect(await t.app.detectors.run(at)).toMatchObject({ raised: 1 });
    const bursts = await stored({ source: 'failure_burst' });
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({
      severity: 'critical',
      title: '3 replications failed within 10 minutes',
      message: expect.stringContaining('By error class: disk 2, network 1.'),
    });
    expect(await t.app.detectors.run(at + MIN)).toMatchObject({ raised: 0 });
    expect(await stored({ source: 'failure_burst' })).toHaveLength(1);
    if (t.store.dialect === 'mysql') {
      const release = await holdLock(t.url, 'omi_detectors');
      try {
        expect(await t.app.detectors.run(at + 2 * MIN)).toBeNull();
      } finally {
        await release();
      }
    }
  });

  const grafanaAlert = (over: Record<string, unknown> = {}) => ({
    status: 'firing',
    labels: {
      alertname: 'Migration failed',
      vm_name: vms[3].vm_name,
      severity: 'warning',
      error_class: 'disk',
    },
    annotations: { summary: 'A replication failed', description: 'disk error' },
    startsAt: '2026-11-26T09:51:03.157076+02:00',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'https://grafana.example.com/alerting/grafana/rule-1/view',
    fingerprint: 'c6eadffa33fcdf37',
    silenceURL: 'https://grafana.example.com/alerting/silence/new',
    dashboardURL: '',
    panelURL: '',
    values: { B: 1, C: 1 },
    ...over,
  });
  const webhook = (alerts: object[], over: Record<string, unknown> = {}) => ({
    receiver: 'oma-insights',
    status: 'firing',
    orgId: 1,
    alerts,
    groupLabels: { alertname: 'Migration failed' },
    commonLabels: { alertname: 'Migration failed' },
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    version: '1',
    groupKey: '{}:{alertname="Migration failed"}',
    truncatedAlerts: 0,
    title: '[FIRING:1] Migration failed',
    state: 'alerting',
    message: '**Firing**',
    ...over,
  });
  const post = (
    payload: unknown,
    who: 'ingest' | 'reader' | null = 'ingest',
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/grafana',
      headers: { ...(who ? bearer(who) : {}), ...headers },
      payload: payload as object,
    });

  test("Grafana's webhook: stored, pushed, listed by GET /notifications and /query; a repeat is a duplicate", async () => {
    const client = await open('notifications');
    await until(() => client.messages.length === 1, 'the snapshot');
    const before = client.messages.length;
    const body = webhook([
      grafanaAlert(),
      grafanaAlert({ status: 'resolved', fingerprint: 'bc97ff14869b13e3', labels: { alertname: 'Stalled' } }),
    ]);
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ received: 2, created: 2, duplicates: 0 });
    await until(() => client.messages.length === before + 2, 'the pushes');
    expect(client.messages.slice(before).map((m) => m.data)).toEqual([
      expect.objectContaining({
        id: result.notification_ids[0],
        severity: 'warning',
        source: 'grafana',
        title: `[FIRING] Migration failed: ${vms[3].vm_name}`,
        message: 'A replication failed — disk error',
        vm_name: vms[3].vm_name,
      }),
      expect.objectContaining({
        id: result.notification_ids[1],
        severity: 'info',
        title: '[RESOLVED] Stalled',
      }),
    ]);

    const again = await post(body);
    expect(again.json()).toEqual({
      received: 2,
      created: 0,
      duplicates: 2,
      notification_ids: result.notification_ids,
    });

    const list = await t.app.inject({
      url: `/api/v1/notifications?source=grafana&vm=${encodeURIComponent(vms[3].vm_name)}`,
      headers: bearer('reader'),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      count: 1,
      next_cursor: null,
      notifications: [
        {
          id: result.notification_ids[0],
          severity: 'warning',
          source: 'grafana',
          vm_name: vms[3].vm_name,
          job_id: null,
          created_at: expect.stringMatching(/Z$/),
          links: [
            { kind: 'vm', url: `/d/oma-vm-detail?var-vm=${encodeURIComponent(vms[3].vm_name)}` },
            { kind: 'alert', url: 'https://grafana.example.com/alerting/grafana/rule-1/view' },
            { kind: 'silence', url: 'https://grafana.example.com/alerting/silence/new' },
          ],
        },
      ],
    });
    const info = await t.app.inject({
      url: '/api/v1/notifications?severity=info&source=grafana',
      headers: bearer('reader'),
    });
    expect(info.json().notifications.map((n: { id: number }) => n.id)).toEqual([result.notification_ids[1]]);

    const query = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer('reader'),
      payload: {
        range: {
          from: new Date(Date.now() - 3_600_000).toISOString(),
          to: new Date(Date.now() + 60_000).toISOString(),
        },
        queries: [{ refId: 'N', queryType: 'notifications', source: 'grafana' }],
      },
    });
    expect(query.statusCode).toBe(200);
    const [frame] = query.json().results.N.frames;
    const field = (name: string) => frame.fields.find((f: { name: string }) => f.name === name).values;
    expect(frame.fields.map((f: { name: string }) => f.name)).toEqual([
      'time',
      'severity',
      'title',
      'message',
      'source',
      'vm_name',
      'job_id',
      'link',
    ]);
    expect(field('title')).toEqual(['[RESOLVED] Stalled', `[FIRING] Migration failed: ${vms[3].vm_name}`]);
    expect(field('link')).toEqual([
      'https://grafana.example.com/alerting/grafana/rule-1/view',
      `/d/oma-vm-detail?var-vm=${encodeURIComponent(vms[3].vm_name)}`,
    ]);
    expect(field('time').every((ms: number) => Math.abs(ms - Date.now()) < 3_600_000)).toBe(true);
    client.ws.close();
  });

  test('a malformed webhook is a 400 that names the problem, and stores nothing', async () => {
    const count = async () => (await stored({})).length;
    const before = await count();
    const cases: [unknown, RegExp][] = [
      [{ receiver: 'x', status: 'firing' }, /alerts/],
      [webhook([]), /alerts/],
      [webhook([grafanaAlert({ status: 'burning' })]), /status/],
      [webhook([grafanaAlert({ labels: { vm_name: 42 } })]), /labels/],
      [webhook([grafanaAlert({ startsAt: undefined })]), /startsAt/],
      [
        webhook([grafanaAlert(), grafanaAlert({ startsAt: 'yesterday', fingerprint: 'new' })]),
        /\/alerts\/1\/startsAt/,
      ],
      [webhook([grafanaAlert()], { status: 'unknown' }), /status/],
      [[grafanaAlert()], /object/],
    ];
    for (const [payload, problem] of cases) {
      const res = await post(payload);
      expect({ payload, status: res.statusCode }).toEqual({ payload, status: 400 });
      expect(res.json().error.message).toMatch(problem);
    }
    const notJson = await post('{"status": "firing", ', 'ingest', { 'content-type': 'application/json' });
    expect(notJson.statusCode).toBe(400);
    const tooLarge = await post(
      webhook([grafanaAlert({ annotations: { description: 'x'.repeat(9 * 1024 * 1024) } })]),
    );
    expect(tooLarge.statusCode).toBe(413);
    expect((await post(webhook([grafanaAlert()]), 'reader')).statusCode).toBe(403);
    expect((await post(webhook([grafanaAlert()]), null)).statusCode).toBe(401);
    expect(await count()).toBe(before);
  });

  test('GET /notifications pages with a cursor and refuses bad parameters', async () => {
    // The detectors ran with clocks up to an hour ahead.
    const until = `to=${Date.now() + 86_400_000}`;
    const all = (
      await t.app.inject({ url: `/api/v1/notifications?limit=5000&${until}`, headers: bearer('reader') })
    ).json();
    // Stalled twice, a burst, two Grafana alerts.
    expect(all.count).toBeGreaterThanOrEqual(5);
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { notifications: { id: number }[]; next_cursor: string | null } = (
        await t.app.inject({
          url: `/api/v1/notifications?limit=2&${until}${cursor ? `&cursor=${cursor}` : ''}`,
          headers: bearer('reader'),
        })
      ).json();
      ids.push(...page.notifications.map((n) => n.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(ids).toEqual(all.notifications.map((n: { id: number }) => n.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    // A range before everything is empty.
    const old = await t.app.inject({
      url: '/api/v1/notifications?from=2001-01-01&to=2001-01-02',
      headers: bearer('reader'),
    });
    expect(old.json()).toEqual({ notifications: [], count: 0, next_cursor: null });
    for (const query of [
      'from=soon',
      'severity=fatal',
      'limit=0',
      'cursor=forged',
      'from=2026-02-01&to=2026-01-01',
      'colour=red',
    ]) {
      const res = await t.app.inject({ url: `/api/v1/notifications?${query}`, headers: bearer('reader') });
      expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
      expect(res.json().error.code).toEqual(expect.any(String));
    }
    expect((await t.app.inject({ url: '/api/v1/notifications' })).statusCode).toBe(401);
  });

  test('/metrics: the send latency histogram counts events written to sockets; dropped clients are counted by reason', async () => {
    const count = () => metric(t, 'omi_live_send_latency_seconds_count{channel="notifications"}');
    const clients = () => Number(/notifications (\d+)/.exec(t.app.components.get('live')!().message!)![1]);
    await until(() => clients() === 0, 'the earlier clients to be gone');
    const before = await count();
    // Nobody listening: nothing written, nothing measured.
    await t.app.bus.publish('notification', {
      severity: 'info',
      title: 'nobody',
      message: 'm',
      source: 'test',
    });
    expect(await count()).toBe(before);

    const healthy = await open('notifications');
    const stalled = await open('notifications');
    await until(() => healthy.messages.length === 1 && stalled.messages.length === 1, 'snapshots');
    expect(await metric(t, 'omi_events_dropped_total{reason="slow_consumer"}')).toBe(0);
    stalled.ws.pause();
    const big = 'x'.repeat(16 * 1024);
    let published = 0;
    while (
      stalled.ws.readyState === WebSocket.OPEN &&
      (await metric(t, 'omi_events_dropped_total{reason="slow_consumer"}')) === 0
    ) {
      for (let i = 0; i < 16; i++) {
        await t.app.bus.publish('notification', {
          severity: 'info',
          title: String(++published),
          message: big,
          source: 'test',
        });
      }
      await until(() => healthy.messages.length === 1 + published, 'the healthy client');
      if (published > 100_000) throw new Error('the stalled client was never closed');
    }
    expect(await metric(t, 'omi_events_dropped_total{reason="slow_consumer"}')).toBe(1);
    expect(await count()).toBe(before + published);
    const le = await metric(t, 'omi_live_send_latency_seconds_bucket{le="+Inf",channel="notifications"}');
    expect(le).toBe(before + published);
    stalled.ws.resume();
    await stalled.closed;

    // A peer that stops answering pings is ended: dead_peer.
    expect(await metric(t, 'omi_events_dropped_total{reason="dead_peer"}')).toBe(0);
    const silent = await open('system-health', { autoPong: false });
    await silent.closed;
    expect(await metric(t, 'omi_events_dropped_total{reason="dead_peer"}')).toBe(1);
    healthy.ws.close();
  });
});
