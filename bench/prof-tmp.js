const { openDatabase } = require('../datasource-server/dist/db/connect');
const sum = require('../datasource-server/dist/analytics/ops/summary');
const eng = require('../datasource-server/dist/analytics/ops/rollup-engine');
const src = require('../datasource-server/dist/analytics/ops/sources');
const read = require('../datasource-server/dist/analytics/rollups/read');
const perf = require('../datasource-server/dist/analytics/performance/metrics');
(async function first() {
  const store = openDatabase('mysql://root@127.0.0.1:3306/omi_bench_analytics_1000000');
  const end = Math.floor(Date.now() / 3600000) * 3600000 - 3600000; const from = end - 90 * 86400000;
  const t = async (name, fn) => { await fn(); const t0 = performance.now(); await fn(); console.log(name, (performance.now() - t0).toFixed(0), 'ms'); };
  for (const [name, f, to] of [['current', from, end], ['previous', from - 90 * 86400000, from]]) {
    const req = { fromMs: f, toMs: to, intervalMs: null, filters: {} };
    await t(name + ' cbt', () => eng.readBucketed(store, src.CBT_SPEC, req));
    await t(name + ' volume', () => eng.readBucketed(store, src.VOLUME_SPEC, req));
    await t(name + ' cloudstack', () => eng.readBucketed(store, src.CLOUDSTACK_SPEC, req));
    await t(name + ' jobs', () => read.readFinishedJobs(store, { fromMs: f, toMs: to, intervalMs: 86400000, filters: {}, dimensions: ['errorClassification'] }, { rollup() {}, fact() {} }));
  }
  await t('summary', () => sum.analyticsSummary(store, { fromMs: from, toMs: end, filters: {} }));
  for (const view of ['vms', 'datastores', 'slowest', 'load'])
    await t('perf ' + view, () => perf.performanceMetrics(store, { fromMs: from, toMs: end, intervalMs: 3 * 3600000, view, filters: {} }));
  await store.close();
})();
(async () => {
  const { predictNextSyncs } = require('../datasource-server/dist/analytics/predictions/predict');
  const store = openDatabase('mysql://root@127.0.0.1:3306/omi_bench_analytics_1000000');
  const end = Math.floor(Date.now() / 3600000) * 3600000 - 3600000; const from = end - 90 * 86400000;
  const t = async (name, fn) => { await fn(); const t0 = performance.now(); await fn(); console.log(name, (performance.now() - t0).toFixed(0), 'ms'); };
  await t('predict', () => predictNextSyncs(store.db, store.time, {}, end, 4));
  const { sql } = require('kysely');
  for (const at of [end, from]) {
    await t('active finished ' + new Date(at).toISOString(), () => sql`select count(*) from replication_jobs where created_at < ${store.time.toDb(at)} and status in ('completed','failed','cancelled') and completed_at >= ${store.time.toDb(at)}`.execute(store.db));
    await t('active running ', () => sql`select count(*) from replication_jobs where created_at < ${store.time.toDb(at)} and status not in ('completed','failed','cancelled')`.execute(store.db));
  }
  await store.close();
})();
