// The detectors, every minute (node-cron), on one instance at a time (the database lock): stalled
// jobs and failure bursts become notifications. The decisions are in detect.ts.
import fp from 'fastify-plugin';
import cron, { type ScheduledTask } from 'node-cron';
import { JOB_STATUSES, TERMINAL_JOB_STATUSES, type ComponentCheck } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { shortCause } from '../db/errors';
import { withDatabaseLock } from '../db/lock';
import type { NoticeDraft } from '../notifications/notices';
import { round2 } from '../progress/rules';
import { failureBurst, stalledJobs, type DetectorConfig } from './detect';

declare module 'fastify' {
  interface FastifyInstance {
    detectors: {
      /** One run of every detector at `now`; null when another instance is running them. */
      run(now?: number): Promise<{ raised: number; seen: number } | null>;
    };
  }
}

export const DETECTORS_LOCK = 'omi_detectors';
const EVERY_MINUTE = '* * * * *';
/** Waiting (pending) jobs are queued, not stalled. */
const RUNNING = JOB_STATUSES.filter((s) => s !== 'pending' && !TERMINAL_JOB_STATUSES.includes(s));

/** Every notice the detectors would raise at `now`. */
export async function detect(store: Db, config: DetectorConfig, now: number): Promise<NoticeDraft[]> {
  const { db, time } = store;
  const notices: NoticeDraft[] = [];
  if (config.stalledMinutes > 0) {
    const cutoff = time.toDb(now - config.stalledMinutes * 60_000);
    // On the OMA's (status, updated_at) index.
    const rows = await db
      .selectFrom('replication_jobs')
      .select([
        'id',
        'source_vm_name',
        'status',
        'current_operation',
        'progress_percent',
        'updated_at',
        'started_at',
        'created_at',
      ])
      .where('status', 'in', RUNNING)
      .where((eb) => eb.or([eb('updated_at', '<=', cutoff), eb('updated_at', 'is', null)]))
      .execute();
    const jobs = rows.flatMap((r) => {
      const lastProgressMs = time.toMs(r.updated_at) ?? time.toMs(r.started_at) ?? time.toMs(r.created_at);
      if (lastProgressMs === null) return [];
      return [
        {
          id: r.id,
          vm_name: r.source_vm_name,
          status: r.status ?? 'unknown',
          phase: r.current_operation,
          percentage: round2(Number(r.progress_percent ?? 0)),
          lastProgressMs,
        },
      ];
    });
    notices.push(...stalledJobs(jobs, now, config.stalledMinutes));
  }
  if (config.burstCount > 0) {
    // On the OMA's (status, completed_at) index.
    const failures = await db
      .selectFrom('replication_jobs')
      .select(['id', 'source_vm_name', 'completed_at', 'vma_error_classification'])
      .where('status', '=', 'failed')
      .where('completed_at', '>', time.toDb(now - config.burstMinutes * 60_000))
      .where('completed_at', '<=', time.toDb(now))
      .execute();
    const last = await db
      .selectFrom('omi_notifications')
      .select((e) => e.fn.max('created_at').as('at'))
      .where('source', '=', 'failure_burst')
      // Only a notice within the window matters (on the created_at index).
      .where('created_at', '>', time.toDb(now - config.burstMinutes * 60_000))
      .executeTakeFirst();
    const burst = failureBurst(
      failures.map((f) => ({
        id: f.id,
        vm_name: f.source_vm_name,
        completedMs: time.toMs(f.completed_at) ?? 0,
        classification: f.vma_error_classification,
      })),
      now,
      config,
      time.toMs(last?.at as string | null | undefined),
    );
    if (burst) notices.push(burst);
  }
  return notices;
}

export default fp(
  async (app) => {
    const config = app.config.detectors;
    let last: { at: string; raised?: number; error?: string } | null = null;
    let running: Promise<{ raised: number; seen: number } | null> | null = null;
    let task: ScheduledTask | null = null;

    const runOnce = async (now: number) => {
      const result = await withDatabaseLock(app.store, DETECTORS_LOCK, async () => {
        const notices = await detect(app.store, config, now);
        let raised = 0;
        for (const notice of notices) if ((await app.notifications.raise(notice, now)).created) raised++;
        return { raised, seen: notices.length };
      });
      if (result) last = { at: new Date(now).toISOString(), raised: result.raised };
      return result;
    };
    // One run at a time in this process (SQLite has no database lock to do it).
    const run = (now = Date.now()) => {
      running ??= runOnce(now)
        .catch((err: unknown) => {
          last = { at: new Date(now).toISOString(), error: shortCause(err) };
          app.log.warn({ err }, 'detectors run failed');
          throw err;
        })
        .finally(() => {
          running = null;
        });
      return running;
    };
    app.decorate('detectors', { run });
    app.components.set('detectors', (): ComponentCheck => {
      if (!config.enabled) return { status: 'disabled', message: 'DETECTORS=0' };
      const what = `stalled after ${config.stalledMinutes} min, burst of ${config.burstCount} failures in ${config.burstMinutes} min`;
      if (last?.error) return { status: 'down', message: `last run at ${last.at} failed: ${last.error}` };
      return {
        status: 'ok',
        message: `${what}${last ? `; last run at ${last.at} raised ${last.raised}` : ''}`,
      };
    });
    if (!config.enabled) return;
    app.addHook('onReady', async () => {
      task = cron.schedule(EVERY_MINUTE, () => {
        run().catch(() => {});
      });
    });
    app.addHook('preClose', async () => {
      await task?.destroy();
      await running?.catch(() => {});
    });
  },
  { name: 'detectors', dependencies: ['services', 'notifications'] },
);
