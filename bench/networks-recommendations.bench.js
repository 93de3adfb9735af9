// Recommendations for every source network in one request against asking per source network, on
// 500 source networks x 300 CloudStack networks, in the same run and database.
//   node bench/networks-recommendations.bench.js [mysql://root@127.0.0.1:3306] [sources=500] [destinations=300]
const { freshStore, insertVms, startServer, percentile } = require('./lib/network-world');

const SERVER = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const SOURCES = Number(process.argv[3] ?? 500);
const DESTINATIONS = Number(process.argv[4] ?? 300);
const RUNS = 5;
const ENVS = ['prod', 'dev', 'uat', 'stage'];
const ROLES = [
  'web',
  'app',
  'db',
  'mgmt',
  'backup',
  'dmz',
  'voice',
  'vdi',
  'k8s',
  'storage',
  'finance',
  'hr',
];

async function main() {
  const { store, url, drop } = await freshStore(SERVER, 'omi_bench_recommendations');
  const sources = Array.from(
    { length: SOURCES },
    (_, i) => `dvPG-${ENVS[i % 4]}-${ROLES[i % ROLES.length]}-${100 + i}`,
  );
  await insertVms(
    store,
    Array.from({ length: SOURCES * 4 }, (_, i) => ({
      name: `rvm-${i}`,
      networks: [sources[i % SOURCES], sources[(i * 3) % SOURCES]],
    })),
  );
  const api = await startServer(store, url);
  try {
    const data = Array.from({ length: DESTINATIONS }, (_, i) => ({
      id: `rnet-${i}`,
      name: `guest-${ENVS[(i >> 1) % 4]}-${ROLES[i % ROLES.length]}-${100 + ((i * 5) % SOURCES)}`,
      vlan: `vlan://${100 + ((i * 5) % SOURCES)}`,
      state: i % 17 === 0 ? 'Shutdown' : 'Implemented',
      network_type: i % 3 === 0 ? 'Isolated' : 'Shared',
    }));
    await api.call('PUT', '/networks/available', { data });
    const all = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const res = await api.call('GET', '/networks/recommendations?failover_type=test&limit=3');
      all.push(performance.now() - t0);
      if (res.body.data.length !== SOURCES)
        throw new Error(`expected ${SOURCES} source networks, got ${res.body.data.length}`);
    }
    const t0 = performance.now();
    for (const source of sources.slice(0, 50)) {
      await api.call(
        'GET',
        `/networks/recommendations?failover_type=test&limit=3&source_network=${encodeURIComponent(source)}`,
      );
    }
    const perSourceMs = ((performance.now() - t0) / 50) * SOURCES;
    all.sort((a, b) => a - b);
    console.log(
      `${SOURCES} source x ${DESTINATIONS} destination networks (test failover ranks live first) on ${store.dialect}`,
    );
    console.log(
      `all at once: p50 ${percentile(all, 50).toFixed(0)} ms, max ${all[all.length - 1].toFixed(0)} ms over ${RUNS} runs`,
    );
    console.log(
      `one request per source network (50 measured, scaled to ${SOURCES}): ${(perSourceMs / 1000).toFixed(1)} s`,
    );
    console.log(`ratio per-source / all-at-once: ${(perSourceMs / percentile(all, 50)).toFixed(1)}x`);
  } finally {
    await api.close();
    await store.close();
    await drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
