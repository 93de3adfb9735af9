/**
 * Test factories: the `migrationTrends` and `predictions` frames as the server lays them out
 * (datasource-server analytics/trends/frames.ts, analytics/predictions/frames.ts), at a fixed time.
 */
import { FieldType, createDataFrame, type DataFrame } from '@grafana/data';

export const HOUR = 3_600_000;
/** 2026-11-01T00:00:00Z */
export const T0 = Date.UTC(2026, 10, 1);

export interface BucketRow {
  completed: number;
  failed: number;
  cancelled?: number;
  bytes?: number;
  duration_p50_s?: number | null;
  duration_p95_s?: number | null;
  avg_throughput_bps?: number | null;
}

/** One bucket per row, an hour apart from T0. */
export function trendsFrame(
  rows: BucketRow[],
  options: { intervalMs?: number; start?: number } = {},
): DataFrame {
  const { intervalMs = HOUR, start = T0 } = options;
  const col = <K extends keyof BucketRow>(k: K, fallback: BucketRow[K]) => rows.map((r) => r[k] ?? fallback);
  return createDataFrame({
    name: 'migration_trends',
    refId: 'A',
    meta: { custom: { interval_ms: intervalMs } },
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((_, i) => start + i * intervalMs) },
      {
        name: 'total',
        type: FieldType.number,
        values: rows.map((r) => r.completed + r.failed + (r.cancelled ?? 0)),
      },
      { name: 'completed', type: FieldType.number, values: col('completed', 0) },
      { name: 'failed', type: FieldType.number, values: col('failed', 0) },
      { name: 'cancelled', type: FieldType.number, values: col('cancelled', 0) },
      { name: 'bytes', type: FieldType.number, values: col('bytes', 0) },
      { name: 'duration_p50_s', type: FieldType.number, values: col('duration_p50_s', null) },
      { name: 'duration_p95_s', type: FieldType.number, values: col('duration_p95_s', null) },
      { name: 'avg_throughput_bps', type: FieldType.number, values: col('avg_throughput_bps', null) },
    ],
  });
}

export interface PredictionRow {
  vm_name: string;
  status?: string;
  predicted_seconds: number;
  p10_seconds?: number;
  p90_seconds?: number;
}

export function predictionsFrame(
  rows: PredictionRow[],
  timeToFinish: Record<string, number> | undefined = { concurrency: 1 },
): DataFrame {
  return createDataFrame({
    name: 'predictions',
    refId: 'B',
    meta: timeToFinish
      ? { custom: { timeToFinish: { vms: 0, seconds: 0, p10_seconds: 0, p90_seconds: 0, ...timeToFinish } } }
      : undefined,
    fields: [
      { name: 'vm_name', type: FieldType.string, values: rows.map((r) => r.vm_name) },
      { name: 'status', type: FieldType.string, values: rows.map((r) => r.status ?? 'replicating') },
      { name: 'predicted_seconds', type: FieldType.number, values: rows.map((r) => r.predicted_seconds) },
      {
        name: 'p10_seconds',
        type: FieldType.number,
        values: rows.map((r) => r.p10_seconds ?? r.predicted_seconds),
      },
      {
        name: 'p90_seconds',
        type: FieldType.number,
        values: rows.map((r) => r.p90_seconds ?? r.predicted_seconds),
      },
    ],
  });
}
