// Keeps omi_cloudstack_networks equal to what CloudStack lists: once at start, then on a cron
// schedule, one run at a time. Every outcome is kept for /debug/health; keys never leave here.
import type { FastifyBaseLogger } from 'fastify';
import cron, { type ScheduledTask } from 'node-cron';
import type { ComponentCheck } from '@oma-insights/contracts';
import type { CloudStackSyncConfig } from '../config';
import type { Db } from '../db/connect';
import { shortCause } from '../db/errors';
import type { StorageMode } from '../db/migrate';
import { replaceInventory } from '../networks/inventory';
import { CloudStackClient, CloudStackError, redact } from './client';
import { osseaConnection, OsseaConfigError, type CloudStackConnection } from './connection';
import { inventoryFrom } from './networks';
import { cronExpression } from './schedule';

export interface CloudStackSyncOptions {
  store: Db;
  mode: StorageMode;
  config: CloudStackSyncConfig;
  log: FastifyBaseLogger;
}

type Source = 'environment' | 'ossea_configs';

/** A failure whose message is already fit for /debug/health. */
class SyncFailure extends Error {}

const NOT_CONFIGURED =
  'not configured: set CLOUDSTACK_URL, CLOUDSTACK_API_KEY and CLOUDSTACK_SECRET_KEY, or attach to an OMA database';

/** The environment wins; attach mode falls back to the OMA's own configuration. */
function sourceOf(config: CloudStackSyncConfig, mode: StorageMode): Source | null {
  if (!config.enabled) return null;
  if (config.connection) return 'environment';
  return mode === 'attach' ? 'ossea_configs' : null;
}

export class CloudStackSync {
  /** Null: nothing to sync from, so nothing is scheduled. */
  readonly source: Source | null;
  private task: ScheduledTask | null = null;
  private current: Promise<void> | null = null;
  private readonly closing = new AbortController();
  private stopped = false;

  private lastAttemptAt: Date | null = null;
  private lastSuccessAt: Date | null = null;
  private lastDurationMs: number | null = null;
  private networkCount: number | null = null;
  private skipped: number | null = null;
  private lastError: string | null = null;
  /** Attach mode without an active ossea_configs row. */
  private waitingFor: string | null = null;

  constructor(private readonly options: CloudStackSyncOptions) {
    this.source = sourceOf(options.config, options.mode);
  }

  /** Schedules the sync and runs it once now (not awaited: start-up never waits for CloudStack). */
  start(): void {
    if (!this.source || this.task || this.stopped) return;
    const log = this.options.log;
    this.task = cron.createTask(cronExpression(this.options.config.intervalMinutes), () => this.run(), {
      name: 'cloudstack-network-sync',
      noOverlap: true,
      logger: {
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
        error: (message) => log.error(String(message)),
        debug: (message) => log.debug(String(message)),
      },
    });
    void this.task.start();
    void this.run();
  }

