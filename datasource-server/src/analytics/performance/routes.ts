// GET /analytics/performance-metrics. Thin: the work is in metrics.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  JOB_BUCKET_RULE,
  PerformanceMetrics,
  PerformanceMetricsQuery,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { answering, intervalOf, rangeOf } from '../range';
import { HOUR_MS } from '../rollups/job-facts';
import { performanceMetrics } from './metrics';

const DEFAULT_SPAN_MS = 30 * 24 * HOUR_MS;

const performanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/performance-metrics',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Per VM and per datastore throughput and duration, the slowest jobs, and the load recorded during migrations',
        description: `${JOB_BUCKET_RULE} Read from omi_migration_analytics (one row per finished job, written as it finishes and by a backfill pass for jobs other programs finish). Throughput is bytes / duration of the whole run when both are known, else the last reported speed. Trends compare the mean of the range's second half with its first. View load: per bucket of \`interval\` (default 1d) the mean of the jobs' average and the highest maximum of each figure; \`sources\` says which come from the VMA's progress pushes (vma_push) and which from this server's health samples over each job's run (server_samples). Default range: the last 30 days.`,
        security: [{ bearer: [] }],
        querystring: PerformanceMetricsQuery,
        response: { 200: PerformanceMetrics, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, interval = '1d', view, limit, ...filters } = request.query;
      const range = rangeOf({ from, to }, DEFAULT_SPAN_MS);
      const intervalMs = intervalOf(interval);
      return answering(() => performanceMetrics(app.store, { ...range, intervalMs, view, limit, filters }));
    },
  );
};

export default scoped('read', performanceRoutes);
