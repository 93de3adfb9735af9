// Validation before failover, probe targets and per-network performance. Thin: the work is in
// validate.ts, probe-targets.ts and performance.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ErrorBody,
  MAX_SELECTOR_VMS,
  NetworkPerformanceList,
  NetworkPerformanceQuery,
  ProbeTarget,
  ValidateRequest,
  ValidationReport,
} from '@oma-insights/contracts';
import { scoped } from '../../auth/plugin';
import { ApiError } from '../../http/errors';
import { networkPerformance, performanceRange } from './performance';
import { deleteProbeTarget, listProbeTargets, ProbeTargetEntry, setProbeTarget } from './probe-targets';
import { validateAndPersist, validateVms } from './validate';

const security = [{ bearer: [] }];
const authErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const NetworkIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 255, description: 'CloudStack network id' }) },
  { additionalProperties: false },
);
/** Room for MAX_SELECTOR_VMS names of up to 255 characters. */
const VALIDATE_BODY_LIMIT = MAX_SELECTOR_VMS * 260 + 64 * 1024;

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  app.post(
    '/networks/validate',
    {
      bodyLimit: VALIDATE_BODY_LIMIT,
      schema: {
        tags: ['networks'],
        summary: 'Check that every NIC of the VMs has a usable mapping for live or test failover',
        description:
          'Without vm_names every VM is validated. persist: true (needs the write scope) stores validation_status and last_validated on the mapping rows; probe: true TCP-probes each destination network that has a probe target and records latency and loss.',
        security,
        body: ValidateRequest,
        response: { 200: ValidationReport, ...authErrors, 404: ErrorBody },
      },
    },
    async (request) => {
      const { vm_names, failover_type = 'live', persist, probe } = request.body;
      const principal = request.principal!;
      if (persist && !principal.scopes.includes('write')) {
        throw new ApiError(
          403,
          'forbidden',
          `Token "${principal.name}" lacks the "write" scope that persist: true needs; validate without persist, or use a token with write`,
        );
      }
      const options = { vmNames: vm_names, failoverType: failover_type, probe };
      return persist
        ? validateAndPersist(store, options, principal.name)
        : validateVms(store.db, store, options);
    },
  );

  app.get(
    '/networks/probe-targets',
    {
      schema: {
        tags: ['networks'],
        summary: 'Probe targets of destination networks (used by validate with probe: true)',
        security,
        response: { 200: Type.Object({ data: Type.Array(ProbeTargetEntry) }), ...authErrors },
      },
    },
    async () => ({ data: await listProbeTargets(store) }),
  );

  app.get(
    '/networks/performance',
    {
      schema: {
        tags: ['networks'],
        summary: 'Per destination network: replication jobs and throughput, probe latency and loss',
        description:
          'from/to default to the last 7 days. jobs: replication jobs that ran in the range, of VMs mapped (live) to the network; throughput in bytes per second (transfer_speed_bps, else vma_throughput_mbps), peak = the fastest job. Probe samples: the newest 50,000 in the range.',
        security,
        querystring: NetworkPerformanceQuery,
        response: { 200: NetworkPerformanceList, ...authErrors },
      },
    },
    async (request) => {
      const range = performanceRange(request.query.from, request.query.to);
      if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
      return {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        data: await networkPerformance(store.db, store.time, range),
      };
    },
  );
};

const writeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  app.put(
    '/networks/:id/probe-target',
    {
      schema: {
        tags: ['networks'],
        summary: "Set a destination network's probe target (201 created, 200 replaced)",
        security,
        params: NetworkIdParams,
        body: ProbeTarget,
        response: {
          200: ProbeTargetEntry,
          201: ProbeTargetEntry,
          ...authErrors,
          404: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { created, entry } = await setProbeTarget(
        store,
        request.params.id,
        request.body,
        request.principal?.name ?? 'unknown',
      );
      reply.code(created ? 201 : 200);
      return entry;
    },
  );

  app.delete(
    '/networks/:id/probe-target',
    {
      schema: {
        tags: ['networks'],
        summary: "Remove a destination network's probe target",
        security,
        params: NetworkIdParams,
        response: { 200: ProbeTargetEntry, ...authErrors, 404: ErrorBody },
      },
    },
    async (request) => deleteProbeTarget(store, request.params.id),
  );
};

const validationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('write', writeRoutes));
};

export default validationRoutes;
