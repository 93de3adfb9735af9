// Bulk mapping of many VMs in one request against upserting the same mappings row by row (the
// same lock, upsert, re-read and audit per row, one row per call) in the same run and database.
//   node bench/networks-bulk.bench.js [mysql://root@127.0.0.1:3306] [vms=10000]
const { writeMappings } = require('../datasource-server/dist/networks/mappings');
const { inTransaction } = require('../datasource-server/dist/db/dialect');
const { freshStore, insertVms, startServer } = require('./lib/network-world');

const SERVER = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const VMS = Number(process.argv[3] ?? 10_000);
const SOURCES = 40;
const DESTINATIONS = 100;

const sourceName = (i) => `pg-bench-${String(i).padStart(3, '0')}`;
const destination = (i) => ({
  id: `bench-net-${String(i).padStart(3, '0')}`,
  name: `bench net ${i}`,
  state: 'Implemented',
});

async function main() {
  const { store, url, drop } = await freshStore(SERVER, 'omi_bench_bulk');
  const vms = Array.from({ length: VMS }, (_, i) => ({
    name: `vm-${String(i).padStart(6, '0')}`,
    networks: [sourceName(i % SOURCES), sourceName((i * 7 + 3) % SOURCES)].filter(
      (n, k, a) => a.indexOf(n) === k,
    ),
  }));
  const nics = vms.reduce((a, vm) => a + vm.networks.length, 0);
  await insertVms(store, vms);
  const api = await startServer(store, url);
  try {
    await api.call('PUT', '/networks/available', {
      data: Array.from({ length: DESTINATIONS }, (_, i) => destination(i)),
    });
    const rules = (shift) =>
      Array.from({ length: SOURCES }, (_, i) => ({
        source_network: sourceName(i),
        destination_network_id: destination((i + shift) % DESTINATIONS).id,
      }));

    let t0 = performance.now();
    const created = await api.call('POST', '/networks/bulk-mapping', {
      selector: { name_pattern: { match: 'contains', value: 'vm-' } },
      rules: rules(0),
    });
    const createMs = performance.now() - t0;
    if (created.status !== 200)
      throw new Error(`bulk create: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);

    t0 = performance.now();
    const dry = await api.call('POST', '/networks/bulk-mapping', {
      selector: { name_pattern: { match: 'contains', value: 'vm-' } },
      rules: rules(1),
      dry_run: true,
    });
    const dryMs = performance.now() - t0;

    t0 = performance.now();
    const updated = await api.call('POST', '/networks/bulk-mapping', {
      selector: { name_pattern: { match: 'contains', value: 'vm-' } },
      rules: rules(1),
    });
    const updateMs = performance.now() - t0;
    if (updated.status !== 200) throw new Error(`bulk update: ${updated.status}`);

    // Baseline: the same update (back to the first destinations), one row per writeMappings call.
    const contexts = await store.db
      .selectFrom('vm_replication_contexts')
      .select(['context_id', 'vm_name', 'vmware_vm_id', 'vcenter_host'])
      .execute();
    const byName = new Map(contexts.map((c) => [c.vm_name, c]));
    const targets = vms.flatMap((vm) =>
      vm.networks.map((network) => {
        const d = destination(Number(network.slice(-3)) % DESTINATIONS);
        return {
          vm: byName.get(vm.name),
          source_network_name: network,
          is_test_network: false,
          destination: { id: d.id, name: d.name },
          network_strategy: null,
        };
      }),
    );
    t0 = performance.now();
    await inTransaction(store, async (trx) => {
      for (const target of targets) await writeMappings(trx, store, [target], { actor: 'bench' });
    });
    const rowByRowMs = performance.now() - t0;

    console.log(`${VMS} VMs x ~${(nics / VMS).toFixed(1)} NICs = ${nics} mappings on ${store.dialect}`);
    console.log(
      `bulk create (one request):     ${(createMs / 1000).toFixed(2)} s  (${created.body.summary.created} created)`,
    );
    console.log(
      `bulk dry run (rolled back):    ${(dryMs / 1000).toFixed(2)} s  (${dry.body.summary.updated} would change)`,
    );
    console.log(
      `bulk update (one request):     ${(updateMs / 1000).toFixed(2)} s  (${updated.body.summary.updated} updated)`,
    );
    console.log(
      `row by row (one upsert each):  ${(rowByRowMs / 1000).toFixed(2)} s  (${targets.length} rows, same transaction)`,
    );
    console.log(`ratio row-by-row / bulk update: ${(rowByRowMs / updateMs).toFixed(1)}x`);
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
