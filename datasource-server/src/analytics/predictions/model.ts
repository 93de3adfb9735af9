// Sync duration model: duration = setup overhead + expected bytes / expected transfer throughput.
// Learns online from finished jobs (`observe`) so a replay can predict each job from only what
// was known before it started. Pure: no I/O, no clock.

export type SyncType = 'initial' | 'incremental';
export type ThroughputSource = 'vm' | 'datastore' | 'vcenter' | 'global' | 'default';

/** A finished replication job as the model sees it. */
export interface JobRecord {
  id: string;
  vm: string;
  type: SyncType;
  status: string;
  startedMs: number;
  completedMs: number;
  /** Bytes the job set out to send (the VM's used blocks for an initial, its changes for an incremental). */
  totalBytes: number;
  bytesTransferred: number;
  /** Seconds the disks spent copying (cbt_history.sync_duration_seconds summed); null without CBT rows. */
  transferSeconds: number | null;
}

/** A VM's static facts. */
export interface VmFacts {
  id: string;
  vcenter: string;
  /** The datastore holding most of the VM's capacity. */
  datastore: string | null;
  /** Sum of the disks' capacity. */
  capacityBytes: number;
}

export interface Prediction {
  type: SyncType;
  seconds: number;
  p10Seconds: number;
  p90Seconds: number;
  basis: {
    bytesExpected: number;
    /** How the bytes were estimated. */
    bytesSource: 'earlier_attempt' | 'capacity' | 'vm_change_rate' | 'global_change_rate';
    changeRateBytesPerHour: number | null;
    hoursSinceLastSync: number | null;
    throughputSource: ThroughputSource;
    throughputBytesPerSecond: number;
    /** Multiplier for the start's hour of day (1 when the hour has too few samples). */
    timeOfDayFactor: number;
    overheadSeconds: number;
    samples: { vm: number; datastore: number; vcenter: number; global: number; residuals: number };
  };
}

const HOUR_MS = 3_600_000;
/** Jobs per VM kept for its throughput level and change rate. */
const RECENT = 8;
/** Samples an hour-of-day (or weekday) bucket needs before its factor is used. */
const MIN_BUCKET_SAMPLES = 30;
const MIN_GROUP_JOBS = 3;
const MIN_RESIDUALS = 20;
const RESIDUAL_WINDOW = 2000;
const BUCKET_WINDOW = 500;
/** Copies a datastore, vCenter or everyone's level comes from: recent ones, as speeds drift. */
const GROUP_WINDOW = 200;
const DEFAULT_THROUGHPUT = 100e6;

/** Bytes and time-of-day-normalised copy seconds of a group's newest copies, summed. */
class Rate {
  bytes = 0;
  seconds = 0;
  private readonly ring: { bytes: number; seconds: number }[] = [];
  private next = 0;
  /** Copies in the window. */
  get jobs() {
    return this.ring.length;
  }
  add(copy: { bytes: number; seconds: number }) {
    if (this.ring.length === GROUP_WINDOW) {
      const old = this.ring[this.next];
      this.bytes -= old.bytes;
      this.seconds -= old.seconds;
      this.ring[this.next] = copy;
    } else this.ring.push(copy);
    this.next = (this.next + 1) % GROUP_WINDOW;
    this.bytes += copy.bytes;
    this.seconds += copy.seconds;
  }
  get level() {
    return this.bytes / this.seconds;
  }
}

interface VmState {
  completed: number;
  /** Normalised (bytes, seconds) of recent copies. */
  copies: { bytes: number; seconds: number }[];
  /** Changed bytes per hour of recent incrementals, weekday-normalised. */
  changes: { bytes: number; hours: number }[];
  lastInitialTotal: number | null;
  lastCompletedStart: number | null;
  fullBytes: number | null;
}

/** Empirical quantile of a sorted array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** First index in sorted[0, n) whose value is >= v. */
function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The newest `window` values of a quantity and their exact quantiles. Kept sorted as values come
 * and go (a binary search and a shift each), so a replay never sorts.
 */
export class RecentSample {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private n = 0;
  private next = 0;
  constructor(private readonly window = RESIDUAL_WINDOW) {
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }
  add(value: number) {
    if (!Number.isFinite(value)) return;
    if (this.n === this.window) {
      const at = lowerBound(this.sorted, this.n, this.ring[this.next]);
      this.sorted.copyWithin(at, at + 1, this.n);
      this.n -= 1;
    }
    const at = lowerBound(this.sorted, this.n, value);
    this.sorted.copyWithin(at + 1, at, this.n);
    this.sorted[at] = value;
    this.n += 1;
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.window;
  }
  get size() {
    return this.n;
  }
  quantile(q: number): number {
    return quantile(this.sorted.subarray(0, this.n), q);
  }
}

/**
 * A multiplicative correction per bucket (hour of day, weekday): the median of the bucket's
 * recent log-ratios of actual to expected.
 */
