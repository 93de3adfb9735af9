import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateNetworkMapping,
  DeleteNetworkMappingQuery,
  ErrorBody,
  NetworkMapping,
  NetworkMappingList,
  NetworkMappingQuery,
} from '@oma-insights/contracts';
import { decodeIdCursor, encodeCursor } from '../http/cursor';
import { scoped } from '../auth/plugin';
import { deleteMapping, upsertMapping } from './mappings';
import { presentMapping } from './present';
import { loadRecommender } from './recommend/recommendations';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, time } = app.store;
  app.get(
    '/network-mappings',
    {
      schema: {
        tags: ['networks'],
        summary: 'OMA network_mappings rows (unique per VM, source network and test flag)',
        security,
        querystring: NetworkMappingQuery,
        response: { 200: NetworkMappingList, ...authErrors },
      },
    },
    async (request) => {
      const { vm_id, source_network_name, is_test_network, cursor } = request.query;
      const limit = request.query.limit ?? 1000;
      let q = db
        .selectFrom('network_mappings')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (vm_id) q = q.where('vm_id', '=', vm_id);
      if (source_network_name) q = q.where('source_network_name', '=', source_network_name);
      if (is_test_network !== undefined) q = q.where('is_test_network', '=', is_test_network ? 1 : 0);
      if (cursor) {
        q = q.where('id', '>', decodeIdCursor(cursor));
      }
      const rows = await q.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        mappings: page.map((row) => presentMapping(row, time)),
        count: page.length,
        next_cursor: rows.length > limit && last ? encodeCursor([String(last.id)]) : null,
      };
    },
  );
};

const writeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { time } = app.store;
  app.post(
    '/network-mappings',
    {
      schema: {
        tags: ['networks'],
        summary: 'Create or replace the mapping of one VM NIC network (201 created, 200 replaced)',
        security,
        body: CreateNetworkMapping,
        response: {
          200: NetworkMapping,
          201: NetworkMapping,
          ...authErrors,
          404: ErrorBody,
          409: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = request.principal?.name ?? 'unknown';
      const { source_network_name, destination_network_id, is_test_network } = request.body;
      // Where this choice stands among the recommendations, before it changes the history.
      const rank = (await loadRecommender(app.store.db)).rankOf(
        source_network_name,
        is_test_network ? 'test' : 'live',
        destination_network_id,
      );
      const change = await upsertMapping(app.store, request.body, { actor, requestId: request.id }, rank);
      await app.bus.publish('mapping_changed', {
        action: change.action,
        vm_id: change.mapping.vm_id,
        source_network_name: change.mapping.source_network_name,
        is_test_network: Number(change.mapping.is_test_network) === 1,
        destination_network_id: change.mapping.destination_network_id,
        actor,
      });
      reply.code(change.action === 'created' ? 201 : 200);
      return presentMapping(change.mapping, time);
    },
  );

  app.delete(
    '/network-mappings',
    {
      schema: {
        tags: ['networks'],
        summary: 'Delete the mapping of one VM NIC network',
        security,
        querystring: DeleteNetworkMappingQuery,
        response: { 200: NetworkMapping, ...authErrors, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const actor = request.principal?.name ?? 'unknown';
      const removed = await deleteMapping(app.store, request.query, { actor, requestId: request.id });
      await app.bus.publish('mapping_changed', {
        action: 'deleted',
        vm_id: removed.vm_id,
        source_network_name: removed.source_network_name,
        is_test_network: Number(removed.is_test_network) === 1,
        destination_network_id: null,
        actor,
      });
      return presentMapping(removed, time);
    },
  );
};

const mappingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('write', writeRoutes));
};

export default mappingRoutes;
