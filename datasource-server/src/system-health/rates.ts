// The health sampler's arithmetic: parsing /proc counters, rates and percentages from two
// readings, and whether a sample is degraded. Pure; sampler.ts does the reading.
import type { HealthMetric } from '@oma-insights/contracts';

/** Cumulative counters read at one instant; a rate needs two readings. */
export interface CounterReading {
  atMs: number;
  /** Sums over every CPU of os.cpus() times, ms. */
  cpu: { idleMs: number; totalMs: number };
  /** process.cpuUsage() user + system, µs. */
  processCpuMicros: number;
  /** The database volume's block device (/proc/diskstats); null where not found. */
  disk: DiskCounters | null;
  /** Bytes over every interface but loopback (/proc/net/dev); null where not available. */
  net: { rxBytes: number; txBytes: number } | null;
  /** Events published on the bus and progress pushes received since start. */
  events: number;
  ingests: number;
}

export interface DiskCounters {
  sectorsRead: number;
  sectorsWritten: number;
  /** Time the device had I/O in flight, ms. */
  ioMs: number;
}

/** /proc/diskstats counts 512-byte sectors whatever the device's own sector size. */
const SECTOR_BYTES = 512;

/** Linux dev_t (as fs.Stats.dev) -> major and minor device numbers. */
export function deviceNumbers(dev: number): { major: number; minor: number } {
  const big = BigInt(dev);
  const major = Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn));
  const minor = Number((big & 0xffn) | ((big >> 12n) & ~0xffn));
  return { major, minor };
}

/** The counters of device major:minor in /proc/diskstats text, or null. */
export function parseDiskstats(text: string, major: number, minor: number): DiskCounters | null {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14 || Number(f[0]) !== major || Number(f[1]) !== minor) continue;
    // Fields after the name: reads, merged, sectors read, ms, writes, merged, sectors written, ms, in flight, io ms, …
    return { sectorsRead: Number(f[5]), sectorsWritten: Number(f[9]), ioMs: Number(f[12]) };
  }
  return null;
}

/** Received and sent bytes over every interface but loopback in /proc/net/dev text, or null. */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number } | null {
  let rxBytes = 0;
  let txBytes = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    if (f.length < 9 || f.some((n) => !Number.isFinite(n))) continue;
    rxBytes += f[0];
    txBytes += f[8];
    seen = true;
  }
  return seen ? { rxBytes, txBytes } : null;
}

export type RateFigures = Pick<
  Record<HealthMetric, number | null>,
  | 'cpu_percent'
  | 'process_cpu_percent'
  | 'disk_read_bps'
  | 'disk_write_bps'
  | 'disk_busy_percent'
  | 'net_rx_bps'
  | 'net_tx_bps'
  | 'events_per_second'
  | 'ingest_per_second'
>;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const clampPercent = (value: number) => round(Math.min(100, Math.max(0, value)));

/**
 * Rates between two readings. Null for a figure either reading lacks, when no time passed, or
 * when a counter went backwards (device or interface reset).
 */
export function ratesBetween(
  previous: CounterReading,
  current: CounterReading,
  cpuCount: number,
): RateFigures {
  const seconds = (current.atMs - previous.atMs) / 1000;
  const rate = (a: number | undefined, b: number | undefined, scale = 1) =>
    a === undefined || b === undefined || seconds <= 0 || b < a ? null : round(((b - a) * scale) / seconds);
  const cpuTotal = current.cpu.totalMs - previous.cpu.totalMs;
  const cpuIdle = current.cpu.idleMs - previous.cpu.idleMs;
  return {
    cpu_percent: cpuTotal > 0 && cpuIdle >= 0 ? clampPercent(100 * (1 - cpuIdle / cpuTotal)) : null,
    process_cpu_percent:
      seconds > 0 && current.processCpuMicros >= previous.processCpuMicros
        ? clampPercent(
            ((current.processCpuMicros - previous.processCpuMicros) /
              1000 /
              (seconds * 1000 * Math.max(1, cpuCount))) *
              100,
          )
        : null,
    disk_read_bps: rate(previous.disk?.sectorsRead, current.disk?.sectorsRead, SECTOR_BYTES),
    disk_write_bps: rate(previous.disk?.sectorsWritten, current.disk?.sectorsWritten, SECTOR_BYTES),
    disk_busy_percent:
      previous.disk && current.disk && seconds > 0 && current.disk.ioMs >= previous.disk.ioMs
        ? clampPercent(((current.disk.ioMs - previous.disk.ioMs) / (seconds * 1000)) * 100)
        : null,
    net_rx_bps: rate(previous.net?.rxBytes, current.net?.rxBytes),
    net_tx_bps: rate(previous.net?.txBytes, current.net?.txBytes),
    events_per_second: rate(previous.events, current.events),
    ingest_per_second: rate(previous.ingests, current.ingests),
  };
}

/** Thresholds above which a sample is degraded. */
export const DEGRADED_WHEN = {
  memory_percent: 95,
  disk_used_percent: 95,
  event_loop_lag_p99_ms: 500,
  db_pool_waiting: 1,
} as const;

export interface Assessment {
  status: 'ok' | 'degraded';
  reasons: string[];
}

/** Whether a sample is degraded, and why (a failed database ping is a reason of its own). */
export function assess(
  sample: Partial<Record<HealthMetric, number | null>>,
  dbError: string | null,
): Assessment {
  const reasons: string[] = [];
  if (dbError) reasons.push(`database ping failed: ${dbError}`);
  for (const [metric, limit] of Object.entries(DEGRADED_WHEN) as [HealthMetric, number][]) {
    const value = sample[metric];
    if (value !== null && value !== undefined && value >= limit)
      reasons.push(`${metric} ${value} (limit ${limit})`);
  }
  return { status: reasons.length ? 'degraded' : 'ok', reasons };
}
