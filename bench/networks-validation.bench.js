// Validation of many VMs: POST /networks/validate for all VMs in one request, timed repeatedly
// (p50/p95), against a baseline measured in the same run on the same data: the same VMs
// validated one request per VM. Runs the real server on a socket over MariaDB.
//   node bench/networks-validation.bench.js [mysql://root@127.0.0.1:3306] [vms] [repetitions]
// DB_URL (an empty database) is used instead of a fresh throwaway database when set.
const { createConnection } = require('mysql2/promise');
const { buildApp } = require('../datasource-server/dist/app');
const { parseApiTokens } = require('../datasource-server/dist/auth/tokens');
const { loadConfig } = require('../datasource-server/dist/config');
const { openDatabase } = require('../datasource-server/dist/db/connect');
const { migrate } = require('../datasource-server/dist/db/migrate');
const { InMemoryEventBus } = require('../datasource-server/dist/events/bus');

const SERVER = process.argv[2] ?? process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const VMS = Number(process.argv[3] ?? 1000);
const REPETITIONS = Number(process.argv[4] ?? 20);
const NETWORKS = 50;
const FRESH_DB = 'omi_bench_validation';
const SECRET = 'bench-writer-secret-0123456789abcdef';
const TOKENS = `bench:read+write:${SECRET}`;
const CHUNK = 500;

async function admin(statement) {
  const conn = await createConnection({ uri: SERVER });
  await conn.query(statement);
  await conn.end();
}