  /** Unschedules, aborts a run in flight and waits for it to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    const task = this.task;
    this.task = null;
    if (task) await task.destroy();
    this.closing.abort();
    await this.current;
  }

  /** Runs a sync unless one is running, in which case it joins that one. Never rejects. */
  run(): Promise<void> {
    if (!this.source || this.stopped) return Promise.resolve();
    this.current ??= this.attempt().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /** Resolves when no sync is running. */
  async whenIdle(): Promise<void> {
    await this.current;
  }

  /** What /debug/health shows: never a key, a URL or a host. */
  state(): ComponentCheck {
    if (!this.options.config.enabled)
      return { status: 'disabled', message: 'turned off (CLOUDSTACK_SYNC=0)' };
    if (!this.source) return { status: 'disabled', message: NOT_CONFIGURED };
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    const sync = {
      source: this.source,
      interval_minutes: this.options.config.intervalMinutes,
      running: this.current !== null,
      last_attempt_at: iso(this.lastAttemptAt),
      last_success_at: iso(this.lastSuccessAt),
      last_duration_ms: this.lastDurationMs,
      network_count: this.networkCount,
      skipped: this.skipped,
      last_error: this.lastError,
      next_run_at: iso(this.task?.getNextRun() ?? null),
    };
    if (this.lastError) return { status: 'down', message: `sync failed: ${this.lastError}`, sync };
    if (this.waitingFor) return { status: 'disabled', message: this.waitingFor, sync };
    if (this.lastSuccessAt) {
      return {
        status: 'ok',
        message: `${this.networkCount} networks synced at ${iso(this.lastSuccessAt)}`,
        sync,
      };
    }
    return { status: 'ok', message: 'first sync running', sync };
  }

  private async connection(): Promise<{ connection: CloudStackConnection; label: string } | null> {
    const fromEnv = this.options.config.connection;
    if (fromEnv) return { connection: fromEnv, label: 'environment' };
    try {
      return await osseaConnection(this.options.store.db);
    } catch (err) {
      if (err instanceof OsseaConfigError) throw new SyncFailure(err.message);
      this.options.log.warn({ err }, 'cloudstack network sync: cannot read ossea_configs');
      throw new SyncFailure(`cannot read ossea_configs: ${shortCause(err)}`);
    }
  }

  private async attempt(): Promise<void> {
    const { store, config, log } = this.options;
    const started = performance.now();
    this.lastAttemptAt = new Date();
    let secrets: string[] = [];
    try {
      const found = await this.connection();
      if (!found) {
        this.waitingFor = 'waiting for an active ossea_configs row (is_active = 1)';
        this.lastError = null;
        return;
      }
      this.waitingFor = null;
      secrets = [found.connection.apiKey, found.connection.secretKey];
      const client = new CloudStackClient(found.connection, {
        timeoutMs: config.timeoutMs,
        pageSize: config.pageSize,
        signal: this.closing.signal,
      });
      const zones = await client.listZones();
      const entries = await client.listNetworks();
      const { networks, skipped, adjusted } = inventoryFrom(entries, zones);
      try {
        await replaceInventory(store, networks);
      } catch (err) {
        log.warn({ err }, 'cloudstack network sync: storing the inventory failed');
        throw new SyncFailure(`cannot store the inventory: ${shortCause(err)}`);
      }

      this.lastSuccessAt = new Date();
      this.networkCount = networks.length;
      this.skipped = skipped.length;
      this.lastError = null;
      const durationMs = Math.round(performance.now() - started);
      log.info(
        {
          source: found.label,
          endpoint: client.where,
          zones: zones.length,
          listed: entries.length,
          networks: networks.length,
          skipped: skipped.length,
          adjusted,
          duration_ms: durationMs,
        },
        'cloudstack networks synced',
      );
      if (skipped.length || adjusted) {
        log.warn(
          { skipped: skipped.length, adjusted, examples: skipped.slice(0, 5) },
          `cloudstack network sync: ${skipped.length} networks skipped, ${adjusted} values too long for their column shortened or left out`,
        );
      }
      if (networks.length === 0)
        log.warn('cloudstack network sync: CloudStack listed no networks; the inventory is empty');
    } catch (err) {
      if (this.closing.signal.aborted) {
        log.info('cloudstack network sync stopped: the server is closing');
        return;
      }
      // Only messages written for this purpose get through; anything else is a bug, told briefly.
      const known = err instanceof CloudStackError || err instanceof SyncFailure;
      this.lastError = redact(known ? err.message : 'unexpected error (see the log)', secrets);
      if (!known) {
        const e = err as Error;
        log.error(
          {
            err: {
              type: e?.name,
              message: redact(String(e?.message), secrets),
              stack: redact(String(e?.stack), secrets),
            },
          },
          'cloudstack network sync: unexpected error',
        );
      }
      log.warn({ error: this.lastError }, 'cloudstack network sync failed');
    } finally {
      this.lastDurationMs = Math.round(performance.now() - started);
    }
  }
}
