const { openDatabase } = require('../datasource-server/dist/db/connect');
const sum = require('../datasource-server/dist/analytics/ops/summary');
const eng = require('../datasource-server/dist/analytics/ops/rollup-engine');
const src = require('../datasource-server/dist/analytics/ops/sources');
const read = require('../datasource-server/dist/analytics/rollups/read');
const perf = require('../datasource-server/dist/analytics/performance/metrics');
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
