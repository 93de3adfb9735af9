// npm run seed -- --vms N --days D --seed S [--reset] [--end ISO] [--db URL] [--allow-attach]
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config';
import { openDatabase } from '../db/connect';
import { migrate } from '../db/migrate';
import { seedDemoWorld } from './seed';

const HELP = `Seed a demo OMA history.

  --vms N          VMs to create (default 300)
  --days D         days of history ending now (default 120)
  --seed S         random seed; the same seed gives the same world (default 42)
  --end ISO        end of history instead of now (makes output byte-identical across runs)
  --reset          delete existing OMA rows first (standalone databases only)
  --db URL         SQLite path or mysql:// URL (default: DB_URL or .data/oma.sqlite)
  --allow-attach   write into an existing OMA database (tests only: never on a real OMA)
`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main() {
  const { values } = parseArgs({
    options: {
      vms: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      end: { type: 'string' },
      db: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'allow-attach': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig(values.db ? { ...process.env, DB_URL: values.db } : process.env);
  const vms = positiveInt('vms', values.vms, 300);
  const days = positiveInt('days', values.days, 120);
  const seed = positiveInt('seed', values.seed, 42);
  const end = values.end ? new Date(values.end) : undefined;
  if (end && Number.isNaN(end.getTime()))
    throw new Error(`--end must be an ISO-8601 date, got "${values.end}"`);

  const store = openDatabase(config.dbUrl, { poolSize: 2, timeZone: config.dbTimeZone });
  try {
    const { mode } = await migrate(store);
    if (mode === 'attach' && !values['allow-attach']) {
      throw new Error(
        'This is an existing OMA database (attach mode); the seeder refuses to write demo data into it',
      );
    }
    if (mode === 'attach' && values.reset) throw new Error('--reset is refused on an attached OMA database');
    const bar = new SingleBar(
      {
        format:
          'seeding {bar} {percentage}% | {value}/{total} VMs | {jobs} jobs | {rate} jobs/s | ETA {eta_formatted}',
        hideCursor: true,
        // Outside a terminal (CI logs, pipes) print a progress line every few seconds instead.
        noTTYOutput: true,
        notTTYSchedule: 3000,
      },
      Presets.shades_classic,
    );
    const t0 = performance.now();
    bar.start(vms, 0, { jobs: 0, rate: 0 });
    const stats = await seedDemoWorld(store, {
      vms,
      days,
      seed,
      end,
      reset: values.reset,
      onProgress: ({ vmsDone, jobs }) =>
        bar.update(vmsDone, { jobs, rate: Math.round(jobs / ((performance.now() - t0) / 1000)) }),
    });
    bar.stop();
    process.stdout.write(
      `seeded ${stats.vms} VMs, ${stats.jobs} replication jobs in ${stats.seconds.toFixed(1)} s ` +
        `(${Math.round(stats.jobsPerSecond)} jobs/s) into ${store.dialect}\n` +
        Object.entries(stats.rows)
          .map(([table, n]) => `  ${table}: ${n}`)
          .join('\n') +
        '\n',
    );
  } finally {
    await store.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`\nseed failed: ${err.message}\n`);
  process.exit(1);
});
