const { openDatabase } = require('../datasource-server/dist/db/connect');
const perf = require('../datasource-server/dist/analytics/performance/metrics');
(async () => {
  const store = openDatabase('mysql://root@127.0.0.1:3306/omi_bench_analytics_1000000');
  const end = Math.floor(Date.now() / 3600000) * 3600000 - 3600000; const from = end - 90 * 86400000;
  const t = async (name, fn) => { await fn(); const t0 = performance.now(); await fn(); console.log(name, (performance.now() - t0).toFixed(0), 'ms'); };
  for (const view of (process.argv[2] || 'vms,datastores,slowest,load').split(','))
    await t('perf ' + view, () => perf.performanceMetrics(store, { fromMs: from, toMs: end, intervalMs: 3 * 3600000, view, filters: {} }));
  await store.close();
})();
