// GET /analytics/cbt-performance, /analytics/volume-performance, /analytics/summary. Thin: the
// work is in cbt-performance.ts, volume-performance.ts and summary.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AnalyticsSummary,
  AnalyticsSummaryQuery,
  CBT_BUCKET_RULE,
  CBT_VIEWS,
  CbtPerformance,
  CbtPerformanceQuery,
  CLOUDSTACK_BUCKET_RULE,
  ErrorBody,
  MAX_TREND_BUCKETS,
  TREND_PERCENTILE_RELATIVE_ERROR,
  VOLUME_BUCKET_RULE,
  VOLUME_VIEWS,
  VolumePerformance,
  VolumePerformanceQuery,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { ApiError } from '../../http/errors';
import { rangeFromQuery } from '../../http/time-params';
import { HOUR_MS } from '../rollups/job-facts';
import { parseInterval, TrendsInputError } from '../trends/migration-trends';
import { cbtPerformance } from './cbt-performance';
import type { Filters } from './rollup-engine';
import { analyticsSummary } from './summary';
import { volumePerformance } from './volume-performance';

const DEFAULT_SPAN_MS = 7 * 24 * HOUR_MS;
const security = [{ bearer: [] }];
const response = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

const EXACTNESS = `Buckets are aligned to the Unix epoch (UTC) and clipped to [from, to); at most ${MAX_TREND_BUCKETS}. Whole hours come from hourly rollups, the rest (partial hours, hours not rolled up yet, every hour when filtering by vm or with an interval that is not whole hours) from the raw rows: counts and sums equal a raw computation; percentiles are within ${TREND_PERCENTILE_RELATIVE_ERROR * 100}% (relative) of the exact value of rank floor(q·(n−1)).`;
const FILTERS = `Filters name the values of the rows' replication job (CBT) or VM context (volume operations: vm_id is the context_id; CloudStack jobs in job_tracking: context_id). A filter that a kind of row carries no value for (replication_type and vm_group for volume operations and CloudStack jobs; every filter for cloudstack_job_tracking rows) does not narrow those rows, and the response names it in filters_not_applied.`;

function checkedRange(query: { from?: string; to?: string; interval?: string }) {
  const range = rangeFromQuery(query, DEFAULT_SPAN_MS);
  if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
  if (range.from >= range.to)
    throw new ApiError(400, 'invalid_analytics_request', '"from" must be before "to"');
  const interval = query.interval ?? '1h';
  const intervalMs = parseInterval(interval);
  if (intervalMs === null) {
    throw new ApiError(
      400,
      'invalid_interval',
      `"interval" must be like 15m, 1h, 1d or milliseconds; got "${interval}"`,
    );
  }
  return { fromMs: range.from, toMs: range.to, intervalMs };
}

const filtersOf = (q: Filters): Filters => {
  const { vcenter, datacenter, vm, replication_type, vm_group } = q;
  return Object.fromEntries(
    Object.entries({ vcenter, datacenter, vm, replication_type, vm_group }).filter(
      ([, v]) => v !== undefined,
    ),
  );
};

/** Too many buckets and the like: a 400 that says what to change. */
async function refusingBadInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TrendsInputError) throw new ApiError(400, 'invalid_analytics_request', err.message);
    throw err;
  }
}

const opsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/analytics/cbt-performance',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'CBT syncs per bucket and per sync type: success rate, bytes, change rate, duration percentiles',
        description: `${CBT_BUCKET_RULE} Change rate: bytes of successful incremental syncs per hour since each disk's previous successful sync (summed bytes over summed hours). view=${CBT_VIEWS.join('|')} returns only that part (default both). ${EXACTNESS} ${FILTERS}`,
        security,
        querystring: CbtPerformanceQuery,
        response: { 200: CbtPerformance, ...response },
      },
    },
    async (request) => {
      const req = { ...checkedRange(request.query), filters: filtersOf(request.query) };
      const views = request.query.view ? [request.query.view] : CBT_VIEWS;
      return refusingBadInput(() => cbtPerformance(store, req, views));
    },
  );

  app.get(
    '/analytics/volume-performance',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Volume operations per type and per bucket (failure rate, duration percentiles); CloudStack job outcomes',
        description: `${VOLUME_BUCKET_RULE} ${CLOUDSTACK_BUCKET_RULE} Which CloudStack table is read is detected at each request (cloudstack_source). view=${VOLUME_VIEWS.join('|')} returns only that part (default all) and reads only the kinds it shows (sources has an entry per kind read; the trend shows both). ${EXACTNESS} ${FILTERS}`,
        security,
        querystring: VolumePerformanceQuery,
        response: { 200: VolumePerformance, ...response },
      },
    },
    async (request) => {
      const req = { ...checkedRange(request.query), filters: filtersOf(request.query) };
      const views = request.query.view ? [request.query.view] : VOLUME_VIEWS;
      return refusingBadInput(() => volumePerformance(store, req, views));
    },
  );

  app.get(
    '/analytics/summary',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Headline KPIs over [from, to) against the previous period of equal length',
        description: `Replication jobs by the one bucket rule of analytics (finished, by completed_at), from the job rollups and raw rows for partial hours; CBT syncs by created_at, volume operations and CloudStack jobs by completed_at (see /analytics/cbt-performance and /analytics/volume-performance). active_jobs: running at the end of each period. The VM status KPIs and the predicted time to finish are as of now (or "to" when earlier): previous is null. ${FILTERS} Each KPI's note names filters that do not apply to it.`,
        security,
        querystring: AnalyticsSummaryQuery,
        response: { 200: AnalyticsSummary, ...response },
      },
    },
    async (request) => {
      const { fromMs, toMs } = checkedRange(request.query);
      return analyticsSummary(store, { fromMs, toMs, filters: filtersOf(request.query) });
    },
  );
};

export default scoped('read', opsRoutes);
