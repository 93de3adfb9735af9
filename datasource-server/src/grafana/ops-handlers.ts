// CBT, volume operation and KPI query types: the same figures as the REST endpoints, as frames.
import {
  CBT_BUCKET_RULE,
  CBT_VIEWS,
  CLOUDSTACK_BUCKET_RULE,
  VOLUME_BUCKET_RULE,
  VOLUME_VIEWS,
  type WireFrame,
} from '@oma-insights/contracts';
import { cbtPerformance as cbtOf } from '../analytics/ops/cbt-performance';
import { cbtFrames, summaryFrame, volumeFrames } from '../analytics/ops/frames';
import type { Filters } from '../analytics/ops/rollup-engine';
import { analyticsSummary as summaryOf } from '../analytics/ops/summary';
import { volumePerformance as volumeOf } from '../analytics/ops/volume-performance';
import { queryStep } from '../analytics/trends/migration-trends';
import type { QueryContext } from './handlers';
import type { QueryOf } from './query-types';

type WithFilters = Filters & { refId: string };

/** The filters that are set (an empty template variable is no filter). */
function filtersOf(q: WithFilters): Filters {
  const { vcenter, datacenter, vm, replication_type, vm_group } = q;
  return Object.fromEntries(
    Object.entries({ vcenter, datacenter, vm, replication_type, vm_group }).filter(([, v]) => v),
  );
}

// An empty time range (from = to) gives frames without rows, as migrationTrends does.

/** The buckets of a trend: as migrationTrends (intervalMs widened to maxDataPoints and the cap). */
function bucketed({ range, intervalMs, maxDataPoints }: QueryContext, q: WithFilters) {
  return {
    fromMs: range.from,
    toMs: range.to,
    intervalMs: queryStep(range.to - range.from, intervalMs, maxDataPoints),
    filters: filtersOf(q),
  };
}

export async function cbtPerformance(ctx: QueryContext, q: QueryOf<'cbtPerformance'>): Promise<WireFrame[]> {
  const view = q.view ?? CBT_VIEWS[0];
  if (ctx.range.from >= ctx.range.to) {
    return cbtFrames(q.refId, view, {
      interval_ms: 0,
      bucket_rule: CBT_BUCKET_RULE,
      filters_not_applied: [],
    });
  }
  return cbtFrames(q.refId, view, await cbtOf(ctx, bucketed(ctx, q), [view]));
}

export async function volumePerformance(
  ctx: QueryContext,
  q: QueryOf<'volumePerformance'>,
): Promise<WireFrame[]> {
  const view = q.view ?? VOLUME_VIEWS[0];
  if (ctx.range.from >= ctx.range.to) {
    return volumeFrames(q.refId, view, {
      interval_ms: 0,
      bucket_rules: { volume_operations: VOLUME_BUCKET_RULE, cloudstack_jobs: CLOUDSTACK_BUCKET_RULE },
      cloudstack_source: null,
      filters_not_applied: { volume_operations: [], cloudstack_jobs: [] },
    });
  }
  return volumeFrames(q.refId, view, await volumeOf(ctx, bucketed(ctx, q), [view]));
}

export async function analyticsSummary(
  ctx: QueryContext,
  q: QueryOf<'analyticsSummary'>,
): Promise<WireFrame[]> {
  if (ctx.range.from >= ctx.range.to) {
    const at = new Date(ctx.range.from).toISOString();
    return [summaryFrame(q.refId, { data: [], previous_from: at, previous_to: at })];
  }
  return [
    summaryFrame(
      q.refId,
      await summaryOf(ctx, { fromMs: ctx.range.from, toMs: ctx.range.to, filters: filtersOf(q) }),
    ),
  ];
}
