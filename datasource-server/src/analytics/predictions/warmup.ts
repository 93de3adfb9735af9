// Trains the predictions model once the server is ready and just after each UTC midnight (when
// the history's start moves and the next request would train in full), so no dashboard request
// pays a full training (tens of seconds on a million jobs). On with the rollups (ROLLUP).
import fp from 'fastify-plugin';
import cron from 'node-cron';
import { predictNextSyncs } from './predict';

export default fp(
  async (app) => {
    if (!app.config.rollup.enabled) return;
    const log = app.log.child({ component: 'predictions-warmup' });
    let closing = false;
    let running: Promise<void> | null = null;
    const warm = () => {
      running ??= predictNextSyncs(app.store.db, app.store.time, {}, Date.now(), 1)
        .then(() => log.debug('predictions model trained'))
        .catch((err: unknown) => {
          if (!closing) log.warn({ err }, 'training the predictions model ahead of requests failed');
        })
        .finally(() => (running = null));
      return running;
    };
    const task = cron.createTask('2 0 * * *', () => void warm(), {
      name: 'predictions-warmup',
      timezone: 'UTC',
      noOverlap: true,
    });
    app.addHook('onReady', async () => {
      void task.start();
      void warm();
    });
    app.addHook('onClose', async () => {
      // A training in flight is not waited for: it fails quietly as the store closes.
      closing = true;
      await task.destroy();
    });
  },
  { name: 'predictions-warmup', dependencies: ['services'] },
);
