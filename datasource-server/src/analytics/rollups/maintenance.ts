// Keeps the hourly rollups current: once at start (the backfill when nothing is rolled up yet),
// then on a cron schedule, one instance at a time (db/lock).
import type { FastifyBaseLogger } from 'fastify';
import cron, { type ScheduledTask } from 'node-cron';
import type { ComponentCheck } from '@oma-insights/contracts';
import { cronExpression } from '../../cloudstack/schedule';
import type { Db } from '../../db/connect';
import { shortCause } from '../../db/errors';
import { withDatabaseLock } from '../../db/lock';
import { indexCbtTimes } from '../ops/cbt-times';
import { indexVolumeOpTimes } from '../ops/volume-times';
import { rollUpKindPending } from '../ops/rollup-engine';
import { OPS_ROLLUPS } from '../ops/sources';
import { rollUpPending, type RollupResult } from './roll-up';

export interface RollupConfig {
  /** ROLLUP=0 turns the maintenance off (queries then read raw rows for every hour). */
  enabled: boolean;
  /** ROLLUP_INTERVAL_MINUTES: a value cron keeps exactly (see SYNC_INTERVALS_MINUTES). */
  intervalMinutes: number;
}

const LOCK_NAME = 'omi_rollup_jobs_hourly';

export interface RollupRun extends RollupResult {
  /** False when another instance held the lock; nothing was done. */
  ran: boolean;
  toMs: number | null;
  /** The other kinds (CBT syncs, volume operations, CloudStack jobs), by omi_rollup_state name. */
  kinds?: Record<string, RollupResult>;
}

/** Rolls up replication jobs, then every ops kind, each up to the same hour with its own mark. */
export async function rollUpAll(store: Db, nowMs: number) {
  const jobs = await rollUpPending(store, nowMs);
  // The time indexes first: the CBT and volume rollups read through them.
  await indexCbtTimes(store);
  await indexVolumeOpTimes(store);
  const kinds: Record<string, RollupResult> = {};
  for (const spec of OPS_ROLLUPS) kinds[spec.name] = await rollUpKindPending(store, spec, nowMs);
  return { ...jobs, kinds };
}

export class RollupMaintenance {
  private task: ScheduledTask | null = null;
  private current: Promise<RollupRun> | null = null;
  private stopped = false;
  private lastSuccessAt: Date | null = null;
  private lastRun: RollupRun | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly store: Db,
    private readonly config: RollupConfig,
    private readonly log: FastifyBaseLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Schedules the maintenance and runs it once now (not awaited). */
  start(): void {
    if (!this.config.enabled || this.task || this.stopped) return;
    this.task = cron.createTask(cronExpression(this.config.intervalMinutes), () => this.runLogged(), {
      name: 'analytics-rollups',
      noOverlap: true,
    });
    void this.task.start();
    void this.runLogged();
  }

  /** A scheduled run: its failure is logged and shown in /debug/health, never thrown. */
  private runLogged(): Promise<unknown> {
    return this.run().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const task = this.task;
    this.task = null;
    if (task) await task.destroy();
    await this.current?.catch(() => undefined);
  }

  /**
   * Rolls up the pending hours unless a run is in flight in this process (then joins it).
   * Rejects when the run fails; the scheduled runs log the error instead.
   */
  run(): Promise<RollupRun> {
    this.current ??= this.attempt().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async attempt(): Promise<RollupRun> {
    try {
      const result = await withDatabaseLock(this.store, LOCK_NAME, () => rollUpAll(this.store, this.clock()));
      const run: RollupRun = result
        ? { ...result, ran: true }
        : { hours: 0, rows: 0, jobs: 0, ran: false, toMs: null };
      this.lastRun = run;
      this.lastSuccessAt = new Date();
      this.lastError = null;
      if (run.ran)
        this.log.debug(
          { rollup: run },
          'rolled up replication jobs, CBT syncs, volume operations, CloudStack jobs',
        );
      else this.log.debug('another instance is rolling up; skipped');
      return run;
    } catch (err) {
      this.lastError = shortCause(err);
      this.log.error({ err }, 'rolling up replication jobs failed');
      throw err;
    }
  }

  state(): ComponentCheck {
    if (!this.config.enabled) return { status: 'disabled', message: 'turned off (ROLLUP=0)' };
    if (this.lastError) return { status: 'down', message: `rollup failed: ${this.lastError}` };
    if (!this.lastSuccessAt) return { status: 'ok', message: 'first rollup running' };
    const to = this.lastRun?.toMs;
    return {
      status: 'ok',
      message: to ? `rolled up to ${new Date(to).toISOString()}` : 'another instance rolls up',
    };
  }
}
