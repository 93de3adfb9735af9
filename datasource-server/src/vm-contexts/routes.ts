import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CbtHistoryRow,
  ErrorBody,
  NetworkMapping,
  Nullable,
  ReplicationJob,
  VmContext,
  VmContextList,
  VmContextQuery,
  VmDisk,
} from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { ApiError, notFound } from '../http/errors';
import { presentMapping } from '../networks/present';
import { presentCbt, presentContext, presentDisk, presentJob } from './present';
import { contextDetail, contextsNamed, listContexts } from './repository';

const VmContextDetail = Type.Object({
  context: VmContext,
  current_job: Nullable(ReplicationJob),
  job_history: Type.Array(ReplicationJob, { description: 'Last 10 jobs, newest first' }),
  disks: Type.Array(VmDisk),
  cbt_history: Type.Array(CbtHistoryRow, { description: 'Last 20 CBT rows, newest first' }),
  network_mappings: Type.Array(NetworkMapping),
});

const vmContextRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, time } = app.store;
  const security = [{ bearer: [] }];

  app.get(
    '/vm-contexts',
    {
      schema: {
        tags: ['vm-contexts'],
        summary: 'VM contexts (OMA shape), filtered and paged by cursor',
        security,
        querystring: VmContextQuery,
        response: { 200: VmContextList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { rows, nextCursor } = await listContexts(db, request.query);
      return {
        vm_contexts: rows.map((row) => presentContext(row, time)),
        count: rows.length,
        next_cursor: nextCursor,
      };
    },
  );

  app.get(
    '/vm-contexts/:vm_name',
    {
      schema: {
        tags: ['vm-contexts'],
        summary: 'One VM: context, current job, last 10 jobs, disks, last 20 CBT rows, network mappings',
        security,
        params: Type.Object({ vm_name: Type.String({ minLength: 1, maxLength: 255 }) }),
        querystring: Type.Object(
          {
            vcenter: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 255,
                description: 'Needed when the name exists in several vCenters',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: VmContextDetail,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => {
      const { vm_name } = request.params;
      const matches = await contextsNamed(db, vm_name, request.query.vcenter);
      if (matches.length === 0) throw notFound('VM', vm_name);
      if (matches.length > 1) {
        throw new ApiError(
          409,
          'ambiguous_vm_name',
          `VM "${vm_name}" exists in several vCenters; add ?vcenter=`,
          matches.map((m) => m.vcenter_host),
        );
      }
      const context = matches[0];
      const detail = await contextDetail(db, context.context_id, context.current_job_id);
      return {
        context: presentContext(context, time),
        current_job: detail.currentJob ? presentJob(detail.currentJob, time) : null,
        job_history: detail.jobHistory.map((row) => presentJob(row, time)),
        disks: detail.disks.map((row) => presentDisk(row, time)),
        cbt_history: detail.cbtHistory.map((row) => presentCbt(row, time)),
        network_mappings: detail.mappings.map((row) => presentMapping(row, time)),
      };
    },
  );
};

export default scoped('read', vmContextRoutes);
