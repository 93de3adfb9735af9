// Health samples over a time range: as taken, or averaged (and maxed) per bucket in SQL when the
// range holds more than MAX_HEALTH_POINTS. sampled_at_ms minus its remainder is the bucket on
// both dialects.
import { sql } from 'kysely';
import {
  HEALTH_METRICS,
  HEALTH_METRIC_UNITS,
  MAX_HEALTH_POINTS,
  type SystemHealthPoint,
  type SystemHealthSeries,
} from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { TrendsInputError } from '../analytics/trends/migration-trends';

export interface HealthSeriesRequest {
  fromMs: number;
  toMs: number;
  /** Bucket width; undefined: the samples themselves unless there are too many. */
  intervalMs?: number;
  sampleIntervalMs: number;
}

const round = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

/** The narrowest whole-second bucket width that keeps [from, to) within MAX_HEALTH_POINTS. Pure. */
export function fittingInterval(rangeMs: number): number {
  return Math.max(1000, Math.ceil(rangeMs / (MAX_HEALTH_POINTS - 1) / 1000) * 1000);
}

export async function healthSeries(
  store: Pick<Db, 'db'>,
  req: HealthSeriesRequest,
): Promise<SystemHealthSeries> {
  if (!(req.fromMs < req.toMs)) throw new TrendsInputError('"from" must be before "to"');
  const base = store.db
    .selectFrom('omi_health_samples')
    .where('sampled_at_ms', '>=', req.fromMs)
    .where('sampled_at_ms', '<', req.toMs);
  let intervalMs = req.intervalMs ?? null;
  if (intervalMs !== null) {
    const buckets = Math.ceil((req.toMs - Math.floor(req.fromMs / intervalMs) * intervalMs) / intervalMs);
    if (buckets > MAX_HEALTH_POINTS) {
      throw new TrendsInputError(
        `${buckets} buckets of ${intervalMs} ms between "from" and "to"; at most ${MAX_HEALTH_POINTS}: use an interval of at least ${fittingInterval(req.toMs - req.fromMs)} ms or a shorter range`,
      );
    }
  } else {
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    if (Number(counted?.n ?? 0) > MAX_HEALTH_POINTS) intervalMs = fittingInterval(req.toMs - req.fromMs);
  }

  let data: SystemHealthPoint[];
  if (intervalMs === null) {
    const rows = await base.selectAll().orderBy('sampled_at_ms').execute();
    data = rows.map((r) => {
      const point: Record<string, unknown> = {
        time: new Date(Number(r.sampled_at_ms)).toISOString(),
        samples: 1,
        degraded: r.status === 'degraded' ? 1 : 0,
      };
      for (const m of HEALTH_METRICS) point[m] = point[`${m}_max`] = round(r[m]);
      return point as SystemHealthPoint;
    });
  } else {
    const bucket = sql<number>`sampled_at_ms - (sampled_at_ms % ${sql.lit(intervalMs)})`;
    const rows = await base
      .select([
        bucket.as('bucket'),
        (eb) => eb.fn.countAll<number>().as('samples'),
        sql<number>`sum(case when status = 'degraded' then 1 else 0 end)`.as('degraded'),
        ...HEALTH_METRICS.flatMap((m) => [
          sql<number | null>`avg(${sql.ref(m)})`.as(m),
          sql<number | null>`max(${sql.ref(m)})`.as(`${m}_max`),
        ]),
      ])
      .groupBy(bucket)
      .orderBy(bucket)
      .execute();
    data = rows.map((r) => {
      const row = r as Record<string, unknown>;
      const point: Record<string, unknown> = {
        time: new Date(Number(row.bucket)).toISOString(),
        samples: Number(row.samples),
        degraded: Number(row.degraded),
      };
      for (const m of HEALTH_METRICS) {
        point[m] = round(row[m]);
        point[`${m}_max`] = round(row[`${m}_max`]);
      }
      return point as SystemHealthPoint;
    });
  }
  return {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: intervalMs,
    sample_interval_ms: req.sampleIntervalMs,
    units: { ...HEALTH_METRIC_UNITS },
    data,
  };
}
