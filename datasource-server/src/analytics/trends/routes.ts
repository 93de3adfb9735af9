// GET /analytics/migration-trends. Thin: the work is in migration-trends.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  JOB_BUCKET_RULE,
  MAX_TREND_BUCKETS,
  MigrationTrends,
  MigrationTrendsQuery,
  TREND_PERCENTILE_RELATIVE_ERROR,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { ApiError } from '../../http/errors';
import { rangeFromQuery } from '../../http/time-params';
import { HOUR_MS } from '../rollups/job-facts';
import { migrationTrends, parseInterval, TrendsInputError } from './migration-trends';

const DEFAULT_SPAN_MS = 7 * 24 * HOUR_MS;

const trendsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  app.get(
    '/analytics/migration-trends',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Finished replication jobs per time bucket: outcomes, bytes, duration percentiles, throughput',
        description: `${JOB_BUCKET_RULE} Buckets are aligned to the Unix epoch (UTC) and clipped to [from, to); at most ${MAX_TREND_BUCKETS}. Whole hours come from hourly rollups, the rest (partial hours, hours not yet rolled up, every hour when filtering by vm or with an interval that is not whole hours) from the raw table: counts and sums equal a raw computation; duration percentiles are within ${TREND_PERCENTILE_RELATIVE_ERROR * 100}% (relative) of the exact value of rank floor(q·(n−1)).`,
        security: [{ bearer: [] }],
        querystring: MigrationTrendsQuery,
        response: { 200: MigrationTrends, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, interval = '1h', ...filters } = request.query;
      const range = rangeFromQuery({ from, to }, DEFAULT_SPAN_MS);
      if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
      const intervalMs = parseInterval(interval);
      if (intervalMs === null) {
        throw new ApiError(
          400,
          'invalid_interval',
          `"interval" must be like 15m, 1h, 1d or milliseconds; got "${interval}"`,
        );
      }
      try {
        return await migrationTrends(store, { fromMs: range.from, toMs: range.to, intervalMs, filters });
      } catch (err) {
        if (err instanceof TrendsInputError) throw new ApiError(400, 'invalid_trends_request', err.message);
        throw err;
      }
    },
  );
};

export default scoped('read', trendsRoutes);
