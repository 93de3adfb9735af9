// Success rates, performance metrics and system health as data frames: the same computations as
// their REST endpoints, over the query's range with buckets from intervalMs and maxDataPoints.
import type { WireFrame } from '@oma-insights/contracts';
import { performanceFrame } from '../analytics/performance/frames';
import { performanceMetrics as performanceOf } from '../analytics/performance/metrics';
import type { JobFilters } from '../analytics/rollups/job-facts';
import { successRatesFrame } from '../analytics/success-rates/frames';
import { successRates as successRatesOf } from '../analytics/success-rates/success-rates';
import { queryStep } from '../analytics/trends/migration-trends';
import { systemHealthFrame } from '../system-health/frames';
import { fittingInterval, healthSeries } from '../system-health/series';
import type { QueryContext } from './handlers';
import type { QueryOf } from './query-types';

const DAY_MS = 24 * 3_600_000;

function filtersOf(q: Partial<Record<keyof JobFilters, string>>): JobFilters {
  const { vcenter, datacenter, vm, replication_type, vm_group } = q;
  return Object.fromEntries(
    Object.entries({ vcenter, datacenter, vm, replication_type, vm_group }).filter(([, v]) => v),
  );
}

/** A table per group, or by day a wide time series of buckets of at least a day. */
export async function successRates(
  { db, time, range, intervalMs, maxDataPoints }: QueryContext,
  q: QueryOf<'successRates'>,
): Promise<WireFrame[]> {
  const empty = { interval_ms: 0, group_by: q.group_by, groups: [] };
  if (range.from >= range.to) return [successRatesFrame(q.refId, { ...empty } as never)];
  const span = range.to - range.from;
  const step =
    q.group_by === 'day'
      ? queryStep(span, Math.max(DAY_MS, intervalMs ?? 0), maxDataPoints)
      : queryStep(span, DAY_MS);
  const rates = await successRatesOf(
    { db, time },
    { fromMs: range.from, toMs: range.to, intervalMs: step, groupBy: q.group_by, filters: filtersOf(q) },
  );
  return [successRatesFrame(q.refId, rates)];
}

/** One frame per view: tables for vms, datastores and slowest, a wide time series for load. */
export async function performanceMetrics(
  { db, time, range, intervalMs, maxDataPoints }: QueryContext,
  q: QueryOf<'performanceMetrics'>,
): Promise<WireFrame[]> {
  const empty = { view: q.view, interval_ms: 0, sources: [], groups: [], slowest: [], load: [] };
  if (range.from >= range.to) return [performanceFrame(q.refId, empty as never)];
  const metrics = await performanceOf(
    { db, time },
    {
      fromMs: range.from,
      toMs: range.to,
      intervalMs: queryStep(range.to - range.from, intervalMs, maxDataPoints),
      view: q.view,
      limit: q.limit,
      filters: filtersOf(q),
    },
  );
  return [performanceFrame(q.refId, metrics)];
}

/** The health samples bucketed by at least intervalMs, no more points than maxDataPoints. */
export async function systemHealth(
  { db, range, intervalMs, maxDataPoints }: QueryContext,
  q: QueryOf<'systemHealth'>,
): Promise<WireFrame[]> {
  if (range.from >= range.to)
    return [systemHealthFrame(q.refId, { data: [], interval_ms: 0, sample_interval_ms: null })];
  const span = range.to - range.from;
  let step = Math.max(1000, Math.ceil(intervalMs || 0), fittingInterval(span));
  if (maxDataPoints) step = Math.max(step, Math.ceil(span / maxDataPoints));
  const series = await healthSeries(
    { db },
    { fromMs: range.from, toMs: range.to, intervalMs: step, sampleIntervalMs: 0 },
  );
  return [systemHealthFrame(q.refId, { ...series, sample_interval_ms: null })];
}
