/**
 * The forecast band: how many VMs remain (or will have completed) at each bucket ahead of now,
 * from each open VM's predicted next sync, `concurrency` syncs at a time. Pure.
 *
 * The schedule is the server's (analytics/predictions/forecast.ts `makespan`): longest sync first
 * onto the least busy slot, once with every VM at its prediction, once at its p10 and once at its
 * p90; so the p50 line reaches zero exactly at the predictions query's time to finish.
 */
import type { PredictedSync } from './trends';

/**
 * VM statuses that need no further sync: the server's MIGRATED_STATUSES (contracts
 * analytics-predictions, a TypeBox module the plugin does not bundle; a test keeps them equal).
 */
export const MIGRATED_STATUSES: readonly string[] = ['failed_over_live', 'completed', 'cleanup_required'];

export const isOpen = (sync: PredictedSync) => !MIGRATED_STATUSES.includes(sync.status);

/** Points a forecast is drawn with, when the trends' buckets are too wide for the steps to show. */
export const DEFAULT_FORECAST_POINTS = 120;
/** Most points, however narrow the buckets and long the window. */
export const MAX_FORECAST_POINTS = 1000;

/**
 * When each job finishes (seconds from now, ascending) when `seconds` run longest first on the
 * least busy of `slots` parallel slots.
 */
export function finishTimes(seconds: number[], slots: number): number[] {
  const busy = new Array<number>(Math.max(1, Math.floor(slots) || 1)).fill(0);
  const finished: number[] = [];
  for (const s of [...seconds].sort((a, b) => b - a)) {
    let least = 0;
    for (let i = 1; i < busy.length; i++) {
      if (busy[i] < busy[least]) {
        least = i;
      }
    }
    busy[least] += Math.max(0, s);
    finished.push(busy[least]);
  }
  return finished.sort((a, b) => a - b);
}

/** Jobs of a sorted finish list done by `t` seconds. */
function doneBy(sortedFinish: number[], t: number): number {
  let lo = 0;
  let hi = sortedFinish.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedFinish[mid] <= t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

export interface ForecastOptions {
  /** The predictions' "now": the query range's end, epoch ms. */
  nowMs: number;
  /** First point: the last trend bucket at or before now (so the band joins the bars), epoch ms. */
  startMs: number;
  /** Widest spacing: the trends' bucket width, ms. Narrower when the band ends within a few buckets. */
  maxStepMs: number;
  /** No points after this, epoch ms. */
  endMs: number;
  /** Syncs the OMA runs at once (the predictions' time to finish says how many it assumed). */
  concurrency: number;
  measure: 'remaining' | 'completed';
  /** About how many points between the start and the end of the band (DEFAULT_FORECAST_POINTS). */
  points?: number;
}

/** Expected VMs remaining (or completed) at each point; low/high bound the p10–p90 band. */
export interface ForecastBand {
  times: number[];
  expected: number[];
  low: number[];
  high: number[];
  /** Open VMs at now. */
  open: number;
  /** Seconds from now until the last open VM's sync ends: at the predictions, p10 and p90. */
  finishSeconds: { expected: number; p10: number; p90: number };
}

/**
 * The band from `startMs` up to `endMs`, ending at the first point where every scenario is done;
 * points a bucket apart, or closer when the band would otherwise be a few steps. Undefined when
 * no VM is open or the window is empty.
 */
export function forecastBand(syncs: PredictedSync[], options: ForecastOptions): ForecastBand | undefined {
  const open = syncs.filter(isOpen);
  const {
    nowMs,
    startMs,
    maxStepMs,
    endMs,
    concurrency,
    measure,
    points = DEFAULT_FORECAST_POINTS,
  } = options;
  if (open.length === 0 || !(maxStepMs > 0) || endMs <= startMs) {
    return undefined;
  }
  const schedule = (seconds: (s: PredictedSync) => number) => finishTimes(open.map(seconds), concurrency);
  const expected = schedule((s) => s.seconds);
  const fast = schedule((s) => s.p10);
  const slow = schedule((s) => s.p90);
  const n = open.length;
  const lastFinish = Math.max(expected[n - 1], fast[n - 1], slow[n - 1]);
  const stopMs = Math.min(endMs, Math.max(nowMs, startMs) + lastFinish * 1000);
  const span = stopMs - startMs;
  const stepMs = Math.max(
    Math.min(maxStepMs, Math.ceil(span / Math.max(1, points))),
    Math.ceil(span / MAX_FORECAST_POINTS),
    1000,
  );
  const count = (finish: number[], t: number) =>
    measure === 'remaining' ? n - doneBy(finish, t) : doneBy(finish, t);
  const band: ForecastBand = {
    times: [],
    expected: [],
    low: [],
    high: [],
    open: n,
    finishSeconds: { expected: expected[n - 1], p10: fast[n - 1], p90: slow[n - 1] },
  };
  for (let time = startMs; time <= endMs; time += stepMs) {
    const t = Math.max(0, (time - nowMs) / 1000);
    const values = [count(expected, t), count(fast, t), count(slow, t)];
    band.times.push(time);
    band.expected.push(values[0]);
    // LPT schedules need not be ordered point by point; the band holds all three.
    band.low.push(Math.min(...values));
    band.high.push(Math.max(...values));
    if (t >= lastFinish) {
      break;
    }
  }
  return band;
}
