// The analytics endpoints against what a Grafana user would write without us: the MySQL data
// source over the OMA tables, `$__timeGroup`-style (GROUP BY FLOOR(UNIX_TIMESTAMP(col)/interval))
// with the same filters, in the same run and database. For each case: the endpoint's time over
// HTTP (the real server, rollups current), the raw SQL's time, their ratio, and whether the
// answers agree (counts and sums equal; percentiles within the histogram's stated error). Then the
// whole Migration Analytics dashboard's /query requests, as Grafana sends them for 90 days.
//   node bench/analytics.bench.js [mysql://root@127.0.0.1:3306] [jobs=1000000] [cbt=5000000] [--keep] [--reuse]
// --keep leaves the database behind; --reuse takes a kept one of the same size instead of seeding.
// A case whose route the server does not have yet prints "not available".
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createConnection } = require('mysql2/promise');
const { buildApp } = require('../datasource-server/dist/app');
const { parseApiTokens } = require('../datasource-server/dist/auth/tokens');
const { loadConfig } = require('../datasource-server/dist/config');
const { InMemoryEventBus } = require('../datasource-server/dist/events/bus');
const { HISTOGRAM_RELATIVE_ERROR } = require('../datasource-server/dist/analytics/histogram/histogram');
const { predictNextSyncs } = require('../datasource-server/dist/analytics/predictions/predict');
const { DEFAULT_PREDICTION_CONCURRENCY } = require('@oma-insights/contracts');
const { isDeepStrictEqual } = require('node:util');
const { freshStore } = require('./lib/network-world');
const { seedAnalyticsWorld, worldShape } = require('./lib/analytics-world');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const REUSE = process.argv.includes('--reuse');
const KEEP = REUSE || process.argv.includes('--keep');
const SERVER = args[0] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const JOBS = Number(args[1] ?? 1_000_000);
const CBT = Number(args[2] ?? 5_000_000);
const DB_NAME = `omi_bench_analytics_${JOBS}`;
const DASHBOARD = path.join(
  __dirname,
  '..',
  'plugins',
  'oma-app',
  'src',
  'dashboards',
  'migration-analytics.json',
);
/** Timed runs per side after one warm-up; the median counts. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The endpoints answer in milliseconds, where one noisy run moves a median of 3: they run more. */
const ENDPOINT_RUNS = Math.max(RUNS, 9);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FINISHED = "('completed', 'failed', 'cancelled')";
/** The VMs the performance view lists (the busiest first), on both sides. */
const PERFORMANCE_GROUPS = 500;

const SECRET = crypto.randomBytes(24).toString('hex');

