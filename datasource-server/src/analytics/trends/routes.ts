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
import { answering, intervalOf, rangeOf } from '../range';
import { HOUR_MS } from '../rollups/job-facts';
import { migrationTrends } from './migration-trends';

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
      const range = rangeOf({ from, to }, DEFAULT_SPAN_MS);
      const intervalMs = intervalOf(interval);
      return answering(
        () => migrationTrends(store, { ...range, intervalMs, filters }),
        'invalid_trends_request',
      );
    },
  );
};

export default scoped('read', trendsRoutes);
