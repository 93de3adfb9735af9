// Takes one health sample: reads the machine (os, /proc, fs.statfs), the event loop's delay, the
// database (ping, pool) and the live channels' clients; rates.ts turns counters into rates.
import fs from 'node:fs/promises';
import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { HealthMetric } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { shortCause } from '../db/errors';
import {
  assess,
  deviceNumbers,
  parseDiskstats,
  parseNetDev,
  ratesBetween,
  type Assessment,
  type CounterReading,
} from './rates';

export type HealthFigures = Record<HealthMetric, number | null>;

export interface HealthSample extends Assessment {
  atMs: number;
  figures: HealthFigures;
}

export interface SamplerSources {
  store: Db;
  /** The directory whose volume holds the database; null when it is not on this machine. */
  volumePath: string | null;
  /** Open live sockets per channel. */
  liveClients(): Promise<Record<string, number>>;
  /** Events published and progress pushes received since start. */
  counts(): { events: number; ingests: number };
}

const LOOP_RESOLUTION_MS = 10;

const readText = (file: string) => fs.readFile(file, 'utf8').catch(() => null);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Where the database's files are: the SQLite file's folder, or MariaDB's datadir when it is local. */
export async function databaseVolume(store: Db, dbUrl: string): Promise<string | null> {
  if (store.dialect === 'sqlite')
    return dbUrl === ':memory:' ? null : (await import('node:path')).dirname(dbUrl);
  try {
    const { rows } = await sql<{ datadir: string }>`select @@datadir as datadir`.execute(store.db);
    const dir = rows[0]?.datadir;
    // A datadir path that exists here is the database's own only when the server is local.
    const host = new URL(dbUrl.replace(/^mariadb:/i, 'mysql:')).hostname;
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
    return dir && local && (await fs.stat(dir).catch(() => null)) ? dir : null;
  } catch {
    return null;
  }
}

export class HealthSampler {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private previous: CounterReading | null = null;
  private device: { major: number; minor: number } | null | undefined;

  constructor(private readonly sources: SamplerSources) {
    this.loopDelay.enable();
  }

  stop() {
    this.loopDelay.disable();
  }

  private async counters(atMs: number): Promise<CounterReading> {
    let idleMs = 0;
    let totalMs = 0;
    for (const cpu of os.cpus()) {
      const t = cpu.times;
      idleMs += t.idle;
      totalMs += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    const usage = process.cpuUsage();
    if (this.device === undefined) {
      const stat = this.sources.volumePath ? await fs.stat(this.sources.volumePath).catch(() => null) : null;
      this.device = stat ? deviceNumbers(stat.dev) : null;
    }
    const [diskstats, netdev] = await Promise.all([
      this.device ? readText('/proc/diskstats') : Promise.resolve(null),
      readText('/proc/net/dev'),
    ]);
    const { events, ingests } = this.sources.counts();
    return {
      atMs,
      cpu: { idleMs, totalMs },
      processCpuMicros: usage.user + usage.system,
      disk: diskstats && this.device ? parseDiskstats(diskstats, this.device.major, this.device.minor) : null,
      net: netdev ? parseNetDev(netdev) : null,
      events,
      ingests,
    };
  }

  /** One sample. The first one has no rates (nothing to compare with). */
  async sample(atMs = Date.now()): Promise<HealthSample> {
    const { store, volumePath } = this.sources;
    const reading = await this.counters(atMs);
    const rates = this.previous ? ratesBetween(this.previous, reading, os.cpus().length) : null;
    this.previous = reading;

    // The histogram records the whole time between its timer's ticks: the delay is what exceeds the resolution.
    const lag = this.loopDelay;
    const delay = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
    const lagMs = lag.count > 0 ? delay(lag.mean) : null;
    const lagP99 = lag.count > 0 ? delay(lag.percentile(99)) : null;
    lag.reset();

    let dbLatency: number | null = null;
    let dbError: string | null = null;
    const t0 = performance.now();
    try {
      await sql`select 1`.execute(store.db);
      dbLatency = round(performance.now() - t0);
    } catch (err) {
      dbError = shortCause(err);
    }
    const pool = store.poolState?.() ?? null;
    const statfs = volumePath ? await fs.statfs(volumePath).catch(() => null) : null;
    const clients = await this.sources.liveClients().catch(() => ({}) as Record<string, number>);
    const memory = process.memoryUsage();
    const total = os.totalmem();

    const figures: HealthFigures = {
      cpu_percent: rates?.cpu_percent ?? null,
      process_cpu_percent: rates?.process_cpu_percent ?? null,
      memory_percent: total > 0 ? round(100 * (1 - os.freemem() / total)) : null,
      process_rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      event_loop_lag_ms: lagMs,
      event_loop_lag_p99_ms: lagP99,
      disk_free_bytes: statfs ? statfs.bavail * statfs.bsize : null,
      disk_used_percent: statfs && statfs.blocks > 0 ? round(100 * (1 - statfs.bfree / statfs.blocks)) : null,
      disk_read_bps: rates?.disk_read_bps ?? null,
      disk_write_bps: rates?.disk_write_bps ?? null,
      disk_busy_percent: rates?.disk_busy_percent ?? null,
      net_rx_bps: rates?.net_rx_bps ?? null,
      net_tx_bps: rates?.net_tx_bps ?? null,
      db_latency_ms: dbLatency,
      db_pool_total: pool?.total ?? null,
      db_pool_idle: pool?.idle ?? null,
      db_pool_waiting: pool?.waiting ?? null,
      ws_clients_progress: clients['progress'] ?? null,
      ws_clients_notifications: clients['notifications'] ?? null,
      ws_clients_system_health: clients['system-health'] ?? null,
      events_per_second: rates?.events_per_second ?? null,
      ingest_per_second: rates?.ingest_per_second ?? null,
    };
    return { atMs, figures, ...assess(figures, dbError) };
  }
}
