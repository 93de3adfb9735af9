// The benchmarks in bench/ use the built server's modules directly, so a change of signature can
// break them without any type check noticing: run each on a tiny input and see it print its ratio.
// (Only that it runs and reports; timings are never asserted.)
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { MYSQL_URL } from './mysql-check';
import { TARGETS } from './helper';

const bench = (file: string) => path.resolve(__dirname, '..', '..', 'bench', file);
const BENCH = bench('seed-rate.bench.js');
const runIfMysql = TARGETS.includes('mysql') ? test : test.skip;

runIfMysql('bench/seed-rate runs and prints the batched/baseline ratio', () => {
  const out = execFileSync(process.execPath, [BENCH, MYSQL_URL, '3'], { encoding: 'utf8', timeout: 120_000 });
  expect(out).toMatch(/^ratio batched\/baseline: \d+(\.\d+)?x$/m);
  expect(out).toMatch(/^VMs 3, days 60, jobs [1-9]\d*/m);
});

runIfMysql(
  'bench/networks-validation runs and prints p50/p95 and the ratio against one request per VM',
  () => {
    const out = execFileSync(process.execPath, [bench('networks-validation.bench.js'), MYSQL_URL, '5', '2'], {
      encoding: 'utf8',
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
  const out = execFileSync(process.execPath, [script, MINI, '--min-top1', '1'], {
    encoding: 'utf8',
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
  const bulk = execFileSync(process.execPath, [bench('networks-bulk.bench.js'), MYSQL_URL, '50'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(bulk).toMatch(/^ratio row-by-row \/ bulk update: \d+(\.\d+)?x$/m);
  expect(bulk).toMatch(/bulk create \(one request\): .*\((\d+) created\)/);
  const recs = execFileSync(
    process.execPath,
    [bench('networks-recommendations.bench.js'), MYSQL_URL, '20', '15'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(recs).toMatch(/^ratio per-source \/ all-at-once: \d+(\.\d+)?x$/m);
});

runIfMysql(
  'bench/live runs with a few clients, prints latency, msgs/s, memory and the ratios to bare ws, and loses nothing',
  () => {
    const out = execFileSync(process.execPath, [bench('live.bench.js'), MYSQL_URL, '8', '12'], {
      encoding: 'utf8',
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
