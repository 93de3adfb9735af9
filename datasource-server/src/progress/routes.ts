import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, JobProgress, ProgressPush, ProgressPushResult } from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { notFound } from '../http/errors';
import { applyProgressPush } from './ingest';
import { buildJobProgress } from './view';

const JobParams = Type.Object({ job_id: Type.String({ minLength: 1, maxLength: 191 }) });

const security = [{ bearer: [] }];

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.store;
  app.get(
    '/progress/:job_id',
    {
      schema: {
        tags: ['progress'],
        summary:
          'Job progress in the VMA shape (status, phase, percentage, bytes, throughput, ETA, per disk)',
        security,
        params: JobParams,
        response: { 200: JobProgress, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { job_id } = request.params;
      const job = await db
        .selectFrom('replication_jobs')
        .selectAll()
        .where('id', '=', job_id)
        .executeTakeFirst();
      if (!job) throw notFound('Replication job', job_id);
      const [progress, diskProgress, cbt, disks] = await Promise.all([
        db.selectFrom('omi_job_progress').selectAll().where('job_id', '=', job_id).executeTakeFirst(),
        db
          .selectFrom('omi_disk_progress')
          .selectAll()
          .where('job_id', '=', job_id)
          .orderBy('disk_id')
          .execute(),
        db.selectFrom('cbt_history').selectAll().where('job_id', '=', job_id).orderBy('id').execute(),
        job.vm_context_id
          ? db.selectFrom('vm_disks').selectAll().where('vm_context_id', '=', job.vm_context_id).execute()
          : Promise.resolve([]),
      ]);
      return buildJobProgress({
        job,
        progress,
        diskProgress,
        cbt,
        disks,
        now: Date.now(),
        time: app.store.time,
      });
    },
  );
};

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/progress/:job_id',
    {
      schema: {
        tags: ['progress'],
        summary: 'Progress push from the migration engine; late or duplicate pushes change nothing',
        security,
        params: JobParams,
        body: ProgressPush,
        response: { 200: ProgressPushResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => applyProgressPush(app.store, app.bus, request.params.job_id, request.body),
  );
};

const progressRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('ingest', ingestRoutes));
};

export default progressRoutes;
