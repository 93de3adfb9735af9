// Seeding rate: the batched seeder (multi-row INSERTs in one transaction per flush) against a
// naive baseline that writes the same rows one INSERT per row, on the same database server in
// the same run. Prints jobs/s for both and the ratio.
//   node bench/seed-rate.bench.js [mysql://root@127.0.0.1:3306] [vms]
const { createConnection } = require('mysql2/promise');
const { openDatabase } = require('../datasource-server/dist/db/connect');
const { migrate } = require('../datasource-server/dist/db/migrate');
const { seedDemoWorld, TABLE_OF } = require('../datasource-server/dist/demo/seed');
const { buildHistory } = require('../datasource-server/dist/demo/history');
const { buildVm, buildWorld } = require('../datasource-server/dist/demo/world');

const SERVER = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const VMS = Number(process.argv[3] ?? 200);
const DAYS = 60;
const END = new Date('2026-11-01T00:00:00Z');

async function freshStore(name) {
  const admin = await createConnection({ uri: SERVER });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const store = openDatabase(`${SERVER.replace(/\/$/, '')}/${name}`, { poolSize: 1 });
  await migrate(store);
  return store;
}

async function dropDatabase(name) {
  const admin = await createConnection({ uri: SERVER });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.end();
}

/** Baseline: the same generated rows, one INSERT statement (and commit) per row. */
async function rowByRow(store) {
  const world = buildWorld(1);
  const window = { start: END.getTime() - DAYS * 86_400_000, end: END.getTime() };
  const t0 = performance.now();
  let jobs = 0;
  for (let i = 0; i < VMS; i++) {
    const history = buildHistory(world, buildVm(world, i), window, 1, store.time);
    for (const [key, table] of Object.entries(TABLE_OF)) {
      const rows = key === 'context' ? [history.context] : history[key];
      for (const row of rows) await store.db.insertInto(table).values(row).execute();
    }
    jobs += history.jobs.length;
  }
  return { jobs, seconds: (performance.now() - t0) / 1000 };
}

async function main() {
  const baselineStore = await freshStore('omi_bench_rowbyrow');
  const baseline = await rowByRow(baselineStore);
  await baselineStore.close();
  await dropDatabase('omi_bench_rowbyrow');

  const batchedStore = await freshStore('omi_bench_batched');
  const batched = await seedDemoWorld(batchedStore, { vms: VMS, days: DAYS, seed: 1, end: END });
  await batchedStore.close();
  await dropDatabase('omi_bench_batched');

  if (batched.jobs !== baseline.jobs)
    throw new Error(`job counts differ: ${batched.jobs} vs ${baseline.jobs}`);
  const rate = (r) => r.jobs / r.seconds;
  console.log(`VMs ${VMS}, days ${DAYS}, jobs ${batched.jobs} (MariaDB at ${SERVER})`);
  console.log(`row-by-row baseline: ${rate(baseline).toFixed(0)} jobs/s`);
  console.log(`batched seeder:      ${rate(batched).toFixed(0)} jobs/s`);
  console.log(`ratio batched/baseline: ${(rate(batched) / rate(baseline)).toFixed(1)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
