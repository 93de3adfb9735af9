// GET /analytics/cbt-performance and the cbtPerformance query: CBT syncs per bucket and per sync type.
import {
  CBT_BUCKET_RULE,
  TREND_PERCENTILE_RELATIVE_ERROR,
  type CbtPerformance,
  type CbtSummaryRow,
  type CbtTrendBucket,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { changeRate, quantile, ratio, round } from './measures';
import { mergeAggregate, readBucketed, total, type AggregateOf, type BucketedRequest } from './rollup-engine';
import { CBT_SPEC } from './sources';

export type CbtView = 'trend' | 'summary';
type CbtAggregate = AggregateOf<typeof CBT_SPEC>;

function summaryRow(syncType: string, a: CbtAggregate): CbtSummaryRow {
  const s = a.sums;
  const h = a.histograms.duration_histogram;
  return {
    sync_type: syncType,
    syncs: s.syncs,
    successful: s.successful,
    failed: s.syncs - s.successful,
    success_rate: ratio(s.successful, s.syncs),
    bytes: s.bytes_sum,
    blocks_changed: s.blocks_sum,
    avg_bytes: s.syncs ? round(s.bytes_sum / s.syncs) : null,
    change_rate_bytes_per_hour: changeRate(s.change_bytes_sum, s.change_interval_ms_sum),
    duration_avg_s: s.duration_count ? round(s.duration_s_sum / s.duration_count) : null,
    duration_p50_s: quantile(h, 0.5),
    duration_p95_s: quantile(h, 0.95),
    duration_p99_s: quantile(h, 0.99),
  };
}

export async function cbtPerformance(
  store: Pick<Db, 'db' | 'time'>,
  req: BucketedRequest,
  views: readonly CbtView[],
): Promise<CbtPerformance> {
  // The summary alone needs no buckets (and no cap on them).
  const withTrend = views.includes('trend');
  const read = await readBucketed(store, CBT_SPEC, withTrend ? req : { ...req, intervalMs: null }, [
    'sync_type',
  ]);
  const result: CbtPerformance = {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: withTrend ? (req.intervalMs ?? req.toMs - req.fromMs) : req.toMs - req.fromMs,
    percentile_relative_error: TREND_PERCENTILE_RELATIVE_ERROR,
    bucket_rule: CBT_BUCKET_RULE,
    sources: read.sources,
    filters_not_applied: read.notApplied,
  };
  if (withTrend) {
    result.trend = read.buckets.map((groups, i): CbtTrendBucket => {
      const all = total(CBT_SPEC, groups.values());
      const bySyncType = (type: string) => groups.get(JSON.stringify([type]))?.aggregate.sums;
      const full = bySyncType('full');
      const incremental = bySyncType('incremental');
      const s = all.sums;
      return {
        time: new Date(read.starts[i]).toISOString(),
        syncs: s.syncs,
        successful: s.successful,
        failed: s.syncs - s.successful,
        success_rate: ratio(s.successful, s.syncs),
        full_syncs: full?.syncs ?? 0,
        incremental_syncs: incremental?.syncs ?? 0,
        bytes: s.bytes_sum,
        full_bytes: full?.bytes_sum ?? 0,
        incremental_bytes: incremental?.bytes_sum ?? 0,
        change_rate_bytes_per_hour: changeRate(s.change_bytes_sum, s.change_interval_ms_sum),
        duration_p50_s: quantile(all.histograms.duration_histogram, 0.5),
        duration_p95_s: quantile(all.histograms.duration_histogram, 0.95),
      };
    });
  }
  if (views.includes('summary')) {
    const bySyncType = new Map<string, CbtAggregate>();
    for (const groups of read.buckets) {
      for (const group of groups.values()) {
        const type = group.dims.sync_type ?? '';
        const into = bySyncType.get(type) ?? total(CBT_SPEC, []);
        bySyncType.set(type, mergeAggregate(into, group.aggregate));
      }
    }
    const all = total(
      CBT_SPEC,
      [...bySyncType.values()].map((aggregate) => ({ dims: {}, aggregate })),
    );
    result.summary = [
      ...[...bySyncType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, a]) => summaryRow(t, a)),
      summaryRow('all', all),
    ];
  }
  return result;
}
