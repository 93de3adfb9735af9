const { openDatabase } = require('./dist/db/connect');
const { migrate } = require('./dist/db/migrate');
const { seedDemoWorld } = require('./dist/demo/seed');
const { rollUpAll } = require('./dist/analytics/rollups/maintenance');
const { cbtPerformance } = require('./dist/analytics/ops/cbt-performance');
const { volumePerformance } = require('./dist/analytics/ops/volume-performance');
const { analyticsSummary } = require('./dist/analytics/ops/summary');
const { sql } = require('../node_modules/kysely');
const mysql = require('../node_modules/mysql2/promise');
const DB = 'omi_aops_measure';
(async () => {
  const c = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306' });
  await c.query(`DROP DATABASE IF EXISTS ${DB}`); await c.query(`CREATE DATABASE ${DB}`); await c.end();
  const store = openDatabase(`mysql://root@127.0.0.1:3306/${DB}`);
  try {
    await migrate(store);
    const end = new Date('2026-11-01T12:00:00Z');
    let t = Date.now();
    const stats = await seedDemoWorld(store, { vms: Number(process.argv[2] || 1000), days: 90, seed: 7, end });
    console.log('seed', (Date.now() - t) / 1000, 's', stats.rows.replication_jobs, 'jobs', stats.rows.cbt_history, 'cbt', stats.rows.volume_operations, 'vol');
    t = Date.now();
    await rollUpAll(store, end.getTime());
    console.log('backfill', (Date.now() - t) / 1000, 's');
    const to = end.getTime() - 7 * 60_000 - 123, from = to - 90 * 86_400_000;
    const req = { fromMs: from, toMs: to, intervalMs: 86_400_000, filters: {} };
    const time = async (label, fn) => { const s = performance.now(); for (let i = 0; i < 3; i++) await fn(); console.log(label, ((performance.now() - s) / 3).toFixed(1), 'ms'); };
    await time('cbt-performance 90d/1d', () => cbtPerformance(store, req, ['trend', 'summary']));
    await time('raw cbt $__timeGroup', () => sql`select floor(unix_timestamp(c.created_at)/86400)*86400 as t, c.sync_type, count(*), sum(c.sync_success = 1), sum(c.bytes_transferred), sum(c.blocks_changed) from cbt_history c left join replication_jobs j on j.id = c.job_id where c.created_at >= ${store.time.toDb(from)} and c.created_at < ${store.time.toDb(to)} group by 1, 2`.execute(store.db));
    await time('volume-performance 90d/1d', () => volumePerformance(store, req, ['operations', 'trend', 'cloudstack']));
    await time('raw volume $__timeGroup', () => sql`select floor(unix_timestamp(v.completed_at)/86400)*86400 as t, v.type, v.status, count(*), avg(timestampdiff(microsecond, v.created_at, v.completed_at)) from volume_operations v left join vm_replication_contexts x on x.context_id = v.vm_id where v.status in ('completed','failed','cancelled') and v.completed_at >= ${store.time.toDb(from)} and v.completed_at < ${store.time.toDb(to)} group by 1, 2, 3`.execute(store.db));
    const { readBucketed } = require('./dist/analytics/ops/rollup-engine');
    const { CBT_SPEC, JOBS_SPEC } = require('./dist/analytics/ops/sources');
    const { predictNextSyncs } = require('./dist/analytics/predictions/predict');
    await time('cbt rollup+edges readBucketed', () => readBucketed(store, CBT_SPEC, req, ['sync_type']));
    await time('cbt edges only (2 partial hours)', () => readBucketed(store, CBT_SPEC, { ...req, fromMs: from, toMs: from + 3600000 }, []));
    await time('jobs readBucketed null', () => readBucketed(store, JOBS_SPEC, { ...req, intervalMs: null }, ['status', 'error_classification']));
    await time('predictNextSyncs', () => predictNextSyncs(store.db, store.time, {}, to, 4));
    await time('summary 90d', () => analyticsSummary(store, { fromMs: from, toMs: to, filters: {}, nowMs: to }));
  } finally {
    await store.close();
    const c2 = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306' });
    await c2.query(`DROP DATABASE IF EXISTS ${DB}`); await c2.end();
  }
})().catch((e) => { console.error(e); process.exit(1); });
