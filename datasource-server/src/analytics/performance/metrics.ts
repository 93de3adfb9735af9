// The performance views over omi_migration_analytics, each one grouped query on both dialects.
// A job counts in the bucket of its completed_at, like every analytics figure.
import { sql, type SelectQueryBuilder } from 'kysely';
import {
  DEFAULT_PERFORMANCE_GROUPS,
  DEFAULT_SLOWEST_LIMIT,
  JOB_BUCKET_RULE,
  LOAD_METRICS,
  type LoadPoint,
  type PerformanceGroupRow,
  type PerformanceMetrics,
  type SlowJobRow,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import type { Database } from '../../db/schema';
import type { JobFilters } from '../rollups/job-facts';
import { bucketStarts } from '../trends/migration-trends';
import { trendPercent } from './job-load';

export type PerformanceView = PerformanceMetrics['view'];

export interface PerformanceRequest {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  view: PerformanceView;
  filters: JobFilters;
  limit?: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

type Query = SelectQueryBuilder<Database, 'omi_migration_analytics', object>;

function filtered(store: Pick<Db, 'db'>, req: PerformanceRequest): Query {
  let q: Query = store.db
    .selectFrom('omi_migration_analytics')
    .where('completed_at_ms', '>=', req.fromMs)
    .where('completed_at_ms', '<', req.toMs);
  const f = req.filters;
  if (f.vcenter !== undefined) q = q.where('vcenter', '=', f.vcenter);
  if (f.datacenter !== undefined) q = q.where('datacenter', '=', f.datacenter);
  if (f.vm !== undefined) q = q.where('vm_name', '=', f.vm);
  if (f.replication_type !== undefined) q = q.where('replication_type', '=', f.replication_type);
  if (f.vm_group !== undefined) q = q.where('vm_group', '=', f.vm_group);
  return q;
}

async function groups(
  store: Pick<Db, 'db'>,
  req: PerformanceRequest,
  by: 'vm_name' | 'datastore',
): Promise<PerformanceGroupRow[]> {
  const mid = Math.floor((req.fromMs + req.toMs) / 2);
  const key = by === 'vm_name' ? sql.ref('vm_name') : sql`coalesce(datastore, '')`;
  const half = (column: 'throughput_bps' | 'duration_s', first: boolean) =>
    sql<
      number | null
    >`avg(case when completed_at_ms ${first ? sql`<` : sql`>=`} ${mid} then ${sql.ref(column)} end)`;
  const rows = await filtered(store, req)
    .select([
      key.as('key'),
      (eb) => eb.fn.countAll<number>().as('jobs'),
      sql<number>`sum(case when status = 'completed' then 1 else 0 end)`.as('completed'),
      sql<number>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed'),
      sql<number>`sum(bytes_transferred)`.as('bytes'),
      sql<number | null>`avg(throughput_bps)`.as('avg_throughput_bps'),
      sql<number | null>`avg(duration_s)`.as('avg_duration_s'),
      sql<number | null>`max(duration_s)`.as('max_duration_s'),
      half('throughput_bps', true).as('tp1'),
      half('throughput_bps', false).as('tp2'),
      half('duration_s', true).as('d1'),
      half('duration_s', false).as('d2'),
    ])
    .groupBy(key)
    .orderBy(sql`count(*)`, 'desc')
    .orderBy(key)
    .limit(req.limit ?? DEFAULT_PERFORMANCE_GROUPS)
    .execute();
  return rows.map((r) => ({
    key: String(r.key ?? ''),
    jobs: Number(r.jobs),
    completed: Number(r.completed),
    failed: Number(r.failed),
    bytes: Number(r.bytes ?? 0),
    avg_throughput_bps: num(r.avg_throughput_bps),
    avg_duration_s: num(r.avg_duration_s),
    max_duration_s: num(r.max_duration_s),
    throughput_trend_percent: trendPercent(num(r.tp1), num(r.tp2)),
    duration_trend_percent: trendPercent(num(r.d1), num(r.d2)),
  }));
}

async function slowest(store: Pick<Db, 'db' | 'time'>, req: PerformanceRequest): Promise<SlowJobRow[]> {
  const rows = await filtered(store, req)
    .select([
      'job_id',
      'vm_name',
      'datastore',
      'replication_type',
      'status',
      'completed_at_ms',
      'duration_s',
      'bytes_transferred',
      'throughput_bps',
    ])
    .where('duration_s', 'is not', null)
    .orderBy('duration_s', 'desc')
    .orderBy('job_id')
    .limit(req.limit ?? DEFAULT_SLOWEST_LIMIT)
    .execute();
  return rows.map((r) => ({
    job_id: r.job_id,
    vm_name: r.vm_name,
    datastore: r.datastore,
    replication_type: r.replication_type,
    status: r.status,
    completed_at: new Date(Number(r.completed_at_ms)).toISOString(),
    duration_s: Number(r.duration_s),
    bytes: Number(r.bytes_transferred),
    throughput_bps: num(r.throughput_bps),
  }));
}

async function load(store: Pick<Db, 'db'>, req: PerformanceRequest): Promise<LoadPoint[]> {
  const starts = bucketStarts(req.fromMs, req.toMs, req.intervalMs);
  const bucket = sql<number>`completed_at_ms - (completed_at_ms % ${sql.lit(req.intervalMs)})`;
  const rows = await filtered(store, req)
    .select([
      bucket.as('bucket'),
      (eb) => eb.fn.countAll<number>().as('jobs'),
      sql<number>`sum(case when vma_samples > 0 then 1 else 0 end)`.as('with_vma'),
      sql<number>`sum(case when server_samples > 0 then 1 else 0 end)`.as('with_server'),
      // Per job a figure has <name>_avg and <name>_max columns: the mean of the means, the max of the maxima.
      ...LOAD_METRICS.flatMap((m) => [
        sql<number | null>`avg(${sql.ref(`${m.name}_avg`)})`.as(m.name),
        sql<number | null>`max(${sql.ref(`${m.name}_max`)})`.as(`${m.name}_max`),
      ]),
    ])
    .groupBy(bucket)
    .execute();
  const byBucket = new Map(
    rows.map((r) => [Number((r as unknown as { bucket: unknown }).bucket), r as Record<string, unknown>]),
  );
  // Every bucket of the range, empty ones too: a time series with gaps reads as "no jobs", not "missing".
  return starts.map((start) => {
    const r = byBucket.get(start);
    const point: LoadPoint = {
      time: new Date(start).toISOString(),
      jobs: Number(r?.jobs ?? 0),
      jobs_with_vma_load: Number(r?.with_vma ?? 0),
      jobs_with_server_samples: Number(r?.with_server ?? 0),
    };
    for (const m of LOAD_METRICS) {
      point[m.name] = num(r?.[m.name]);
      point[`${m.name}_max`] = num(r?.[`${m.name}_max`]);
    }
    return point;
  });
}

export async function performanceMetrics(
  store: Pick<Db, 'db' | 'time'>,
  req: PerformanceRequest,
): Promise<PerformanceMetrics> {
  // Checks the range and the bucket cap for every view alike.
  bucketStarts(req.fromMs, req.toMs, req.intervalMs);
  const base = {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    view: req.view,
    interval_ms: req.intervalMs,
    bucket_rule: JOB_BUCKET_RULE,
  };
  switch (req.view) {
    case 'vms':
      return { ...base, sources: [], groups: await groups(store, req, 'vm_name') };
    case 'datastores':
      return { ...base, sources: [], groups: await groups(store, req, 'datastore') };
    case 'slowest':
      return { ...base, sources: [], slowest: await slowest(store, req) };
    case 'load':
      return { ...base, sources: LOAD_METRICS.map((m) => ({ ...m })), load: await load(store, req) };
  }
}
