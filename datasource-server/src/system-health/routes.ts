// GET /analytics/system-health: the health samples over time. Thin: the work is in series.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, MAX_HEALTH_POINTS, SystemHealthQuery, SystemHealthSeries } from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { answering, intervalOf, rangeOf } from '../analytics/range';
import { healthSeries } from './series';

const DEFAULT_SPAN_MS = 3_600_000;

const systemHealthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/system-health',
    {
      schema: {
        tags: ['analytics'],
        summary:
          "The server's health samples over time (CPU, memory, event loop, disk, network, database, live clients, rates)",
        description: `Samples are taken every HEALTH_SAMPLE_INTERVAL_SECONDS by each server instance. Without \`interval\` the samples come as taken when the range holds at most ${MAX_HEALTH_POINTS}, else averaged per bucket (\`<figure>\` the mean, \`<figure>_max\` the highest), buckets aligned to the Unix epoch. Default range: the last hour.`,
        security: [{ bearer: [] }],
        querystring: SystemHealthQuery,
        response: { 200: SystemHealthSeries, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, interval } = request.query;
      const range = rangeOf({ from, to }, DEFAULT_SPAN_MS);
      const intervalMs = interval === undefined ? undefined : intervalOf(interval);
      return answering(() =>
        healthSeries(app.store, {
          ...range,
          intervalMs,
          sampleIntervalMs: app.config.healthSampleIntervalMs,
        }),
      );
    },
  );
};

export default scoped('read', systemHealthRoutes);