/** VMs with two NICs each, both mapped (live) to deployable networks of one zone. */
async function seed(store) {
  const { db, time } = store;
  const now = time.toDb(Date.now());
  const config = await db
    .insertInto('ossea_configs')
    .values({
      name: 'bench',
      api_url: 'https://cs.invalid/api',
      api_key: 'k',
      secret_key: 's',
      zone: 'zone-a',
      created_at: now,
      updated_at: now,
      is_active: 1,
    })
    .executeTakeFirstOrThrow();
  const networks = Array.from({ length: NETWORKS }, (_, i) => ({
    id: `net-${i}`,
    name: `guest-${i}`,
    state: 'Implemented',
    zone_id: 'zone-a-id',
    zone_name: 'zone-a',
    network_type: 'Shared',
    is_default: 0,
    is_shared: 1,
    can_use_for_deploy: 1,
    is_system: 0,
    updated_at: now,
  }));
  await db.insertInto('omi_cloudstack_networks').values(networks).execute();
  const names = Array.from({ length: VMS }, (_, i) => `bench-vm-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < names.length; i += CHUNK) {
    const chunk = names.slice(i, i + CHUNK);
    const vms = chunk.map((name) => ({
      context_id: `ctx-${name}`,
      vm_name: name,
      vmware_vm_id: `uuid-${name}`,
      vm_path: `/dc/vm/${name}`,
      vcenter_host: 'vc.bench',
      datacenter: 'dc',
      current_status: 'ready_for_failover',
      ossea_config_id: Number(config.insertId),
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('vm_replication_contexts').values(vms).execute();
    await db
      .insertInto('replication_jobs')
      .values(
        vms.map((vm) => ({
          id: `job-${vm.vm_name}`,
          vm_context_id: vm.context_id,
          source_vm_id: vm.vmware_vm_id,
          source_vm_name: vm.vm_name,
          source_vm_path: vm.vm_path,
          v_center_host: vm.vcenter_host,
          datacenter: vm.datacenter,
          replication_type: 'initial',
          status: 'completed',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const nics = (k) => [`pg-web-${k % NETWORKS}`, `pg-db-${(k + 1) % NETWORKS}`];
    await db
      .insertInto('vm_disks')
      .values(
        vms.map((vm, k) => ({
          vm_context_id: vm.context_id,
          job_id: `job-${vm.vm_name}`,
          disk_id: 'disk-2000',
          vm_dk_path: `[ds] ${vm.vm_name}/${vm.vm_name}.vmdk`,
          size_gb: 40,
          network_config: JSON.stringify(
            nics(i + k).map((n, a) => ({ name: `Network adapter ${a + 1}`, network_name: n })),
          ),
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('network_mappings')
      .values(
        vms.flatMap((vm, k) =>
          nics(i + k).map((source, a) => ({
            vm_id: vm.vm_name,
            source_network_name: source,
            destination_network_id: networks[(i + k + a) % NETWORKS].id,
            destination_network_name: networks[(i + k + a) % NETWORKS].name,
            is_test_network: 0,
            vm_context_id: vm.context_id,
            vmware_vm_id: vm.vmware_vm_id,
            validation_status: 'pending',
            mapping_type: 'live',
            created_at: now,
            updated_at: now,
          })),
        ),
      )
      .execute();
  }
  return names;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const fresh = !process.env.DB_URL;
  if (fresh) {
    await admin(`DROP DATABASE IF EXISTS \`${FRESH_DB}\``);
    await admin(`CREATE DATABASE \`${FRESH_DB}\``);
  }
  const url = process.env.DB_URL || `${SERVER.replace(/\/$/, '')}/${FRESH_DB}`;
  const store = openDatabase(url);
  let app;
  try {
    const { mode } = await migrate(store);
    const existing = await store.db
      .selectFrom('vm_replication_contexts')
      .select('context_id')
      .limit(1)
      .execute();
    if (existing.length)
      throw new Error(`${url} already holds VM contexts; the benchmark needs an empty database`);
    const names = await seed(store);

    const config = loadConfig({
      DB_URL: url,
      API_TOKENS: TOKENS,
      LOG_LEVEL: 'silent',
      DEMO: '0',
      RATE_LIMIT_PER_MINUTE: '100000000',
    });
    app = await buildApp({
      config,
      store,
      mode,
      bus: new InMemoryEventBus(),
      tokens: parseApiTokens(TOKENS),
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const validate = async (body) => {
      const res = await fetch(`${base}/api/v1/networks/validate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`validate answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    const timed = async (body) => {
      const t0 = performance.now();
      const report = await validate(body);
      return { ms: performance.now() - t0, report };
    };

    const warm = await validate({ vm_names: names });
    if (warm.summary.vms !== VMS || warm.summary.valid !== VMS)
      throw new Error(`expected ${VMS} valid VMs, got ${JSON.stringify(warm.summary)}`);

    // Baseline: the same VMs, one request each.
    const b0 = performance.now();
    for (const name of names) await validate({ vm_names: [name] });
    const baselineMs = performance.now() - b0;

    const runs = { all: [], persist: [] };
    for (let i = 0; i < REPETITIONS; i++) {
      runs.all.push((await timed({ vm_names: names })).ms);
      runs.persist.push((await timed({ vm_names: names, persist: true })).ms);
    }
    const stored = await store.db
      .selectFrom('network_mappings')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('validation_status', '=', 'valid')
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== 2 * VMS)
      throw new Error(`persist stored ${stored.n} valid rows, expected ${2 * VMS}`);

    const fmt = (ms) => `${ms.toFixed(1)} ms`;
    const sorted = (list) => [...list].sort((a, b) => a - b);
    const [all, persist] = [sorted(runs.all), sorted(runs.persist)];
    console.log(
      `VMs ${VMS} x 2 NICs, ${NETWORKS} destination networks, ${REPETITIONS} repetitions (MariaDB at ${fresh ? SERVER : 'DB_URL'})`,
    );
    console.log(
      `validate all VMs          : p50 ${fmt(percentile(all, 50))}, p95 ${fmt(percentile(all, 95))}`,
    );
    console.log(
      `validate all VMs, persist : p50 ${fmt(percentile(persist, 50))}, p95 ${fmt(percentile(persist, 95))}`,
    );
    console.log(`baseline, one VM per request: ${fmt(baselineMs)} for ${VMS} requests`);
    console.log(`ratio baseline/one request: ${(baselineMs / percentile(all, 50)).toFixed(1)}x`);
  } finally {
    await app?.close();
    await store.close().catch(() => {});
    if (fresh) await admin(`DROP DATABASE IF EXISTS \`${FRESH_DB}\``);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
