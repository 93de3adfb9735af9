const { openDatabase } = require('../datasource-server/dist/db/connect');
const trends = require('../datasource-server/dist/analytics/trends/migration-trends');
const vol = require('../datasource-server/dist/analytics/ops/volume-performance');
const { Histogram } = require('../datasource-server/dist/analytics/histogram/histogram');
(async () => {
  const store = openDatabase('mysql://root@127.0.0.1:3306/omi_bench_analytics_1000000');
  const end = Math.floor(Date.now() / 3600000) * 3600000 - 3600000; const from = end - 90 * 86400000;
  const t = async (name, fn) => { await fn(); const t0 = performance.now(); const r = await fn(); console.log(name, (performance.now() - t0).toFixed(0), 'ms'); return r; };
  await t('trends 90d 3h', () => trends.migrationTrends(store, { fromMs: from, toMs: end, intervalMs: 3 * 3600000, filters: {} }));
  const rows = await t('fetch hourly status rows', () => store.db.selectFrom('omi_rollup_jobs_hourly').selectAll().where('grouping', '=', 'status').where('bucket_start_ms', '>=', from).where('bucket_start_ms', '<', end).execute());
  console.log(rows.length, 'rows', Object.keys(rows[0]).join(','));
  const hcols = Object.keys(rows[0]).filter((k) => /hist/.test(k));
  console.log('hist cols', hcols, 'avg len', rows.reduce((s, r) => s + String(r[hcols[0]]).length, 0) / rows.length);
  await t('decode', async () => { for (const r of rows) for (const c of hcols) Histogram.deserialize(String(r[c])); });
  console.log(Object.keys(vol));
  await store.close();
})();
