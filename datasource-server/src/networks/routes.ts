import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AvailableNetworks,
  ErrorBody,
  ReplaceAvailableNetworks,
  SourceNetwork,
} from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { ApiError } from '../http/errors';
import { replaceInventory } from './inventory';
import { presentNetwork } from './present';
import { sourceNetworks } from './source-networks';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const noParameters = Type.Object({}, { additionalProperties: false });

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.store;
  app.get(
    '/networks/available',
    {
      schema: {
        tags: ['networks'],
        summary: 'CloudStack network inventory (destination networks), CloudStack field names',
        security,
        querystring: noParameters,
        response: { 200: AvailableNetworks, ...authErrors },
      },
    },
    async () => {
      const rows = await db
        .selectFrom('omi_cloudstack_networks')
        .selectAll()
        .orderBy('zone_name')
        .orderBy('name')
        .execute();
      return { success: true, data: rows.map(presentNetwork) };
    },
  );

  app.get(
    '/networks/source',
    {
      schema: {
        tags: ['networks'],
        summary:
          'VMware networks seen on VM NICs (vm_disks.network_config) with VM counts and mapping coverage',
        security,
        querystring: noParameters,
        response: {
          200: Type.Object({ networks: Type.Array(SourceNetwork), count: Type.Integer() }),
          ...authErrors,
        },
      },
    },
    async () => {
      const networks = await sourceNetworks(db);
      return { networks, count: networks.length };
    },
  );
};

const writeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/networks/available',
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['networks'],
        summary: 'Replace the CloudStack network inventory in one step (all or nothing)',
        security,
        body: ReplaceAvailableNetworks,
        response: { 200: AvailableNetworks, ...authErrors, 422: ErrorBody },
      },
    },
    async (request) => {
      const networks = request.body.data;
      const seen = new Set<string>();
      const duplicates = networks
        .filter((n) => (seen.has(n.id) ? true : (seen.add(n.id), false)))
        .map((n) => n.id);
      if (duplicates.length) {
        throw new ApiError(422, 'duplicate_network_id', 'Each network id may appear once', [
          ...new Set(duplicates),
        ]);
      }
      const rows = await replaceInventory(app.store, networks);
      request.log.info(
        { count: rows.length, actor: request.principal?.name },
        'cloudstack network inventory replaced',
      );
      return { success: true, data: rows.map(presentNetwork) };
    },
  );
};

const networkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('write', writeRoutes));
};

export default networkRoutes;
