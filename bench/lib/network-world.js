// What the network benchmarks share: a fresh database (SQLite file, or a new MariaDB database
// when a mysql:// server URL is given), VMs with NICs written straight into the OMA tables, and
// the real server listening on a local port with a read+write token.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createConnection } = require('mysql2/promise');
const { buildApp } = require('../../datasource-server/dist/app');
const { parseApiTokens } = require('../../datasource-server/dist/auth/tokens');
const { loadConfig } = require('../../datasource-server/dist/config');
const { openDatabase } = require('../../datasource-server/dist/db/connect');
const { migrate } = require('../../datasource-server/dist/db/migrate');
const { InMemoryEventBus } = require('../../datasource-server/dist/events/bus');

const SECRET = crypto.randomBytes(24).toString('hex');
const API_TOKENS = `bench:read+write:${SECRET}`;
const CHUNK = 500;

/** A fresh, migrated store. `server` is a mysql:// server URL, or undefined for SQLite. */
async function freshStore(server, name) {
  if (!server) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-bench-'));
    const url = path.join(dir, `${name}.sqlite`);
    const store = openDatabase(url);
    await migrate(store);
    return { store, url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = await createConnection({ uri: server });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = `${server.replace(/\/$/, '')}/${name}`;
  const store = openDatabase(url);
  await migrate(store);
  return {
    store,
    url,
    drop: async () => {
      const conn = await createConnection({ uri: server });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** VMs `{name, networks, vcenter?, datacenter?}` as OMA rows: a context and one disk carrying the NICs. */
async function insertVms(store, vms) {
  const now = store.time.toDb(Date.now());
  for (let i = 0; i < vms.length; i += CHUNK) {
    const chunk = vms.slice(i, i + CHUNK);
    await store.db
      .insertInto('vm_replication_contexts')
      .values(
        chunk.map((vm) => ({
          context_id: `ctx-${vm.name}`.slice(0, 64),
          vm_name: vm.name,
          vmware_vm_id: `uuid-${vm.name}`,
          vm_path: `/dc/vm/${vm.name}`,
          vcenter_host: vm.vcenter ?? 'vcenter.bench',
          datacenter: vm.datacenter ?? 'DC-Bench',
          current_status: 'ready_for_failover',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await store.db
      .insertInto('vm_disks')
      .values(
        chunk.map((vm) => ({
          vm_context_id: `ctx-${vm.name}`.slice(0, 64),
          job_id: `job-${vm.name}`,
          disk_id: 'disk-2000',
          vm_dk_path: `[ds] ${vm.name}/${vm.name}.vmdk`,
          size_gb: 40,
          network_config: JSON.stringify(
            vm.networks.map((network_name, n) => ({ name: `Network adapter ${n + 1}`, network_name })),
          ),
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
}

/** The real server on 127.0.0.1, with `call(method, path, body, headers)` that returns {status, body}. */
async function startServer(store, url) {
  const config = loadConfig({
    DB_URL: url,
    API_TOKENS,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const app = await buildApp({
    config,
    store,
    mode: 'standalone',
    bus: new InMemoryEventBus(),
    tokens: parseApiTokens(API_TOKENS),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const call = async (method, route, body, headers = {}) => {
    const res = await fetch(`${address}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${SECRET}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { call, close: () => app.close() };
}

/** Percentile of sorted numbers. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

module.exports = { freshStore, insertVms, startServer, percentile };
