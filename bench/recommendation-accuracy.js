// Accuracy of network recommendations on a labelled file, through the real endpoint:
//   node bench/recommendation-accuracy.js <labelled.json> [--min-top1 0.95] [--db mysql://root@127.0.0.1:3306]
// For each world in the file: its VMs with their NICs and its CloudStack networks are loaded, its
// history mappings are made with POST /network-mappings, then GET /networks/recommendations is
// asked for live and for test, and top-1 / top-3 are counted against the labels. Cases without a
// test network (label null) are counted apart. The engine must not know any name from the file:
// that is checked too.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { freshStore, insertVms, startServer } = require('./lib/network-world');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'min-top1': { type: 'string' }, db: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write(
    'usage: node bench/recommendation-accuracy.js <labelled.json> [--min-top1 0.95] [--db mysql://...]\n',
  );
  process.exit(2);
}
const minTop1 = values['min-top1'] === undefined ? null : Number(values['min-top1']);
const server = values.db;

const ENGINE_DIR = path.join(__dirname, '..', 'datasource-server', 'src', 'networks', 'recommend');

/** Names from the file that appear in the engine's source (they must not). */
function leakedNames(worlds) {
  const source = fs
    .readdirSync(ENGINE_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => fs.readFileSync(path.join(ENGINE_DIR, f), 'utf8').toLowerCase())
    .join('\n');
  const names = new Set(
    worlds.flatMap((w) => [...w.sources.map((s) => s.name), ...w.destinations.map((d) => d.name)]),
  );
  return [...names].filter((n) => source.includes(n.toLowerCase()));
}

async function evaluateWorld(world, index) {
  const { store, url, drop } = await freshStore(server, `omi_bench_accuracy_${index}`);
  const vms = new Map();
  for (const s of world.sources) for (const vm of s.vms) vms.set(vm, [...(vms.get(vm) ?? []), s.name]);
  for (const h of world.history) vms.set(h.vm, [...new Set([...(vms.get(h.vm) ?? []), h.source_network])]);
  await insertVms(
    store,
    [...vms].map(([name, networks]) => ({ name, networks })),
  );
  const api = await startServer(store, url);
  try {
    const put = await api.call('PUT', '/networks/available', { data: world.destinations });
    if (put.status !== 200)
      throw new Error(`PUT /networks/available: ${put.status} ${JSON.stringify(put.body)}`);
    for (const h of world.history) {
      const res = await api.call('POST', '/network-mappings', {
        vm_id: h.vm,
        source_network_name: h.source_network,
        destination_network_id: h.destination_network_id,
        is_test_network: h.is_test_network,
      });
      if (res.status >= 300)
        throw new Error(`POST /network-mappings: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const outcome = [];
    for (const failover of ['live', 'test']) {
      const res = await api.call('GET', `/networks/recommendations?failover_type=${failover}&limit=3`);
      if (res.status !== 200) throw new Error(`GET /networks/recommendations: ${res.status}`);
      const bySource = new Map(res.body.data.map((r) => [r.source_network, r.candidates]));
      for (const c of world.cases) {
        const expected = c[failover];
        const candidates = bySource.get(c.source_network) ?? [];
        outcome.push({
          failover,
          source: c.source_network,
          expected,
          needsHistory: c.needs_history,
          top1: expected !== null && candidates[0]?.network_id === expected,
          top3: expected !== null && candidates.slice(0, 3).some((x) => x.network_id === expected),
          topScore: candidates[0]?.score ?? 0,
          got: candidates[0]?.network_name ?? '(none)',
        });
      }
    }
    return outcome;
  } finally {
    await api.close();
    await store.close();
    await drop();
  }
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');

async function main() {
  const { worlds } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const leaked = leakedNames(worlds);
  const outcomes = [];
  for (const [i, world] of worlds.entries()) outcomes.push(...(await evaluateWorld(world, i)));

  console.log(`labelled file: ${file} (${worlds.length} worlds, ${outcomes.length / 2} source networks)`);
  let worst = 1;
  for (const failover of ['live', 'test']) {
    const labelled = outcomes.filter((o) => o.failover === failover && o.expected !== null);
    const unlabelled = outcomes.filter((o) => o.failover === failover && o.expected === null).length;
    const top1 = labelled.filter((o) => o.top1).length;
    const top3 = labelled.filter((o) => o.top3).length;
    const history = labelled.filter((o) => o.needsHistory);
    const meanScore = labelled.reduce((a, o) => a + o.topScore, 0) / (labelled.length || 1);
    worst = Math.min(worst, labelled.length ? top1 / labelled.length : 1);
    console.log(
      `${failover.padEnd(4)}  top-1 ${pct(top1, labelled.length)} (${top1}/${labelled.length})  top-3 ${pct(top3, labelled.length)}` +
        `  needing history ${pct(history.filter((o) => o.top1).length, history.length)} (${history.length})` +
        `  mean top score ${meanScore.toFixed(3)}${unlabelled ? `  (${unlabelled} without a label, not scored)` : ''}`,
    );
    for (const miss of labelled.filter((o) => !o.top1)) {
      console.log(`      missed: ${miss.source} -> expected ${miss.expected}, got ${miss.got}`);
    }
  }
  console.log(`names from the file found in the engine: ${leaked.length ? leaked.join(', ') : 'none'}`);
  if (leaked.length) process.exitCode = 1;
  if (minTop1 !== null && worst < minTop1) {
    console.log(`top-1 ${pct(worst, 1)} is below the required ${pct(minTop1, 1)}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
