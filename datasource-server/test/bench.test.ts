// The benchmarks in bench/ use the built server's modules directly, so a change of signature can
// break them without any type check noticing: run each on a tiny input and see it print its ratio.
// (Only that it runs and reports; timings are never asserted.)
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { MYSQL_URL } from './mysql-check';
import { TARGETS } from './helper';
import { REDIS_TEST_URL } from './redis-check';

const bench = (file: string) => path.resolve(__dirname, '..', '..', 'bench', file);

/** Runs a bench script; when it fails, the error carries what it printed (a lost message says so there). */
function node(args: string[], options: { timeout: number; env?: NodeJS.ProcessEnv }): string {
  try {
    return execFileSync(process.execPath, args, { encoding: 'utf8', ...options });
  } catch (err) {
    const { message, stdout, stderr } = err as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${message}\n--- stdout ---\n${stdout ?? ''}\n--- stderr ---\n${stderr ?? ''}`);
  }
}
const BENCH = bench('seed-rate.bench.js');
const runIfMysql = TARGETS.includes('mysql') ? test : test.skip;

runIfMysql('bench/seed-rate runs and prints the batched/baseline ratio', () => {
  const out = node([BENCH, MYSQL_URL, '3'], { timeout: 120_000 });
  expect(out).toMatch(/^ratio batched\/baseline: \d+(\.\d+)?x$/m);
  expect(out).toMatch(/^VMs 3, days 60, jobs [1-9]\d*/m);
});

runIfMysql(
  'bench/networks-validation runs and prints p50/p95 and the ratio against one request per VM',
  () => {
    const out = node([bench('networks-validation.bench.js'), MYSQL_URL, '5', '2'], {
      timeout: 120_000,
      env: { ...process.env, DB_URL: '' },
    });
    expect(out).toMatch(/^VMs 5 x 2 NICs/m);
    expect(out).toMatch(/^validate all VMs +: p50 \d+(\.\d+)? ms, p95 \d+(\.\d+)? ms$/m);
    expect(out).toMatch(/^ratio baseline\/one request: \d+(\.\d+)?x$/m);
  },
);
const MINI = bench('fixtures/labelled-networks-mini.json');

test('bench/recommendation-accuracy scores a labelled file through the endpoint, and fails below --min-top1', () => {
  const script = bench('recommendation-accuracy.js');
  const out = node([script, MINI, '--min-top1', '1'], {
    timeout: 120_000,
  });
  expect(out).toMatch(/^live {2}top-1 100\.0% \(4\/4\) {2}top-3 100\.0%/m);
  expect(out).toMatch(/^test {2}top-1 100\.0% \(3\/3\).*\(1 without a label, not scored\)$/m);
  expect(out).toMatch(/^names from the file found in the engine: none$/m);
  // The same run against a bar no engine can pass: a non-zero exit that says why.
  const failed = spawnSync(process.execPath, [script, MINI, '--min-top1', '1.01'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(failed.status).toBe(1);
  expect(failed.stdout).toMatch(/is below the required 101\.0%/);
});

runIfMysql('bench/networks-bulk and networks-recommendations run and print their ratios', () => {
  const bulk = node([bench('networks-bulk.bench.js'), MYSQL_URL, '50'], {
    timeout: 120_000,
  });
  expect(bulk).toMatch(/^ratio row-by-row \/ bulk update: \d+(\.\d+)?x$/m);
  expect(bulk).toMatch(/bulk create \(one request\): .*\((\d+) created\)/);
  const recs = node([bench('networks-recommendations.bench.js'), MYSQL_URL, '20', '15'], {
    timeout: 120_000,
  });
  expect(recs).toMatch(/^ratio per-source \/ all-at-once: \d+(\.\d+)?x$/m);
});

runIfMysql(
  'bench/analytics runs each case against raw SQL, finds the answers identical, and times the dashboard',
  () => {
    const out = node([bench('analytics.bench.js'), MYSQL_URL, '3000', '15000'], {
      timeout: 300_000,
      env: { ...process.env, BENCH_RUNS: '1' },
    });
    expect(out).toMatch(/^3,000 replication jobs, 15,000 CBT rows/m);
    expect(out).toMatch(/^ {2}rollup rollups: \d+(\.\d+)? s .*"jobs":2950/m);
    // Every migration-trends case ran against raw SQL and agreed with it.
    const trends = out.split('\n').filter((l) => l.startsWith('migration-trends '));
    expect(trends).toHaveLength(4);
    for (const line of trends) expect(line).toMatch(/ms +\d+(\.\d+)? ms +\d+(\.\d+)?x +identical$/);
    // The other endpoints either agree with raw SQL, have no raw equivalent, or are not on this server yet.
    expect(out).not.toMatch(/DIFFERENT|HTTP \d{3}/);
    expect(out).toMatch(
      /^Migration Analytics dashboard, 90 d: \d+ panel requests \(\d+ queries\) at once: \d+ ms/m,
    );
  },
);

runIfMysql(
  'bench/live runs with a few clients, prints latency, msgs/s, memory and the ratios to bare ws, and loses nothing',
  () => {
    const out = node([bench('live.bench.js'), MYSQL_URL, '8', '12'], {
      timeout: 120_000,
    });
    const figures = String.raw`ingest->receive p50 [\d.]+ ms, p99 [\d.]+ ms; publish->receive p50 [\d.]+ ms, p99 [\d.]+ ms; \(ingest->publish p50 [\d.]+ ms, p99 [\d.]+ ms\); delivered \d+ msgs/s; memory -?[\d.]+ KiB/connection`;
    expect(out).toMatch(/^8 clients on \/ws\/progress, mysql;/m);
    expect(out).toMatch(new RegExp(`^omi server +${figures}`, 'm'));
    expect(out).toMatch(new RegExp(`^bare ws +${figures}`, 'm'));
    expect(out).toMatch(/^ratio p99 omi\/bare: \d+\.\d+x ingest->receive, \d+\.\d+x publish->receive$/m);
    expect(out).toMatch(/^ratio msgs\/s omi\/bare: \d+\.\d+$/m);
    expect(out).toMatch(
      /^messages: omi missing 0, out of order 0, extra 0; bare missing 0, out of order 0, extra 0 — nothing missing$/m,
    );
    expect(out).toMatch(
      /^database, 8 viewers polling every 2 s: [1-9]\d* queries per running-jobs poll .* = \d+ queries\/s/m,
    );
    expect(out).toMatch(
      /^database, WebSocket: 0 queries\/s per viewer \(1\.0 per connect for the snapshot\); ingest costs [1-9][\d.]* queries per event/m,
    );
  },
);

const runIfRedis = process.env.OMI_REDIS_AVAILABLE === '1' ? test : test.skip;

runIfRedis('bench/live-redis runs on a few events and prints both paths and their ratios', () => {
  const out = node([bench('live-redis.bench.js'), REDIS_TEST_URL, '20'], {
    timeout: 120_000,
  });
  const figures = String.raw`p50 [\d.]+ ms  p99 [\d.]+ ms  burst \d+ events/s`;
  expect(out).toMatch(new RegExp(`^in memory, one server: +${figures}$`, 'm'));
  expect(out).toMatch(new RegExp(`^Redis Streams, other server: +${figures}$`, 'm'));
  expect(out).toMatch(/^ratio \(Redis \/ in memory\): +p50 [\d.]+x {2}p99 [\d.]+x {2}events\/s [\d.]+x$/m);
});
