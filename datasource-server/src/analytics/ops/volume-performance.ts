// GET /analytics/volume-performance and the volumePerformance query: volume operations per type
// and per bucket, and the outcomes of CloudStack jobs.
import {
  CLOUDSTACK_BUCKET_RULE,
  TREND_PERCENTILE_RELATIVE_ERROR,
  VOLUME_BUCKET_RULE,
  type VolumePerformance,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { forOneRequest } from '../../db/probe';
import { durations, outcomes, quantile, ratio } from './measures';
import {
  mergeAggregate,
  readBucketed,
  splitFilters,
  total,
  type BucketedRequest,
  type Group,
} from './rollup-engine';
import { CLOUDSTACK_SPEC, cloudstackJobTable, VOLUME_SPEC } from './sources';

export type VolumeView = 'operations' | 'trend' | 'cloudstack';

/** Groups of every bucket merged per value of one dimension, sorted by it. */
function mergedBy<D extends string, S extends string, H extends string>(
  spec: Parameters<typeof total<S, H>>[0],
  buckets: Map<string, Group<D, S, H>>[],
  dim: D,
) {
  const merged = new Map<string, ReturnType<typeof total<S, H>>>();
  for (const groups of buckets) {
    for (const group of groups.values()) {
      const key = group.dims[dim] ?? '';
      merged.set(key, mergeAggregate(merged.get(key) ?? total(spec, []), group.aggregate));
    }
  }
  return [...merged.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export async function volumePerformance(
  shared: Pick<Db, 'db' | 'time'>,
  req: BucketedRequest,
  views: readonly VolumeView[],
): Promise<VolumePerformance> {
  const store = forOneRequest(shared);
  const withTrend = views.includes('trend');
  const bucketed = withTrend ? req : { ...req, intervalMs: null };
  // A kind is read only when a view shows it (the trend shows both).
  const [volume, cloudstack, source, volumeFilters, cloudstackFilters] = await Promise.all([
    withTrend || views.includes('operations')
      ? readBucketed(store, VOLUME_SPEC, bucketed, ['operation_type'])
      : null,
    withTrend || views.includes('cloudstack')
      ? readBucketed(store, CLOUDSTACK_SPEC, bucketed, ['operation'])
      : null,
    cloudstackJobTable(store),
    splitFilters(store, VOLUME_SPEC, req.filters),
    splitFilters(store, CLOUDSTACK_SPEC, req.filters),
  ]);
  const result: VolumePerformance = {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: bucketed.intervalMs ?? req.toMs - req.fromMs,
    percentile_relative_error: TREND_PERCENTILE_RELATIVE_ERROR,
    bucket_rules: { volume_operations: VOLUME_BUCKET_RULE, cloudstack_jobs: CLOUDSTACK_BUCKET_RULE },
    cloudstack_source: source,
    sources: {
      ...(volume && { volume_operations: volume.sources }),
      ...(cloudstack && { cloudstack_jobs: cloudstack.sources }),
    },
    filters_not_applied: {
      volume_operations: volumeFilters.notApplied,
      cloudstack_jobs: cloudstackFilters.notApplied,
    },
  };
  if (volume && views.includes('operations')) {
    result.operations = mergedBy(VOLUME_SPEC, volume.buckets, 'operation_type').map(([type, a]) => ({
      operation_type: type,
      operations: a.sums.operations,
      ...outcomes(a.sums, a.sums.operations),
      ...durations(a.sums, a.histograms.duration_histogram),
    }));
  }
  if (cloudstack && views.includes('cloudstack')) {
    result.cloudstack = mergedBy(CLOUDSTACK_SPEC, cloudstack.buckets, 'operation').map(([operation, a]) => ({
      operation,
      jobs: a.sums.jobs,
      ...outcomes(a.sums, a.sums.jobs),
      ...durations(a.sums, a.histograms.duration_histogram),
    }));
  }
  if (volume && cloudstack && withTrend) {
    result.trend = volume.starts.map((start, i) => {
      const v = total(VOLUME_SPEC, volume.buckets[i].values());
      const c = total(CLOUDSTACK_SPEC, cloudstack.buckets[i].values()).sums;
      return {
        time: new Date(start).toISOString(),
        operations: v.sums.operations,
        ...outcomes(v.sums, v.sums.operations),
        duration_p50_s: quantile(v.histograms.duration_histogram, 0.5),
        duration_p95_s: quantile(v.histograms.duration_histogram, 0.95),
        cloudstack_jobs: c.jobs,
        cloudstack_failed: c.failed,
        cloudstack_failure_rate: ratio(c.failed, c.jobs),
      };
    });
  }
  return result;
}
