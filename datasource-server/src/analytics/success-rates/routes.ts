// GET /analytics/success-rates. Thin: the work is in success-rates.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  JOB_BUCKET_RULE,
  MAX_TREND_BUCKETS,
  SuccessRates,
  SuccessRatesQuery,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { answering, intervalOf, rangeOf } from '../range';
import { HOUR_MS } from '../rollups/job-facts';
import { successRates } from './success-rates';

const DEFAULT_SPAN_MS = 30 * 24 * HOUR_MS;

const successRateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/success-rates',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Finished replication jobs and their success rate (completed / finished) per group',
        description: `${JOB_BUCKET_RULE} group_by day: one group per bucket of \`interval\` (default 1d, aligned to the Unix epoch, UTC); any other group_by: one group per value over the whole range, and \`series\` per bucket of \`interval\` (at most ${MAX_TREND_BUCKETS} buckets). Whole hours come from the hourly rollups, the rest from replication_jobs: the counts equal a raw computation. Default range: the last 30 days.`,
        security: [{ bearer: [] }],
        querystring: SuccessRatesQuery,
        response: { 200: SuccessRates, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, interval = '1d', group_by, ...filters } = request.query;
      const range = rangeOf({ from, to }, DEFAULT_SPAN_MS);
      const intervalMs = intervalOf(interval);
      return answering(() => successRates(app.store, { ...range, intervalMs, groupBy: group_by, filters }));
    },
  );
};

export default scoped('read', successRateRoutes);
