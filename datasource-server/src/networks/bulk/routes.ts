import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  BulkMappingRequest,
  BulkMappingResult,
  ErrorBody,
  MappingAuditList,
  MappingAuditQuery,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { decodeIdCursor, encodeCursor } from '../../http/cursor';
import { bulkMapping } from './bulk-mapping';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
/** 100,000 VM names fit; the server's general limit (BODY_LIMIT_BYTES) is far smaller. */
const BULK_BODY_LIMIT = 16 * 1024 * 1024;

const writeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/networks/bulk-mapping',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['networks'],
        summary: 'Map the NICs of many VMs at once: one transaction, all or nothing',
        description: [
          'selector picks VMs (every given field must match; at least one field). rules map source networks to destinations;',
          `use_recommendations maps each NIC to its top recommendation when its score is at least 0.5. dry_run does everything`,
          'in a transaction that is rolled back and returns the same answer. A request with an Idempotency-Key header that was',
          'already applied returns the first answer again (header Idempotent-Replayed: true) and changes nothing; the same key',
          'with a different body is refused (422). Regular expressions that could run away (nested repetition) are refused (422).',
        ].join(' '),
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
        body: BulkMappingRequest,
        response: { 200: BulkMappingResult, ...authErrors, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const actor = request.principal?.name ?? 'unknown';
      const outcome = await bulkMapping(
        app.store,
        request.body,
        { actor, requestId: request.id },
        request.headers['idempotency-key'],
      );
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      for (const change of outcome.changes) {
        await app.bus.publish('mapping_changed', {
          action: change.action,
          vm_id: change.mapping.vm_id,
          source_network_name: change.mapping.source_network_name,
          is_test_network: Number(change.mapping.is_test_network) === 1,
          destination_network_id: change.mapping.destination_network_id,
          actor,
        });
      }
      request.log.info(
        { actor, dryRun: outcome.result.dry_run, replayed: outcome.replayed, ...outcome.result.summary },
        'bulk mapping',
      );
      return outcome.result;
    },
  );
};

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, time } = app.store;
  app.get(
    '/network-mappings/audit',
    {
      schema: {
        tags: ['networks'],
        summary:
          'Every mapping change: who (token name), when, before, after, request id, recommendation rank',
        security,
        querystring: MappingAuditQuery,
        response: { 200: MappingAuditList, ...authErrors },
      },
    },
    async (request) => {
      const { vm_id, source_network_name, request_id, cursor } = request.query;
      const limit = request.query.limit ?? 500;
      let query = db
        .selectFrom('omi_mapping_audit')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (vm_id) query = query.where('vm_id', '=', vm_id);
      if (source_network_name) query = query.where('source_network_name', '=', source_network_name);
      if (request_id) query = query.where('request_id', '=', request_id);
      if (cursor) {
        query = query.where('id', '<', decodeIdCursor(cursor));
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page.map((r) => ({
          id: Number(r.id),
          action: r.action,
          vm_id: r.vm_id,
          source_network_name: r.source_network_name,
          is_test_network: Number(r.is_test_network) === 1,
          before: r.old_destination_network_id,
          after: r.new_destination_network_id,
          actor: r.actor,
          request_id: r.request_id,
          recommendation_rank: r.recommendation_rank === null ? null : Number(r.recommendation_rank),
          created_at: time.toIso(r.created_at) ?? '',
        })),
        count: page.length,
        next_cursor: rows.length > limit && last ? encodeCursor([String(last.id)]) : null,
      };
    },
  );
};

const bulkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('write', writeRoutes));
};

export default bulkRoutes;
