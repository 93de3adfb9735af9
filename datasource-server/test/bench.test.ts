// The benchmarks in bench/ use the built server's modules directly, so a change of signature can
// break them without any type check noticing: run each on a tiny input and see it print its ratio.
// (Only that it runs and reports; timings are never asserted.)
import { execFileSync } from 'node:child_process';
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