async function startServer(url) {
  const tokens = `bench:read:${SECRET}`;
  const config = loadConfig({
    DB_URL: url,
    API_TOKENS: tokens,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    RATE_LIMIT_PER_MINUTE: '100000000',
    // The bench runs the rollups and the performance backfill itself, before timing anything;
    // their cron ticks would otherwise land in the middle of timed runs (on both sides' clock).
    ROLLUP: '0',
    PERFORMANCE_BACKFILL_MINUTES: '0',
  });
  const { openDatabase } = require('../datasource-server/dist/db/connect');
  const store = openDatabase(url);
  const app = await buildApp({
    config,
    store,
    mode: 'standalone',
    bus: new InMemoryEventBus(),
    tokens: parseApiTokens(tokens),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const request = async (method, route, body) => {
    const res = await fetch(`${address}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${SECRET}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    app,
    store,
    request,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Waits for every rollup maintenance the server has (the backfill runs at start). */
async function rollUp(app) {
  const maintenances = Object.keys(app)
    .filter((k) => /rollup/i.test(k) && typeof app[k]?.run === 'function')
    .map((k) => [k, app[k]]);
  for (const [name, maintenance] of maintenances) {
    const t0 = performance.now();
    let run = await maintenance.run();
    // GET_LOCK names are server-wide: another database's rollup on this MariaDB may hold the lock.
    for (let waited = 0; run.ran === false && waited < 600; waited++) {
      if (waited === 0)
        console.log(`  rollup ${name}: waiting for its lock (held by another server or database)`);
      await new Promise((r) => setTimeout(r, 1000));
      run = await maintenance.run();
    }
    console.log(`  rollup ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s ${JSON.stringify(run)}`);
  }
}

/** Records every finished job in omi_migration_analytics (the performance views read it). */
async function recordPerformance(app) {
  const t0 = performance.now();
  let recorded = await app.migrationAnalytics.backfill();
  // The server's own backfill at start may hold the lock: wait for it, then find nothing left.
  for (let waited = 0; recorded === null && waited < 1800; waited++) {
    await new Promise((r) => setTimeout(r, 1000));
    recorded = await app.migrationAnalytics.backfill();
  }
  console.log(
    `  performance backfill: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${recorded} jobs recorded`,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn, runs = RUNS) {
  let result = await fn(); // warm-up (and the answer compared)
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

const iso = (ms) => new Date(ms).toISOString();
const qs = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null)).toString();
/** mysql2 gives DECIMAL/BIGINT sums as strings. */
const num = (v) => (v === null || v === undefined ? null : Number(v));
const close = (a, b, rel, abs = 0.0006) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= Math.max(abs, Math.abs(b) * rel + abs);

/** Differences between two lists of rows keyed by `key`, comparing `fields` (exact unless a tolerance is given). */
function diffRows(apiRows, rawRows, key, fields) {
  const out = [];
  const raw = new Map(rawRows.map((r) => [String(r[key]), r]));
  const api = new Map(apiRows.map((r) => [String(r[key]), r]));
  for (const [k, r] of raw)
    if (!api.has(k) && Number(r.total ?? r.jobs ?? 1) > 0) out.push(`${key} ${k}: only in raw SQL`);
  for (const [k, a] of api) {
    const r = raw.get(k);
    if (!r) {
      if (Number(a.total ?? a.jobs ?? 0) > 0) out.push(`${key} ${k}: only in the endpoint`);
      continue;
    }
    for (const [field, rel] of Object.entries(fields)) {
      const x = num(a[field]);
      const y = num(r[field]);
      const same = rel === 0 ? x === y || (x === 0 && y === null) : close(x, y, rel);
      if (!same) out.push(`${key} ${k} ${field}: endpoint ${x}, raw ${y}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- raw SQL, as a Grafana user writes it

/** Job filters as SQL on replication_jobs. */
function jobWhere(f = {}) {
  const parts = [];
  const values = [];
  for (const [param, column] of [
    ['vcenter', 'v_center_host'],
    ['datacenter', 'datacenter'],
    ['replication_type', 'replication_type'],
    ['vm_group', 'vm_group_id'],
    ['vm', 'source_vm_name'],
  ]) {
    if (f[param] !== undefined) {
      parts.push(`AND ${column} = ?`);
      values.push(f[param]);
    }
  }
  return { sql: parts.join(' '), values };
}

const timeFilter = (col, r) =>
  `${col} >= FROM_UNIXTIME(${r.from / 1000}) AND ${col} < FROM_UNIXTIME(${r.to / 1000})`;
const timeGroup = (col, intervalMs) => `FLOOR(UNIX_TIMESTAMP(${col}) / ${intervalMs / 1000}) * ${intervalMs}`;
const DURATION_S = 'TIMESTAMPDIFF(MICROSECOND, started_at, completed_at) / 1e6';

/** Per bucket: outcomes, bytes, mean throughput; then p50/p95 duration by rank floor(q(n-1)). */
async function rawTrends(conn, r, intervalMs, f) {
  const w = jobWhere(f);
  const [rows] = await conn.query(
    `SELECT ${timeGroup('completed_at', intervalMs)} AS time, COUNT(*) AS total,
       SUM(status = 'completed') AS completed, SUM(status = 'failed') AS failed, SUM(status = 'cancelled') AS cancelled,
       SUM(bytes_transferred) AS bytes,
       SUM(IF(transfer_speed_bps > 0, transfer_speed_bps, NULL)) AS tp_sum, COUNT(IF(transfer_speed_bps > 0, 1, NULL)) AS tp_n
     FROM replication_jobs
     WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} ${w.sql}
     GROUP BY 1 ORDER BY 1`,
    w.values,
  );
  const [ranked] = await conn.query(
    `SELECT time, rn, n, d FROM (
       SELECT ${timeGroup('completed_at', intervalMs)} AS time, ${DURATION_S} AS d,
         ROW_NUMBER() OVER (PARTITION BY ${timeGroup('completed_at', intervalMs)} ORDER BY ${DURATION_S}) - 1 AS rn,
         COUNT(*) OVER (PARTITION BY ${timeGroup('completed_at', intervalMs)}) AS n
       FROM replication_jobs
       WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} ${w.sql}
         AND started_at IS NOT NULL AND started_at <= completed_at
     ) t WHERE rn = FLOOR(0.5e0 * (n - 1)) OR rn = FLOOR(0.95e0 * (n - 1))`,
    w.values,
  );
  const byTime = new Map(rows.map((row) => [Number(row.time), row]));
  for (const p of ranked) {
    const row = byTime.get(Number(p.time));
    const n = Number(p.n);
    const rn = Number(p.rn);
    if (rn === Math.floor(0.5 * (n - 1))) row.duration_p50_s = Number(p.d);
    if (rn === Math.floor(0.95 * (n - 1))) row.duration_p95_s = Number(p.d);
  }
  return rows.map((row) => ({
    time: iso(Number(row.time)),
    total: num(row.total),
    completed: num(row.completed),
    failed: num(row.failed),
    cancelled: num(row.cancelled),
    bytes: num(row.bytes),
    avg_throughput_bps: Number(row.tp_n) ? num(row.tp_sum) / Number(row.tp_n) : null,
    duration_p50_s: row.duration_p50_s ?? null,
    duration_p95_s: row.duration_p95_s ?? null,
  }));
}

const OUTCOMES = `COUNT(*) AS total, SUM(status = 'completed') AS completed, SUM(status = 'failed') AS failed,
  SUM(status = 'cancelled') AS cancelled`;

const GROUP_COLUMN = {
  vcenter: 'v_center_host',
  datacenter: 'datacenter',
  replication_type: 'replication_type',
  error_classification: 'vma_error_classification',
};

async function rawSuccessRates(conn, r, groupBy, intervalMs) {
  const group = groupBy === 'day' ? `${timeGroup('completed_at', intervalMs)}` : GROUP_COLUMN[groupBy];
  const [rows] = await conn.query(
    `SELECT ${group} AS grp, ${OUTCOMES} FROM replication_jobs
     WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} GROUP BY 1`,
  );
  return rows.map((row) => ({
    group: row.grp === null ? null : groupBy === 'day' ? iso(Number(row.grp)) : String(row.grp),
    total: num(row.total),
    completed: num(row.completed),
    failed: num(row.failed),
    cancelled: num(row.cancelled),
    success_rate: Number(row.total) ? Number(row.completed) / Number(row.total) : null,
  }));
}

/** Per VM; a job's throughput is its bytes over its duration, else its last transfer_speed_bps (the endpoint's rule). */
async function rawPerformanceVms(conn, r) {
  const [rows] = await conn.query(
    `SELECT source_vm_name AS \`key\`, COUNT(*) AS jobs, SUM(status = 'completed') AS completed, SUM(status = 'failed') AS failed,
       SUM(bytes_transferred) AS bytes,
       AVG(CASE WHEN ${DURATION_S} > 0 AND bytes_transferred > 0 THEN ROUND(bytes_transferred / (${DURATION_S}), 3)
                WHEN transfer_speed_bps > 0 THEN transfer_speed_bps END) AS avg_throughput_bps,
       AVG(IF(started_at <= completed_at, ${DURATION_S}, NULL)) AS avg_duration_s,
       MAX(IF(started_at <= completed_at, ${DURATION_S}, NULL)) AS max_duration_s
     FROM replication_jobs WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} GROUP BY 1
     ORDER BY jobs DESC, \`key\` LIMIT ${PERFORMANCE_GROUPS}`,
  );
  return rows;
}

async function rawSlowest(conn, r, limit) {
  const [rows] = await conn.query(
    `SELECT id AS job_id, ${DURATION_S} AS duration_s FROM replication_jobs
     WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} AND started_at <= completed_at
     ORDER BY duration_s DESC LIMIT ${limit}`,
  );
  return rows;
}

/** Per bucket of created_at (a cbt_history row is written when its sync ends): counts, bytes, duration percentiles. */
async function rawCbtTrend(conn, r, intervalMs) {
  const [rows] = await conn.query(
    `SELECT ${timeGroup('created_at', intervalMs)} AS time, COUNT(*) AS syncs, SUM(sync_success = 1) AS successful,
       SUM(sync_success <> 1 OR sync_success IS NULL) AS failed, SUM(COALESCE(bytes_transferred, 0)) AS bytes,
       SUM(sync_type = 'full') AS full_syncs, SUM(sync_type = 'incremental') AS incremental_syncs
     FROM cbt_history WHERE ${timeFilter('created_at', r)} GROUP BY 1 ORDER BY 1`,
  );
  const percentiles = await rankedPercentiles(
    conn,
    `SELECT ${timeGroup('created_at', intervalMs)} AS grp, sync_duration_seconds AS d FROM cbt_history
     WHERE ${timeFilter('created_at', r)} AND sync_duration_seconds IS NOT NULL`,
  );
  return rows.map((row) => ({
    ...row,
    time: iso(Number(row.time)),
    duration_p50_s: percentiles.get(String(row.time))?.p50 ?? null,
    duration_p95_s: percentiles.get(String(row.time))?.p95 ?? null,
  }));
}

/** p50 and p95 of `d` per `grp` of a subquery, by rank floor(q(n-1)) as the histograms estimate. */
async function rankedPercentiles(conn, subquery) {
  const [ranked] = await conn.query(
    `SELECT grp, rn, n, d FROM (
       SELECT grp, d, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY d) - 1 AS rn, COUNT(*) OVER (PARTITION BY grp) AS n
       FROM (${subquery}) s
     ) t WHERE rn = FLOOR(0.5e0 * (n - 1)) OR rn = FLOOR(0.95e0 * (n - 1))`,
  );
  const out = new Map();
  for (const p of ranked) {
    const key = String(p.grp);
    const entry = out.get(key) ?? {};
    const n = Number(p.n);
    if (Number(p.rn) === Math.floor(0.5 * (n - 1))) entry.p50 = Number(p.d);
    if (Number(p.rn) === Math.floor(0.95 * (n - 1))) entry.p95 = Number(p.d);
    out.set(key, entry);
  }
  return out;
}

async function rawVolumeOperations(conn, r) {
  const [rows] = await conn.query(
    `SELECT type AS operation_type, COUNT(*) AS operations, SUM(status = 'completed') AS completed,
       SUM(status = 'failed') AS failed, SUM(status = 'cancelled') AS cancelled
     FROM volume_operations WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)} GROUP BY 1`,
  );
  const percentiles = await rankedPercentiles(
    conn,
    `SELECT type AS grp, TIMESTAMPDIFF(MICROSECOND, created_at, completed_at) / 1e6 AS d FROM volume_operations
     WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', r)}`,
  );
  return rows.map((row) => ({
    ...row,
    duration_p50_s: percentiles.get(row.operation_type)?.p50 ?? null,
    duration_p95_s: percentiles.get(row.operation_type)?.p95 ?? null,
  }));
}

/** The headline KPIs a Grafana user would need one query each for (current and previous period). */
async function rawSummary(conn, r) {
  const prev = { from: r.from - (r.to - r.from), to: r.from };
  const out = {};
  for (const [name, range] of [
    ['current', r],
    ['previous', prev],
  ]) {
    const [[jobs]] = await conn.query(
      `SELECT ${OUTCOMES}, SUM(bytes_transferred) AS bytes, AVG(IF(transfer_speed_bps > 0, transfer_speed_bps, NULL)) AS avg_tp,
         MAX(transfer_speed_bps) AS peak_tp
       FROM replication_jobs WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', range)}`,
    );
    const [[cbt]] = await conn.query(
      `SELECT COUNT(*) AS syncs, SUM(sync_success = 1) AS ok FROM cbt_history WHERE ${timeFilter('created_at', range)}`,
    );
    const [[vol]] = await conn.query(
      `SELECT COUNT(*) AS total, SUM(status = 'failed') AS failed FROM volume_operations
       WHERE status IN ${FINISHED} AND ${timeFilter('completed_at', range)}`,
    );
    const [byClass] = await conn.query(
      `SELECT vma_error_classification AS c, COUNT(*) AS n FROM replication_jobs
       WHERE status = 'failed' AND ${timeFilter('completed_at', range)} GROUP BY 1`,
    );
    out[name] = { jobs, cbt, vol, byClass };
  }
  const [[active]] = await conn.query(
    `SELECT COUNT(*) AS n FROM replication_jobs WHERE status NOT IN ${FINISHED}`,
  );
  const [statuses] = await conn.query(
    'SELECT current_status, COUNT(*) AS n FROM vm_replication_contexts GROUP BY 1',
  );
  return { ...out, active, statuses };
}

// ---------------------------------------------------------------- the cases

function trendsCase(label, range, interval, intervalMs, filters = {}) {
  return {
    name: `migration-trends ${label}`,
    route: `/analytics/migration-trends?${qs({ from: iso(range.from), to: iso(range.to), interval, ...filters })}`,
    raw: (conn) => rawTrends(conn, range, intervalMs, filters),
    compare: (body, raw) =>
      diffRows(body.data, raw, 'time', {
        total: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
        bytes: 0,
        avg_throughput_bps: 1e-12,
        duration_p50_s: HISTOGRAM_RELATIVE_ERROR,
        duration_p95_s: HISTOGRAM_RELATIVE_ERROR,
      }),
  };
}

function buildCases(shape, server) {
  const end = shape.endS * 1000;
  const all = { from: shape.startS * 1000, to: end };
  const d90 = { from: end - 90 * DAY, to: end };
  // An uneven range: partial first and last hours read raw rows.
  const odd = { from: end - 30 * DAY - 17 * 60_000 - 123, to: end - 3 * HOUR + 41 * 60_000 };
  const vcenter = 'vcenter-1.bench';
  return [
    trendsCase('400 d by day', all, '1d', DAY),
    trendsCase('90 d by hour', d90, '1h', HOUR),
    trendsCase('90 d by day, 1 vCenter', d90, '1d', DAY, { vcenter }),
    trendsCase('30 d uneven, by 6 h', odd, '6h', 6 * HOUR),
    ...['vcenter', 'datacenter', 'replication_type', 'error_classification', 'day'].map((groupBy) => ({
      name: `success-rates by ${groupBy} 90 d`,
      route: `/analytics/success-rates?${qs({ from: iso(d90.from), to: iso(d90.to), group_by: groupBy, interval: '1d' })}`,
      raw: (conn) => rawSuccessRates(conn, d90, groupBy, DAY),
      compare: (body, raw) =>
        diffRows(body.groups, raw, 'group', {
          total: 0,
          completed: 0,
          failed: 0,
          cancelled: 0,
          success_rate: 1e-9,
        }),
    })),
    {
      name: 'performance-metrics vms 90 d',
      route: `/analytics/performance-metrics?${qs({ from: iso(d90.from), to: iso(d90.to), view: 'vms', limit: PERFORMANCE_GROUPS })}`,
      raw: (conn) => rawPerformanceVms(conn, d90),
      compare: (body, raw) =>
        diffRows(body.groups ?? [], raw, 'key', {
          jobs: 0,
          completed: 0,
          failed: 0,
          bytes: 0,
          avg_throughput_bps: 1e-6,
          avg_duration_s: 1e-6,
          max_duration_s: 1e-6,
        }),
    },
    {
      name: 'performance-metrics slowest 90 d',
      route: `/analytics/performance-metrics?${qs({ from: iso(d90.from), to: iso(d90.to), view: 'slowest', limit: 20 })}`,
      raw: (conn) => rawSlowest(conn, d90, 20),
      compare: (body, raw) =>
        (body.slowest ?? []).map((s) => s.duration_s).join() === raw.map((s) => Number(s.duration_s)).join()
          ? []
          : ['the slowest jobs differ'],
    },
    {
      name: 'cbt-performance trend 90 d by day',
      route: `/analytics/cbt-performance?${qs({ from: iso(d90.from), to: iso(d90.to), interval: '1d', view: 'trend' })}`,
      raw: (conn) => rawCbtTrend(conn, d90, DAY),
      compare: (body, raw) =>
        diffRows(body.trend ?? [], raw, 'time', {
          syncs: 0,
          successful: 0,
          failed: 0,
          bytes: 0,
          full_syncs: 0,
          incremental_syncs: 0,
          duration_p50_s: HISTOGRAM_RELATIVE_ERROR,
          duration_p95_s: HISTOGRAM_RELATIVE_ERROR,
        }),
    },
    {
      name: 'volume-performance 90 d',
      route: `/analytics/volume-performance?${qs({ from: iso(d90.from), to: iso(d90.to), view: 'operations' })}`,
      raw: (conn) => rawVolumeOperations(conn, d90),
      compare: (body, raw) =>
        diffRows(body.operations ?? [], raw, 'operation_type', {
          operations: 0,
          completed: 0,
          failed: 0,
          cancelled: 0,
          duration_p50_s: HISTOGRAM_RELATIVE_ERROR,
          duration_p95_s: HISTOGRAM_RELATIVE_ERROR,
        }),
    },
    {
      name: 'system-health 90 d',
      route: `/analytics/system-health?${qs({ from: iso(d90.from), to: iso(d90.to) })}`,
      // The server's own samples: no OMA table to compare with.
      raw: null,
    },
    {
      name: 'summary 90 d (vs previous 90 d)',
      route: `/analytics/summary?${qs({ from: iso(d90.from), to: iso(d90.to) })}`,
      raw: (conn) => rawSummary(conn, d90),
      compare: (body, raw) => {
        const kpi = Object.fromEntries((body.data ?? []).map((k) => [k.kpi, k]));
        const expect = [
          ['migrations', 'total'],
          ['migrations_completed', 'completed'],
          ['migrations_failed', 'failed'],
          ['migrations_cancelled', 'cancelled'],
          ['bytes_moved', 'bytes'],
        ];
        const diffs = [];
        for (const [id, column] of expect) {
          for (const [period, field] of [
            ['current', 'value'],
            ['previous', 'previous'],
          ]) {
            const want = num(raw[period].jobs[column]) ?? 0;
            if (num(kpi[id]?.[field]) !== want)
              diffs.push(`${id} ${field}: endpoint ${kpi[id]?.[field]}, raw ${want}`);
          }
        }
        const cbtSyncs = num(raw.current.cbt.syncs);
        if (num(kpi.cbt_syncs?.value) !== cbtSyncs)
          diffs.push(`cbt_syncs: endpoint ${kpi.cbt_syncs?.value}, raw ${cbtSyncs}`);
        return diffs;
      },
    },
    {
      // No SQL equivalent: against a fresh training (what every request did before the server
      // kept its model), as of the world's end, as the dashboard asks.
      name: 'predictions (every VM) vs fresh training',
      route: `/analytics/predictions?${qs({ at: iso(shape.endS * 1000) })}`,
      raw: async () =>
        JSON.parse(
          JSON.stringify(
            await predictNextSyncs(
              server.store.db,
              server.store.time,
              {},
              shape.endS * 1000,
              DEFAULT_PREDICTION_CONCURRENCY,
              { fresh: true },
            ),
          ),
        ),
      compare: (api, fresh) => (isDeepStrictEqual(api, fresh) ? [] : ['the predictions differ']),
    },
  ];
}

// ---------------------------------------------------------------- the dashboard's /query requests

/** The /query body of each panel, as Grafana sends them: variables at "All" drop their filter. */
function dashboardRequests(dashboard, range) {
  const vars = Object.fromEntries(
    (dashboard.templating?.list ?? []).map((v) => [
      v.name,
      v.current?.value === '$__all' ? '__all' : (v.current?.value ?? ''),
    ]),
  );
  const interpolate = (s) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => vars[a ?? b] ?? m);
  const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  return panels
    .filter((p) => (p.targets ?? []).length > 0)
    .map((p) => {
      const queries = p.targets
        .filter((t) => !t.hide)
        .map((t) => {
          const q = {};
          for (const [k, v] of Object.entries(t)) {
            if (k === 'datasource' || k === 'hide' || k === 'key') continue;
            const value = typeof v === 'string' ? interpolate(v) : v;
            if (value === '__all' || value === '') continue;
            q[k] = value;
          }
          return q;
        });
      // Grafana's interval for a full-width panel of ~1,000 points over the range.
      const maxDataPoints = p.maxDataPoints ?? 1000;
      return {
        title: p.title,
        body: {
          range: { from: iso(range.from), to: iso(range.to) },
          intervalMs: Math.max(60_000, Math.round((range.to - range.from) / maxDataPoints)),
          maxDataPoints,
          queries,
        },
      };
    });
}

async function timeDashboard(request, end) {
  if (!fs.existsSync(DASHBOARD)) {
    console.log('\nMigration Analytics dashboard: not available (no migration-analytics.json)');
    return;
  }
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
  const requests = dashboardRequests(dashboard, { from: end - 90 * DAY, to: end });
  const errors = new Map();
  const slowest = new Map();
  const loadOnce = () =>
    Promise.all(
      requests.map(async (r) => {
        const t0 = performance.now();
        const res = await request('POST', '/query', r.body);
        slowest.set(r.title, Math.max(slowest.get(r.title) ?? 0, performance.now() - t0));
        for (const [refId, result] of Object.entries(res.body?.results ?? {})) {
          if (result.error) errors.set(`${r.title} ${refId}`, result.error);
        }
        if (res.status !== 200) errors.set(r.title, `HTTP ${res.status}`);
      }),
    );
  const { ms } = await timed(loadOnce, ENDPOINT_RUNS);
  const queries = requests.reduce((n, r) => n + r.body.queries.length, 0);
  console.log(
    `\nMigration Analytics dashboard, 90 d: ${requests.length} panel requests (${queries} queries) at once: ${ms.toFixed(0)} ms (median of ${ENDPOINT_RUNS}; aim < 300 ms)`,
  );
  const top = [...slowest.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`  slowest panels: ${top.map(([t, v]) => `${t} ${v.toFixed(0)} ms`).join(', ')}`);
  // The same batch per query type alone: what each feature adds to the dashboard's wait.
  const types = [...new Set(requests.flatMap((r) => r.body.queries.map((q) => q.queryType)))];
  const perType = [];
  for (const type of types) {
    const only = requests
      .map((r) => ({ ...r.body, queries: r.body.queries.filter((q) => q.queryType === type) }))
      .filter((body) => body.queries.length > 0);
    const { ms: typeMs } = await timed(
      () => Promise.all(only.map((body) => request('POST', '/query', body))),
      ENDPOINT_RUNS,
    );
    perType.push(`${type} ${typeMs.toFixed(0)} ms (${only.length})`);
  }
  console.log(`  each query type's panel queries alone, at once: ${perType.join(', ')}`);
  if (errors.size) {
    console.log(`  ${errors.size} queries answered with an error (query types not on this server yet?):`);
    for (const [where, error] of [...errors.entries()].slice(0, 12))
      console.log(`    ${where}: ${String(error).slice(0, 140)}`);
  }
}

// ---------------------------------------------------------------- main

const kept = () => ({ url: `${SERVER.replace(/\/$/, '')}/${DB_NAME}`, drop: async () => undefined });
/** Replication jobs in a kept bench database; null without one. */
async function keptJobs() {
  const conn = await createConnection({ uri: kept().url }).catch(() => null);
  if (!conn) return null;
  try {
    const [[row]] = await conn.query('SELECT COUNT(*) AS n FROM replication_jobs');
    return Number(row.n);
  } catch {
    return null;
  } finally {
    await conn.end();
  }
}

const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

async function main() {
  const shape = worldShape(JOBS, CBT, Math.round(JOBS / 5), Date.now());
  console.log(
    `${JOBS.toLocaleString('en')} replication jobs, ${CBT.toLocaleString('en')} CBT rows, ${shape.vms} VMs, ${shape.vcenters} vCenters, ${shape.datacenters} datacenters over ${shape.days} days (MariaDB, database ${DB_NAME})`,
  );
  const reused = REUSE && (await keptJobs()) === JOBS;
  const { url, drop } = reused
    ? kept()
    : await freshStore(SERVER, DB_NAME).then(async (s) => (await s.store.close(), s));
  const conn = await createConnection({ uri: url });
  await conn.query("SET time_zone = '+00:00'");
  let server;
  try {
    if (reused) {
      // A kept database may predate this build's migrations: apply them, as the server does at start.
      const { openDatabase } = require('../datasource-server/dist/db/connect');
      const { migrate } = require('../datasource-server/dist/db/migrate');
      const store = openDatabase(url);
      const { applied } = await migrate(store).finally(() => store.close());
      console.log(`  reusing the kept database${applied.length ? ` (migrated: ${applied.join(', ')})` : ''}`);
    } else {
      const t0 = performance.now();
      await seedAnalyticsWorld(conn, shape);
      console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await conn.query('ANALYZE TABLE replication_jobs, cbt_history, volume_operations');
    }
    server = await startServer(url);
    await rollUp(server.app);
    await recordPerformance(server.app);
    // What the rollups save: raw rows per rollup row (the endpoints read one rollup row for this
    // many jobs), per grouping set (a read takes the smallest that covers its dimensions) and table.
    for (const table of ['omi_rollup_jobs_hourly', 'omi_rollup_jobs_daily']) {
      const [sets] = await conn
        .query(
          `SELECT \`grouping\` AS grp, COUNT(*) AS n, SUM(jobs) AS jobs FROM ${table} GROUP BY 1 ORDER BY 2`,
        )
        .catch(() => [[]]);
      console.log(
        `  ${table}: ${sets
          .map(
            (r) =>
              `${r.grp} ${Number(r.n).toLocaleString('en')} rows (${(Number(r.jobs) / Math.max(1, Number(r.n))).toFixed(1)} jobs/row)`,
          )
          .join(', ')}`,
      );
    }

    const cases = buildCases(shape, server);
    const rows = [];
    let mismatches = 0;
    for (const c of cases) {
      const probe = await server.request('GET', c.route);
      if (probe.status === 404) {
        rows.push([c.name, 'not available', '', '', '']);
        continue;
      }
      if (probe.status !== 200) {
        rows.push([c.name, `HTTP ${probe.status}`, '', '', JSON.stringify(probe.body).slice(0, 120)]);
        mismatches++;
        continue;
      }
      const api = await timed(() => server.request('GET', c.route), ENDPOINT_RUNS);
      if (!c.raw) {
        rows.push([c.name, `${api.ms.toFixed(1)} ms`, 'n/a', '', 'no raw equivalent']);
        continue;
      }
      const raw = await timed(() => c.raw(conn));
      const diffs = c.compare(api.result.body, raw.result);
      mismatches += diffs.length ? 1 : 0;
      rows.push([
        c.name,
        `${api.ms.toFixed(1)} ms`,
        `${raw.ms.toFixed(1)} ms`,
        `${(raw.ms / api.ms).toFixed(1)}x`,
        diffs.length ? `DIFFERENT (${diffs.length}): ${diffs.slice(0, 3).join('; ')}` : 'identical',
      ]);
    }
    console.log(
      `\n${pad('endpoint', 44)} ${padL('time', 11)} ${padL('raw SQL', 11)} ${padL('ratio', 8)}  result`,
    );
    for (const [name, t, r, ratio, result] of rows) {
      console.log(`${pad(name, 44)} ${padL(t, 11)} ${padL(r, 11)} ${padL(ratio, 8)}  ${result}`);
    }
    console.log(
      `(median of ${ENDPOINT_RUNS} runs per endpoint and ${RUNS} per raw SQL, after a warm-up; percentiles compared within ${HISTOGRAM_RELATIVE_ERROR * 100}% relative)`,
    );
    await timeDashboard(server.request, shape.endS * 1000);
    if (mismatches) {
      console.log(`\n${mismatches} case(s) disagree with raw SQL`);
      process.exitCode = 1;
    }
  } finally {
    await server?.close();
    await conn.end();
    if (!KEEP) await drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
