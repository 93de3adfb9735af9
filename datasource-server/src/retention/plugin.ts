import fp from 'fastify-plugin';
import cron, { type ScheduledTask } from 'node-cron';
import { shortCause } from '../db/errors';
import { purgeExpired } from './retention';

/** Daily, at a quiet hour of the server's clock. */
const DAILY = '17 3 * * *';

/** Deletes own-table rows older than RETENTION_DAYS every day; the last run shows in health. */
export default fp(
  async (app) => {
    const days = app.config.retentionDays;
    let last: { at: string; deleted?: Record<string, number>; error?: string } | null = null;
    let task: ScheduledTask | null = null;
    const run = async () => {
      const at = new Date().toISOString();
      try {
        const deleted = await purgeExpired(app.store, days);
        last = { at, deleted };
        if (Object.values(deleted).some((n) => n > 0)) {
          app.log.info({ deleted, days }, 'retention: old rows of own tables deleted');
        }
      } catch (err) {
        last = { at, error: shortCause(err) };
        app.log.warn({ err }, 'retention run failed');
      }
    };
    app.components.set('retention', () => {
      if (days <= 0) return { status: 'disabled', message: 'RETENTION_DAYS=0: own tables are kept forever' };
      if (last?.error) return { status: 'down', message: `last run at ${last.at} failed: ${last.error}` };
      return { status: 'ok', message: `keeps ${days} days${last ? `; last run at ${last.at}` : ''}` };
    });
    if (days <= 0) return;
    app.addHook('onReady', async () => {
      task = cron.schedule(DAILY, run);
    });
    app.addHook('onClose', async () => {
      await task?.destroy();
    });
  },
  { name: 'retention', dependencies: ['services'] },
);
