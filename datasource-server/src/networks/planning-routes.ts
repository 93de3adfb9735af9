// Read-only views for planning a failover's networks: topology, recommendations, adoption.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Adoption,
  AdoptionQuery,
  ErrorBody,
  RecommendationList,
  RecommendationQuery,
  Topology,
  TopologyQuery,
} from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { ApiError } from '../http/errors';
import { rangeFromQuery } from '../http/time-params';
import { adoption } from './adoption';
import { loadDestinations, loadMappings, loadVmNetworks } from './inventory';
import { resolveVm } from './mappings';
import { loadRecommender } from './recommend/recommendations';
import { buildTopology } from './topology';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const DAY_MS = 24 * 3600 * 1000;

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, time } = app.store;

  app.get(
    '/networks/topology',
    {
      schema: {
        tags: ['networks'],
        summary: 'Source networks, destination networks and the mappings between them (distinct VM counts)',
        security,
        querystring: TopologyQuery,
        response: { 200: Topology, ...authErrors },
      },
    },
    async (request) => {
      const { failover_type = 'live', vcenter, datacenter } = request.query;
      const [vms, mappings, destinations] = await Promise.all([
        loadVmNetworks(db, {
          vcenters: vcenter ? [vcenter] : undefined,
          datacenters: datacenter ? [datacenter] : undefined,
        }),
        loadMappings(db, failover_type),
        loadDestinations(db),
      ]);
      return buildTopology({
        vms,
        mappings,
        destinations,
        failoverType: failover_type,
        filtered: Boolean(vcenter || datacenter),
      });
    },
  );

  app.get(
    '/networks/recommendations',
    {
      schema: {
        tags: ['networks'],
        summary: 'Ranked destination candidates per source network, with probability scores and reasons',
        description:
          'score is the estimated probability that a candidate is the right destination (the candidates of one source network sum to at most 1). Signals: mapping history of VMs on the same source network (strongest), environment and role words, VLAN ids, subnets, zone, deployability, and for test failover the isolated counterpart of the live choice.',
        security,
        querystring: RecommendationQuery,
        response: { 200: RecommendationList, ...authErrors, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const { failover_type = 'live', source_network, vm, unmapped_only, limit = 3 } = request.query;
      const vmContextIds = vm ? new Set([(await resolveVm(db, vm)).context_id]) : undefined;
      const recommender = await loadRecommender(db);
      return {
        failover_type,
        data: recommender.recommend({
          failoverType: failover_type,
          sourceNetwork: source_network,
          vmContextIds,
          unmappedOnly: unmapped_only,
          limit,
        }),
      };
    },
  );

  app.get(
    '/networks/recommendations/adoption',
    {
      schema: {
        tags: ['networks'],
        summary: 'Share of mapping changes that took the top recommendation, by day and by source network',
        description:
          'Counts mapping creations and replacements in [from, to] (default: the last 30 days); rate = top1 / changes.',
        security,
        querystring: AdoptionQuery,
        response: { 200: Adoption, ...authErrors },
      },
    },
    async (request) => {
      const range = rangeFromQuery(request.query, 30 * DAY_MS);
      if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
      return adoption(db, time, range);
    },
  );
};

export default scoped('read', readRoutes);
