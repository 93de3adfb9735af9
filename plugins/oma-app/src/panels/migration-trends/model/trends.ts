/**
 * Reads the panel's query results: the `migrationTrends` wide frame (one row per bucket) and the
 * `predictions` table with its `meta.custom.timeToFinish`. Pure: DataFrames in, plain arrays out.
 */
import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** The columns of the `migrationTrends` frame (packages/contracts query-protocol). */
export const TREND_FIELDS = [
  'total',
  'completed',
  'failed',
  'cancelled',
  'bytes',
  'duration_p50_s',
  'duration_p95_s',
  'avg_throughput_bps',
] as const;
export type TrendField = (typeof TREND_FIELDS)[number];

/** Finished jobs per bucket, oldest first; a metric without jobs in a bucket is null. */
export interface Trends {
  /** Bucket start, epoch ms. */
  times: number[];
  values: Record<TrendField, Array<number | null>>;
  /** Completed / finished, 0..1; null where nothing finished. */
  successRate: Array<number | null>;
  /** Bucket width, ms: from the frame's meta, else the smallest gap between buckets. */
  intervalMs?: number;
}

/** One VM's next sync as the predictions query answers it. */
export interface PredictedSync {
  vm: string;
  status: string;
  seconds: number;
  p10: number;
  p90: number;
}

/** GET /analytics/predictions' time_to_finish, as the predictions frame carries it in meta. */
export interface TimeToFinish {
  vms: number;
  concurrency: number;
  seconds: number;
  p10_seconds: number;
  p90_seconds: number;
}

export interface Predictions {
  syncs: PredictedSync[];
  timeToFinish?: TimeToFinish;
}

const numberAt = (field: Field | undefined, i: number): number | null => {
  const v = field?.values[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

const fieldNamed = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name);

/** The trends frame: named `migration_trends`, or any frame with a time field, completed and failed. */
export function findTrendsFrame(frames: DataFrame[]): DataFrame | undefined {
  return (
    frames.find((f) => f.name === 'migration_trends') ??
    frames.find(
      (f) =>
        f.fields.some((x) => x.type === FieldType.time) &&
        Boolean(fieldNamed(f, 'completed')) &&
        Boolean(fieldNamed(f, 'failed')),
    )
  );
}

/** Success rate of a bucket: completed over finished (completed + failed + cancelled). */
export function successRate(completed: number | null, total: number | null): number | null {
  return completed === null || total === null || total <= 0 ? null : completed / total;
}

/** The bucket width: meta.custom.interval_ms as the server states it, else the smallest gap. */
function intervalOf(frame: DataFrame, times: number[]): number | undefined {
  const stated = (frame.meta?.custom as { interval_ms?: unknown } | undefined)?.interval_ms;
  if (typeof stated === 'number' && stated > 0) {
    return stated;
  }
  let smallest = Infinity;
  for (let i = 1; i < times.length; i++) {
    smallest = Math.min(smallest, times[i] - times[i - 1]);
  }
  return Number.isFinite(smallest) && smallest > 0 ? smallest : undefined;
}

/** Reads the trends frame, sorted by time; undefined when the panel has no such frame. */
export function readTrends(frames: DataFrame[]): Trends | undefined {
  const frame = findTrendsFrame(frames);
  if (!frame) {
    return undefined;
  }
  const time = frame.fields.find((f) => f.type === FieldType.time) ?? fieldNamed(frame, 'time');
  const order = Array.from({ length: frame.length }, (_, i) => i)
    .filter((i) => typeof time?.values[i] === 'number')
    .sort((a, b) => (time!.values[a] as number) - (time!.values[b] as number));
  const times = order.map((i) => time!.values[i] as number);
  const values = Object.fromEntries(
    TREND_FIELDS.map((name) => {
      const field = fieldNamed(frame, name);
      return [name, order.map((i) => numberAt(field, i))];
    }),
  ) as Record<TrendField, Array<number | null>>;
  // An older server without `total`: the outcomes add up to it.
  values.total = values.total.map((t, i) =>
    t !== null ? t : (values.completed[i] ?? 0) + (values.failed[i] ?? 0) + (values.cancelled[i] ?? 0),
  );
  return {
    times,
    values,
    successRate: values.completed.map((c, i) => successRate(c, values.total[i])),
    intervalMs: intervalOf(frame, times),
  };
}

function isTimeToFinish(value: unknown): value is TimeToFinish {
  const t = value as Partial<TimeToFinish> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.vms === 'number' &&
    typeof t.concurrency === 'number' &&
    typeof t.seconds === 'number' &&
    typeof t.p10_seconds === 'number' &&
    typeof t.p90_seconds === 'number'
  );
}

/** The predictions table (a frame with vm_name and predicted_seconds); undefined without one. */
export function readPredictions(frames: DataFrame[]): Predictions | undefined {
  const frame =
    frames.find((f) => f.name === 'predictions') ??
    frames.find((f) => Boolean(fieldNamed(f, 'predicted_seconds')) && Boolean(fieldNamed(f, 'vm_name')));
  if (!frame) {
    return undefined;
  }
  const vm = fieldNamed(frame, 'vm_name');
  const status = fieldNamed(frame, 'status');
  const seconds = fieldNamed(frame, 'predicted_seconds');
  const p10 = fieldNamed(frame, 'p10_seconds');
  const p90 = fieldNamed(frame, 'p90_seconds');
  const syncs: PredictedSync[] = [];
  for (let i = 0; i < frame.length; i++) {
    const s = numberAt(seconds, i);
    if (s === null) {
      continue;
    }
    syncs.push({
      vm: String(vm?.values[i] ?? ''),
      status: String(status?.values[i] ?? ''),
      seconds: s,
      // Without an interval the band collapses onto the prediction.
      p10: Math.min(numberAt(p10, i) ?? s, s),
      p90: Math.max(numberAt(p90, i) ?? s, s),
    });
  }
  const stated = (frame.meta?.custom as { timeToFinish?: unknown } | undefined)?.timeToFinish;
  return { syncs, timeToFinish: isTimeToFinish(stated) ? stated : undefined };
}
