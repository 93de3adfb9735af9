// Fills omi_migration_analytics: a job's row is written when its job_complete or job_failed event
// arrives (ingest and the simulator publish them), and a cron pass (one instance at a time)
// records finished jobs that have none (finished by other programs).
import fp from 'fastify-plugin';
import cron, { type ScheduledTask } from 'node-cron';
import { cronExpression } from '../../cloudstack/schedule';
import { shortCause } from '../../db/errors';
import { withDatabaseLock } from '../../db/lock';
import { backfill, recordJobs } from './record';

export interface MigrationAnalyticsRecorder {
  /** Resolves once every recording started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  /** One backfill pass now; null when another instance holds the lock. */
  backfill(): Promise<number | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    migrationAnalytics: MigrationAnalyticsRecorder;
  }
}

const LOCK_NAME = 'omi_migration_analytics_backfill';

export default fp(
  async (app) => {
    const log = app.log.child({ component: 'migration-analytics' });
    const inFlight = new Set<Promise<unknown>>();
    let lastError: string | null = null;
    let lastBackfill: { at: string; recorded: number | null } | null = null;

    const track = (work: Promise<unknown>) => {
      const tracked = work
        .then(() => {
          lastError = null;
        })
        .catch((err: unknown) => {
          lastError = shortCause(err);
          log.warn({ err }, 'recording a finished job failed (the backfill retries it)');
        })
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };
    const unsubscribe = app.bus.subscribe((event) => {
      if (event.type === 'job_complete' || event.type === 'job_failed') {
        track(recordJobs(app.store, [event.data.job_id], 'event'));
      }
    });

    const runBackfill = async () => {
      const recorded = await withDatabaseLock(app.store, LOCK_NAME, () => backfill(app.store));
      lastBackfill = { at: new Date().toISOString(), recorded };
      if (recorded) log.info({ recorded }, 'recorded finished jobs missing from omi_migration_analytics');
      return recorded;
    };
    app.decorate('migrationAnalytics', {
      idle: async () => {
        while (inFlight.size) await Promise.all([...inFlight]);
      },
      backfill: runBackfill,
    });

    const minutes = app.config.performanceBackfillMinutes;
    let task: ScheduledTask | null = null;
    app.components.set('migration_analytics', () => {
      if (lastError) return { status: 'down', message: `recording failed: ${lastError}` };
      const pass = lastBackfill
        ? `; last backfill at ${lastBackfill.at}${lastBackfill.recorded === null ? ' (another instance)' : `: ${lastBackfill.recorded} jobs`}`
        : '';
      return {
        status: 'ok',
        message: `${minutes ? `backfill every ${minutes} min` : 'backfill off (PERFORMANCE_BACKFILL_MINUTES=0)'}${pass}`,
      };
    });
    app.addHook('onReady', async () => {
      if (!minutes) return;
      const run = () =>
        runBackfill().catch((err: unknown) => {
          lastError = shortCause(err);
          log.warn({ err }, 'migration analytics backfill failed');
        });
      task = cron.createTask(cronExpression(minutes), run, {
        name: 'migration-analytics-backfill',
        noOverlap: true,
      });
      void task.start();
      void run();
    });
    app.addHook('preClose', async () => {
      unsubscribe();
    });
    app.addHook('onClose', async () => {
      await task?.destroy();
      while (inFlight.size) await Promise.all([...inFlight]);
    });
  },
  { name: 'migration-analytics', dependencies: ['services'] },
);