class BucketFactors {
  private readonly samples: RecentSample[];
  constructor(size: number) {
    this.samples = Array.from({ length: size }, () => new RecentSample(BUCKET_WINDOW));
  }
  add(bucket: number, logRatio: number) {
    this.samples[bucket].add(logRatio);
  }
  factor(bucket: number): number {
    const sample = this.samples[bucket];
    return sample.size >= MIN_BUCKET_SAMPLES ? Math.exp(sample.quantile(0.5)) : 1;
  }
}

/** A p10-p90 band from past log(actual / predicted) of one predictor. */
export class ResidualBand {
  private readonly logs = new RecentSample();
  add(actual: number, predicted: number) {
    if (actual > 0 && predicted > 0) this.logs.add(Math.log(actual / predicted));
  }
  get size() {
    return this.logs.size;
  }
  /** Multipliers for p10 and p90; a wide default until there are enough residuals. */
  band(): [number, number] {
    if (this.logs.size < MIN_RESIDUALS) return [0.5, 2];
    return [Math.exp(this.logs.quantile(0.1)), Math.exp(this.logs.quantile(0.9))];
  }
}

export class SyncModel {
  private readonly vms = new Map<string, VmState>();
  private readonly facts = new Map<string, VmFacts>();
  private readonly datastoreRate = new Map<string, Rate>();
  private readonly vcenterRate = new Map<string, Rate>();
  private readonly globalRate = new Rate();
  private readonly hourFactors = new BucketFactors(24);
  private readonly weekdayFactors = new BucketFactors(7);
  private readonly overheads: Record<SyncType, RecentSample> = {
    initial: new RecentSample(),
    incremental: new RecentSample(),
  };
  private readonly fillRatios = new RecentSample();
  private readonly changeFractions = new RecentSample();
  private readonly residuals: Record<SyncType, ResidualBand> = {
    initial: new ResidualBand(),
    incremental: new ResidualBand(),
  };
  /** Predictions made for jobs not yet observed, to learn from their errors. */
  private readonly pending = new Map<string, { prediction: Prediction; weekdayFactor: number }>();

  constructor(vms: Iterable<VmFacts>) {
    for (const vm of vms) this.facts.set(vm.id, vm);
  }

  private vm(id: string): VmState {
    let state = this.vms.get(id);
    if (!state) {
      state = {
        completed: 0,
        copies: [],
        changes: [],
        lastInitialTotal: null,
        lastCompletedStart: null,
        fullBytes: null,
      };
      this.vms.set(id, state);
    }
    return state;
  }

  /** The type a VM's next sync will be: incremental once a sync has completed. */
  nextType(vm: string): SyncType {
    return (this.vms.get(vm)?.completed ?? 0) > 0 ? 'incremental' : 'initial';
  }

  lastCompletedStart(vm: string): number | null {
    return this.vms.get(vm)?.lastCompletedStart ?? null;
  }

  predict(vmId: string, startMs: number, type: SyncType = this.nextType(vmId), track?: string): Prediction {
    const state = this.vm(vmId);
    const facts = this.facts.get(vmId);
    const at = new Date(startMs);
    const hour = at.getUTCHours();
    const weekday = at.getUTCDay();

    // Bytes.
    let bytesExpected: number;
    let bytesSource: Prediction['basis']['bytesSource'];
    let changeRate: number | null = null;
    let hours: number | null = null;
    let weekdayFactor = 1;
    if (type === 'initial') {
      if (state.lastInitialTotal !== null) {
        bytesExpected = state.lastInitialTotal;
        bytesSource = 'earlier_attempt';
      } else {
        const fill = this.fillRatios.size ? this.fillRatios.quantile(0.5) : 1;
        bytesExpected = (facts?.capacityBytes ?? 0) * fill;
        bytesSource = 'capacity';
      }
    } else {
      hours =
        state.lastCompletedStart === null ? 24 : Math.max(0, (startMs - state.lastCompletedStart) / HOUR_MS);
      weekdayFactor = this.weekdayFactors.factor(weekday);
      if (state.changes.length) {
        const sum = state.changes.reduce((a, c) => ({ bytes: a.bytes + c.bytes, hours: a.hours + c.hours }), {
          bytes: 0,
          hours: 0,
        });
        changeRate = sum.bytes / Math.max(sum.hours, 1e-9);
        bytesSource = 'vm_change_rate';
      } else {
        const full = state.fullBytes ?? (facts?.capacityBytes ?? 0) * 0.5;
        changeRate = (this.changeFractions.size ? this.changeFractions.quantile(0.5) : 0.01 / 24) * full;
        bytesSource = 'global_change_rate';
      }
      bytesExpected = changeRate * hours * weekdayFactor;
    }

    // Throughput: the VM's own copies, else its datastore's, its vCenter's, everyone's.
    const vmRate = state.copies.reduce(
      (a, c) => ({ bytes: a.bytes + c.bytes, seconds: a.seconds + c.seconds }),
      {
        bytes: 0,
        seconds: 0,
      },
    );
    const ds = facts?.datastore ? this.datastoreRate.get(facts.datastore) : undefined;
    const vc = facts ? this.vcenterRate.get(facts.vcenter) : undefined;
    let source: ThroughputSource;
    let level: number;
    if (state.copies.length && vmRate.seconds > 0) {
      source = 'vm';
      level = vmRate.bytes / vmRate.seconds;
    } else if (ds && ds.jobs >= MIN_GROUP_JOBS) {
      source = 'datastore';
      level = ds.level;
    } else if (vc && vc.jobs >= MIN_GROUP_JOBS) {
      source = 'vcenter';
      level = vc.level;
    } else if (this.globalRate.jobs >= 1) {
      source = 'global';
      level = this.globalRate.level;
    } else {
      source = 'default';
      level = DEFAULT_THROUGHPUT;
    }
    const hourFactor = this.hourFactors.factor(hour);
    const throughput = level * hourFactor;
    // Setup before the copy; the other sync type's until this one has been seen.
    const other = this.overheads[type === 'initial' ? 'incremental' : 'initial'];
    const overheads = this.overheads[type].size ? this.overheads[type] : other;
    const overhead = overheads.size ? overheads.quantile(0.5) : 0;
    const seconds = Math.max(1, overhead + bytesExpected / throughput);
    const band = this.residuals[type];
    const [lo, hi] = band.band();
    const prediction: Prediction = {
      type,
      seconds,
      p10Seconds: seconds * lo,
      p90Seconds: seconds * hi,
      basis: {
        bytesExpected: Math.round(bytesExpected),
        bytesSource,
        changeRateBytesPerHour: changeRate === null ? null : Math.round(changeRate),
        hoursSinceLastSync: hours,
        throughputSource: source,
        throughputBytesPerSecond: Math.round(throughput),
        timeOfDayFactor: hourFactor,
        overheadSeconds: overhead,
        samples: {
          vm: state.copies.length,
          datastore: ds?.jobs ?? 0,
          vcenter: vc?.jobs ?? 0,
          global: this.globalRate.jobs,
          residuals: band.size,
        },
      },
    };
    if (track) this.pending.set(track, { prediction, weekdayFactor });
    return prediction;
  }

