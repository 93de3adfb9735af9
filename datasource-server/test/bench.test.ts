// The benchmarks in bench/ use the built server's modules directly, so a change of signature can
// break them without any type check noticing: run each on a tiny input and see it print its ratio.
// (Only that it runs and reports; timings are never asserted.)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MYSQL_URL } from './mysql-check';
import { TARGETS } from './helper';

const BENCH = path.resolve(__dirname, '..', '..', 'bench', 'seed-rate.bench.js');
const runIfMysql = TARGETS.includes('mysql') ? test : test.skip;

runIfMysql('bench/seed-rate runs and prints the batched/baseline ratio', () => {
  const out = execFileSync(process.execPath, [BENCH, MYSQL_URL, '3'], { encoding: 'utf8', timeout: 120_000 });
  expect(out).toMatch(/^ratio batched\/baseline: \d+(\.\d+)?x$/m);
  expect(out).toMatch(/^VMs 3, days 60, jobs [1-9]\d*/m);
});
