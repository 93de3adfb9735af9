// The health sampler on every target: real samples of this machine are stored in
// omi_health_samples and pushed to a real /ws/system-health client; GET /analytics/system-health
// and the systemHealth query type return them as taken or bucketed (mean and max per bucket,
// equal to a computation over the stored rows); retention removes old samples.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import {
  HEALTH_METRICS,
  MAX_HEALTH_POINTS,
  type SystemHealthSeries,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import type { SystemHealthEventData } from '../src/events/bus';
import type { LiveMessage } from '../src/live/channel-log';
import { purgeExpired } from '../src/retention/retention';
import type { HealthSample } from '../src/system-health/sampler';
import { storeSample } from '../src/system-health/plugin';
import { bearer, buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const BASE = FIXED_END.getTime() - 10 * 86_400_000;

/** A synthetic sample: figure i is i + k, so means and maxima are easy to compute. */
function synthetic(atMs: number, k: number, status: 'ok' | 'degraded' = 'ok'): HealthSample {
  const figures = Object.fromEntries(
    HEALTH_METRICS.map((m, i) => [m, i === 0 && k % 3 === 0 ? null : i + k]),
  );
  return {
    atMs,
    status,
    reasons: status === 'degraded' ? ['memory_percent 99 (limit 95)'] : [],
    figures,
  } as HealthSample;
}

describe.each(TARGETS)('system health on %s', (target) => {
  let t: TestApp;
  const get = (query: Record<string, string | number>, who: 'reader' | null = 'reader') =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/system-health',
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      headers: who ? bearer(who) : {},
    });

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 4, days: 2 }, { env: { HEALTH_SAMPLE_INTERVAL_SECONDS: '1' } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => t?.dispose());

  test('every second a real sample is stored and pushed to a /ws/system-health client', async () => {
    const { port } = t.app.server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws/system-health`, { headers: bearer('reader') });
    const messages: LiveMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // A progress push between samples shows up as an ingest rate.
    const job = await t.store.db
      .selectFrom('replication_jobs')
      .select(['id', 'total_bytes'])
      .where('status', 'not in', ['completed', 'failed', 'cancelled'])
      .executeTakeFirst();
    const health = () => messages.filter((m) => m.type === 'system_health');
    await until(() => health().length >= 1, 'a first system_health message');
    if (job) {
      const pushed = await t.app.inject({
        method: 'POST',
        url: `/api/v1/progress/${job.id}`,
        headers: bearer('ingest'),
        payload: {
          stage: 'Transfer',
          status: 'Streaming',
          bytes_transferred: 1,
          total_bytes: Number(job.total_bytes ?? 10) + 10,
        },
      });
      expect(pushed.statusCode).toBe(200);
    }
    await until(() => health().length >= 3, 'three system_health messages');
    ws.close();

    const samples = health().map((m) => m.data as SystemHealthEventData);
    const last = samples[samples.length - 1];
    expect(['ok', 'degraded']).toContain(last.status);
    expect(Array.isArray(last.reasons)).toBe(true);
    // This machine's figures: plausible, not made up.
    expect(last.memory_percent).toBeGreaterThan(0);
    expect(last.memory_percent).toBeLessThanOrEqual(100);
    expect(last.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(last.process_rss_bytes).toBeGreaterThan(10_000_000);
    expect(last.event_loop_lag_ms).toBeGreaterThanOrEqual(0);
    expect(last.event_loop_lag_p99_ms).toBeGreaterThanOrEqual(0);
    expect(last.db_latency_ms).toBeGreaterThan(0);
    expect(last.ws_clients_system_health).toBeGreaterThanOrEqual(1);
    expect(last.events_per_second).toBeGreaterThan(0);
    expect(last.net_rx_bps).not.toBeUndefined();
    if (target === 'sqlite') {
      // The SQLite file's volume is local: its space is known.
      expect(last.disk_free_bytes).toBeGreaterThan(0);
      expect(last.disk_used_percent).toBeGreaterThan(0);
    } else {
      expect(last.db_pool_total).toBeGreaterThanOrEqual(1);
      expect(last.db_pool_waiting).toBe(0);
    }
    if (job) expect(samples.slice(1).some((s) => (s.ingest_per_second ?? 0) > 0)).toBe(true);

    // Each pushed sample is the stored row.
    const stored = await t.store.db
      .selectFrom('omi_health_samples')
      .selectAll()
      .where('sampled_at_ms', '=', Date.parse(last.sampled_at!))
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe(last.status);
    for (const m of HEALTH_METRICS)
      expect([m, stored[m] === null ? null : Number(stored[m])]).toEqual([m, last[m]]);
    const health_ = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
    expect(health_.json().checks.health_sampler).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/every 1 s/),
    });
  });

  describe('over time', () => {
    const samples = Array.from({ length: 90 }, (_, i) =>
      synthetic(BASE + i * 10_000, i, i % 10 === 0 ? 'degraded' : 'ok'),
    );
    beforeAll(async () => {
      for (const s of samples) await storeSample(t.store, s);
    });

    test('a short range: the samples as taken', async () => {
      const res = await get({ from: BASE, to: BASE + 300_000 });
      expect(res.statusCode).toBe(200);
      const body = res.json<SystemHealthSeries>();
      expect(body.interval_ms).toBeNull();
      expect(body.sample_interval_ms).toBe(1000);
      expect(body.units.disk_free_bytes).toBe('bytes');
      expect(body.data.map((p) => p.time)).toEqual(
        samples.slice(0, 30).map((s) => new Date(s.atMs).toISOString()),
      );
      expect(body.data[1]).toMatchObject({
        samples: 1,
        degraded: 0,
        cpu_percent: 1,
        cpu_percent_max: 1,
        memory_percent: 3,
      });
      expect(body.data[0]).toMatchObject({ degraded: 1, cpu_percent: null });
    });

    test('with an interval: mean and max per bucket, nulls left out, equal to the stored rows', async () => {
      const res = await get({ from: BASE, to: BASE + 900_000, interval: '1m' });
      const body = res.json<SystemHealthSeries>();
      expect(body.interval_ms).toBe(60_000);
      expect(body.data).toHaveLength(15);
      for (const point of body.data) {
        const start = Date.parse(point.time);
        const inBucket = samples.filter((s) => s.atMs >= start && s.atMs < start + 60_000);
        expect(point.samples).toBe(inBucket.length);
        expect(point.degraded).toBe(inBucket.filter((s) => s.status === 'degraded').length);
        for (const m of ['cpu_percent', 'disk_write_bps', 'ingest_per_second'] as const) {
          const values = inBucket.map((s) => s.figures[m]).filter((v): v is number => v !== null);
          const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
          expect([m, point[m]]).toEqual([m, mean === null ? null : Math.round(mean * 1000) / 1000]);
          expect(point[`${m}_max`]).toBe(values.length ? Math.max(...values) : null);
        }
      }
    });

    test(`a range holding more than ${MAX_HEALTH_POINTS} samples is bucketed by itself`, async () => {
      const many = Array.from({ length: MAX_HEALTH_POINTS + 50 }, (_, i) =>
        synthetic(BASE + 2 * 86_400_000 + i * 1000, i),
      );
      for (let i = 0; i < many.length; i += 500) {
        await t.store.db
          .insertInto('omi_health_samples')
          .values(
            many.slice(i, i + 500).map((s) => ({
              sampled_at: t.store.time.toDb(s.atMs),
              sampled_at_ms: s.atMs,
              status: s.status,
              reasons: null,
              ...s.figures,
            })),
          )
          .execute();
      }
      const from = BASE + 2 * 86_400_000;
      const body = (await get({ from, to: from + many.length * 1000 })).json<SystemHealthSeries>();
      expect(body.interval_ms).toBe(2000);
      expect(body.data.length).toBeLessThanOrEqual(MAX_HEALTH_POINTS);
      expect(body.data.reduce((s, p) => s + p.samples, 0)).toBe(many.length);
    });

    test.each([
      [{ from: BASE + 1000, to: BASE }, 'invalid_time_range', /"from" is after "to"/],
      [{ from: BASE, to: BASE }, 'invalid_analytics_request', /"from" must be before "to"/],
      [
        { from: BASE, to: BASE + 365 * 86_400_000, interval: '1m' },
        'invalid_analytics_request',
        new RegExp(`at most ${MAX_HEALTH_POINTS}`),
      ],
      [{ interval: 'often' }, 'validation_failed', /interval/],
      [{ vcenter: 'vc1' }, 'validation_failed', /vcenter/],
    ])('refuses %j with a clear 400', async (query, code, message) => {
      const res = await get(query);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toMatch(message);
    });

    test('needs a token', async () => {
      expect((await get({}, null)).statusCode).toBe(401);
    });

    test('the systemHealth query: a wide time series bucketed by intervalMs, within maxDataPoints', async () => {
      const run = async (intervalMs: number, maxDataPoints: number) =>
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/query',
            headers: bearer('reader'),
            payload: {
              range: { from: BASE, to: BASE + 900_000 },
              intervalMs,
              maxDataPoints,
              queries: [{ refId: 'H', queryType: 'systemHealth' }],
            },
          })
        ).json<{ results: Record<string, WireQueryResult> }>().results.H;
      const H = await run(60_000, 1000);
      expect(H.error).toBeUndefined();
      const [frame] = H.frames as WireFrame[];
      expect(frame.name).toBe('system_health');
      expect(frame.meta).toMatchObject({ type: 'timeseries-wide' });
      expect(frame.fields.slice(0, 5).map((f) => f.name)).toEqual([
        'time',
        'samples',
        'degraded',
        'cpu_percent',
        'cpu_percent_max',
      ]);
      expect(frame.fields).toHaveLength(3 + 2 * HEALTH_METRICS.length);
      const rest = (await get({ from: BASE, to: BASE + 900_000, interval: '1m' })).json<SystemHealthSeries>();
      expect(frame.fields[0].values).toEqual(rest.data.map((p) => Date.parse(p.time)));
      expect(frame.fields.find((f) => f.name === 'net_rx_bps_max')!.values).toEqual(
        rest.data.map((p) => p.net_rx_bps_max),
      );
      const few = (await run(1000, 5)).frames as WireFrame[];
      expect(few[0].fields[0].values.length).toBeLessThanOrEqual(6);
      expect((few[0].fields[1].values as number[]).reduce((a, b) => a + b, 0)).toBe(90);
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer('reader'),
        payload: {
          range: { from: BASE, to: BASE + 1000 },
          queries: [{ refId: 'H', queryType: 'systemHealth', metric: 'cpu' }],
        },
      });
      expect(bad.json().results.H).toMatchObject({ status: 400, error: expect.stringMatching(/metric/) });
    });

    test('retention deletes samples older than RETENTION_DAYS and keeps the rest', async () => {
      // Only the synthetic days: the sampler keeps adding rows of today meanwhile.
      const synthetic = () =>
        t.store.db
          .selectFrom('omi_health_samples')
          .select('sampled_at_ms')
          .where('sampled_at_ms', '<', BASE + 3 * 86_400_000)
          .orderBy('sampled_at_ms')
          .execute();
      const before = await synthetic();
      const deleted = await purgeExpired(t.store, 5, BASE + 5 * 86_400_000 + 450_000);
      expect(deleted.omi_health_samples).toBe(45);
      const after = await synthetic();
      expect(after.map((r) => Number(r.sampled_at_ms))).toEqual(
        before.map((r) => Number(r.sampled_at_ms)).filter((ms) => ms >= BASE + 450_000),
      );
      expect(before.length - after.length).toBe(45);
    });
  });
});