  /** Learn from a finished job (any status). */
  observe(job: JobRecord) {
    const state = this.vm(job.vm);
    const facts = this.facts.get(job.vm);
    const tracked = this.pending.get(job.id);
    this.pending.delete(job.id);
    if (job.type === 'initial' && job.totalBytes > 0) state.lastInitialTotal = job.totalBytes;
    if (job.status !== 'completed') return;

    const durationSeconds = Math.max(1, (job.completedMs - job.startedMs) / 1000);
    const at = new Date(job.startedMs);
    const hour = at.getUTCHours();
    const weekday = at.getUTCDay();
    if (tracked) this.residuals[job.type].add(durationSeconds, tracked.prediction.seconds);

    // Copy throughput, normalised to the hour's factor so levels from any hour compare.
    const copySeconds =
      job.transferSeconds !== null && job.transferSeconds > 0 ? job.transferSeconds : durationSeconds;
    const hourFactor = this.hourFactors.factor(hour);
    const bytes = job.bytesTransferred;
    if (bytes > 0) {
      const normalised = { bytes, seconds: copySeconds * hourFactor };
      // The hour's factor against the datastore's level, not the VM's: a VM that always syncs
      // at the same hour cannot tell its own speed from its hour's, a datastore's VMs at
      // different hours can.
      const pool = facts?.datastore ? this.datastoreRate.get(facts.datastore) : undefined;
      if (pool && pool.jobs >= MIN_GROUP_JOBS) {
        this.hourFactors.add(hour, Math.log(bytes / copySeconds / pool.level));
      }
      state.copies.push(normalised);
      if (state.copies.length > RECENT) state.copies.shift();
      for (const [map, key] of [
        [this.datastoreRate, facts?.datastore],
        [this.vcenterRate, facts?.vcenter],
      ] as const) {
        if (!key) continue;
        const rate = map.get(key) ?? new Rate();
        rate.add(normalised);
        map.set(key, rate);
      }
      this.globalRate.add(normalised);
    }
    if (job.transferSeconds !== null)
      this.overheads[job.type].add(Math.max(0, durationSeconds - job.transferSeconds));

    if (job.type === 'initial') {
      state.fullBytes = job.totalBytes;
      if (facts?.capacityBytes) this.fillRatios.add(job.totalBytes / facts.capacityBytes);
    } else if (state.lastCompletedStart !== null) {
      const hours = (job.startedMs - state.lastCompletedStart) / HOUR_MS;
      if (hours > 0) {
        const weekdayFactor = this.weekdayFactors.factor(weekday);
        if (
          tracked?.prediction.basis.bytesSource === 'vm_change_rate' &&
          tracked.prediction.basis.bytesExpected > 0
        ) {
          const base = tracked.prediction.basis.bytesExpected / tracked.weekdayFactor;
          this.weekdayFactors.add(weekday, Math.log(job.totalBytes / base));
        }
        state.changes.push({ bytes: job.totalBytes / weekdayFactor, hours });
        if (state.changes.length > RECENT) state.changes.shift();
        if (state.fullBytes)
          this.changeFractions.add(job.totalBytes / weekdayFactor / hours / state.fullBytes);
      }
    }
    state.completed += 1;
    state.lastCompletedStart = job.startedMs;
  }
}
