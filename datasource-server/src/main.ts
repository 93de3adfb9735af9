// Process entry: config -> store -> app -> (first-start demo seed) -> listen -> simulator -> graceful shutdown.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { provisionTokens } from './auth/provision';
import { loadConfig } from './config';
import { openDatabase } from './db/connect';
import { migrate } from './db/migrate';
import { countRows } from './db/count';
import { seedDemoWorld } from './demo/seed';
import { Simulator } from './demo/simulator';

async function main() {
  const config = loadConfig(process.env, process.stdout.isTTY);
  const store = openDatabase(config.dbUrl, { timeZone: config.dbTimeZone });
  const { mode, applied } = await migrate(store);
  const { tokens, file, generated } = provisionTokens(config.apiTokens, config.tokenFile);
  // The event bus (in memory, or Redis with REDIS_URL) is made by the app and closed with it.
  const app = await buildApp({ config, store, mode, tokens });
  const log = app.log;

  log.info(
    { dialect: store.dialect, mode, migrations: applied.length, db_timezone: store.time.zone },
    'database ready',
  );
  if (file)
    log.info(
      { file },
      generated ? 'API_TOKENS not set: generated tokens written to file' : 'API tokens read from file',
    );

  if (config.demo && mode === 'standalone' && (await countRows(store.db, 'vm_replication_contexts')) === 0) {
    const { vms, days, seed } = config.demoSeed;
    log.info({ vms, days, seed }, 'empty database: seeding a demo world');
    const stats = await seedDemoWorld(store, {
      vms,
      days,
      seed,
      onProgress: ({ vmsDone, vms: total, jobs }) =>
        log.info(`seeding demo world: ${vmsDone}/${total} VMs, ${jobs} jobs`),
    });
    log.info({ jobs: stats.jobs, seconds: Number(stats.seconds.toFixed(1)) }, 'demo world seeded');
  }

  const simulator = config.demo ? new Simulator(store, app.bus, app.log) : null;
  app.components.set('simulator', () => (simulator ? simulator.state() : { status: 'disabled' }));

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    simulator?.stop();
    await app.close(); // stops accepting, drains in-flight requests
    await store.close();
  });

  await app.listen({ port: config.port, host: config.host });
  log.info(
    `API docs at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api/v1/docs`,
  );
  if (simulator) await simulator.start();
}

main().catch((err: Error) => {
  process.stderr.write(`failed to start: ${err.message}\n`);
  process.exit(1);
});
