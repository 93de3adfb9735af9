// Runs every benchmark in this folder. Each prints its own ratio against a baseline measured in
// the same run (absolute times drift on shared machines; ratios do not).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const only = process.argv[2];
for (const file of fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  process.stdout.write(`\n== ${file}\n`);
  execFileSync(process.execPath, [path.join(__dirname, file), ...process.argv.slice(3)], {
    stdio: 'inherit',
  });
}
