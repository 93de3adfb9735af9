import {
  assess,
  deviceNumbers,
  parseDiskstats,
  parseNetDev,
  ratesBetween,
  type CounterReading,
} from './rates';

const DISKSTATS = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 76842 20473 2849850 21467 126164 231120 6800944 43917 0 17252 69748 16620 8 1279800 1380 42287 2983
 254       1 vda1 70000 20000 2800000 21000 120000 230000 6700000 43000 0 17000 69000 0 0 0 0 0 0
`;

const NETDEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 58058363   38867    0    0    0     0          0         0 58058363   38867    0    0    0     0       0          0
  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
  eth1: 500 5 0 0 0 0 0 0 700 7 0 0 0 0 0 0
`;

const reading = (over: Partial<CounterReading> = {}): CounterReading => ({
  atMs: 0,
  cpu: { idleMs: 0, totalMs: 0 },
  processCpuMicros: 0,
  disk: { sectorsRead: 0, sectorsWritten: 0, ioMs: 0 },
  net: { rxBytes: 0, txBytes: 0 },
  events: 0,
  ingests: 0,
  ...over,
});

describe('parsers', () => {
  test('deviceNumbers splits a Linux dev_t, large minors included', () => {
    expect(deviceNumbers(65024)).toEqual({ major: 254, minor: 0 });
    expect(deviceNumbers((8 << 8) | 17)).toEqual({ major: 8, minor: 17 });
    // minor 300: low 8 bits in 0..7, the rest from bit 20 up.
    expect(deviceNumbers((8 << 8) | (300 & 0xff) | ((300 & ~0xff) << 12))).toEqual({ major: 8, minor: 300 });
  });

  test('parseDiskstats finds the device by major:minor, or null', () => {
    expect(parseDiskstats(DISKSTATS, 254, 0)).toEqual({
      sectorsRead: 2849850,
      sectorsWritten: 6800944,
      ioMs: 17252,
    });
    expect(parseDiskstats(DISKSTATS, 254, 1)).toEqual({
      sectorsRead: 2800000,
      sectorsWritten: 6700000,
      ioMs: 17000,
    });
    expect(parseDiskstats(DISKSTATS, 0, 42)).toBeNull();
    expect(parseDiskstats('', 254, 0)).toBeNull();
  });

  test('parseNetDev sums every interface but loopback; null with none', () => {
    expect(parseNetDev(NETDEV)).toEqual({ rxBytes: 1500, txBytes: 2700 });
    expect(parseNetDev(NETDEV.split('\n').slice(0, 3).join('\n'))).toBeNull();
  });
});

describe('ratesBetween', () => {
  test('per-second rates and percentages over the elapsed time', () => {
    const a = reading({
      atMs: 10_000,
      cpu: { idleMs: 1000, totalMs: 2000 },
      processCpuMicros: 1_000_000,
      events: 5,
      ingests: 1,
    });
    const b = reading({
      atMs: 15_000,
      cpu: { idleMs: 1750, totalMs: 3000 },
      // 0.5 s of CPU over 5 s on 2 CPUs: 5%.
      processCpuMicros: 1_500_000,
      disk: { sectorsRead: 100, sectorsWritten: 1000, ioMs: 1000 },
      net: { rxBytes: 5000, txBytes: 10_000 },
      events: 30,
      ingests: 11,
    });
    expect(ratesBetween(a, b, 2)).toEqual({
      cpu_percent: 25,
      process_cpu_percent: 5,
      disk_read_bps: (100 * 512) / 5,
      disk_write_bps: (1000 * 512) / 5,
      disk_busy_percent: 20,
      net_rx_bps: 1000,
      net_tx_bps: 2000,
      events_per_second: 5,
      ingest_per_second: 2,
    });
  });

  test('null where a reading lacks a counter, time stood still, or a counter went backwards', () => {
    const a = reading({ atMs: 0, net: { rxBytes: 100, txBytes: 100 } });
    const b = reading({ atMs: 1000, disk: null, net: { rxBytes: 50, txBytes: 200 } });
    const r = ratesBetween(a, b, 1);
    expect([r.disk_read_bps, r.disk_write_bps, r.disk_busy_percent]).toEqual([null, null, null]);
    expect([r.net_rx_bps, r.net_tx_bps]).toEqual([null, 100]);
    expect(r.cpu_percent).toBeNull();
    const still = ratesBetween(a, { ...a }, 1);
    expect([still.events_per_second, still.process_cpu_percent, still.net_rx_bps]).toEqual([
      null,
      null,
      null,
    ]);
  });

  test('percentages stay within 0..100 when counters jitter', () => {
    const a = reading({ atMs: 0, disk: { sectorsRead: 0, sectorsWritten: 0, ioMs: 0 } });
    const b = reading({
      atMs: 1000,
      disk: { sectorsRead: 0, sectorsWritten: 0, ioMs: 1300 },
      processCpuMicros: 5_000_000,
    });
    expect(ratesBetween(a, b, 1).disk_busy_percent).toBe(100);
    expect(ratesBetween(a, b, 1).process_cpu_percent).toBe(100);
  });
});

describe('assess', () => {
  test('ok below every limit; degraded with a reason per figure over its limit and for a failed ping', () => {
    expect(
      assess(
        { memory_percent: 50, disk_used_percent: 10, event_loop_lag_p99_ms: 20, db_pool_waiting: 0 },
        null,
      ),
    ).toEqual({
      status: 'ok',
      reasons: [],
    });
    const bad = assess(
      { memory_percent: 97.5, disk_used_percent: null, event_loop_lag_p99_ms: 800 },
      'ECONNREFUSED',
    );
    expect(bad.status).toBe('degraded');
    expect(bad.reasons).toEqual([
      'database ping failed: ECONNREFUSED',
      'memory_percent 97.5 (limit 95)',
      'event_loop_lag_p99_ms 800 (limit 500)',
    ]);
  });
});
