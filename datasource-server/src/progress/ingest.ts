// Applies a progress push from the migration engine: read and lock the job's rows, plan the
// change (plan.ts, pure), write it. The HTTP ingest endpoint and the demo simulator both call
// this, so the simulator exercises exactly the production path.
import type { Transaction } from 'kysely';
import type { ProgressPush } from '@oma-insights/contracts';
import { saveJobLoad } from '../analytics/performance/record';
import type { Db } from '../db/connect';
import { forUpdate, inTransaction, upsert } from '../db/dialect';
import type { EventBus } from '../events/bus';
import { notFound } from '../http/errors';
import type { Database } from '../db/schema';
import { planPush, type AppliedPlan, type PushResult } from './plan';

export type { PushResult };

async function writePlan(trx: Transaction<Database>, store: Db, contextId: string | null, plan: AppliedPlan) {
  const { dialect } = store;
  const jobId = plan.progress.job_id;
  const now = plan.progress.last_push_at;
  if (plan.disk) {
    await upsert(
      trx.insertInto('omi_disk_progress').values(plan.disk),
      dialect,
      ['job_id', 'disk_id'],
      ['bytes_transferred', 'total_bytes', 'status', 'throughput_bps', 'updated_at'],
    ).execute();
  }
  if (plan.vmDisk && contextId) {
    const { disk_id, ...columns } = plan.vmDisk;
    await trx
      .updateTable('vm_disks')
      .set({ ...columns, updated_at: now })
      .where('vm_context_id', '=', contextId)
      .where('disk_id', '=', disk_id)
      .execute();
  }
  await trx.updateTable('replication_jobs').set(plan.job).where('id', '=', jobId).execute();
  await upsert(
    trx.insertInto('omi_job_progress').values(plan.progress),
    dialect,
    ['job_id'],
    ['stage', 'vma_status', 'phase_started_at', 'peak_bps', 'last_push_at', 'errors'],
  ).execute();
  if (contextId) await updateContext(trx, contextId, jobId, plan.ended, now);
}

/** OMA lifecycle: a running job keeps its VM "replicating"; its end sets counters, status and disks. */
async function updateContext(
  trx: Transaction<Database>,
  contextId: string,
  jobId: string,
  ended: AppliedPlan['ended'],
  now: string,
) {
  if (!ended) {
    await trx
      .updateTable('vm_replication_contexts')
      .set({ current_status: 'replicating', current_job_id: jobId, last_status_change: now, updated_at: now })
      .where('context_id', '=', contextId)
      .where('current_status', '!=', 'replicating')
      .execute();
    return;
  }
  await trx
    .updateTable('vm_replication_contexts')
    .set((eb) => ({
      current_status: ended === 'completed' ? 'ready_for_failover' : 'failed',
      current_job_id: null,
      successful_jobs: ended === 'completed' ? eb('successful_jobs', '+', 1) : eb.ref('successful_jobs'),
      failed_jobs: ended === 'failed' ? eb('failed_jobs', '+', 1) : eb.ref('failed_jobs'),
      last_successful_job_id: ended === 'completed' ? jobId : eb.ref('last_successful_job_id'),
      last_job_at: now,
      last_status_change: now,
      updated_at: now,
    }))
    .where('context_id', '=', contextId)
    .execute();
  await trx
    .updateTable('vm_disks')
    .set({
      sync_status: ended,
      ...(ended === 'completed' ? { sync_progress_percent: 100 } : {}),
      updated_at: now,
    })
    .where('vm_context_id', '=', contextId)
    .where('job_id', '=', jobId)
    .execute();
}

export async function applyProgressPush(
  store: Db,
  bus: EventBus,
  jobId: string,
  push: ProgressPush,
): Promise<PushResult> {
  const plan = await inTransaction(store, async (trx) => {
    // Concurrent pushes for one job serialize on its row.
    const job = await forUpdate(
      trx.selectFrom('replication_jobs').selectAll().where('id', '=', jobId),
      store.dialect,
    ).executeTakeFirst();
    if (!job) throw notFound('Replication job', jobId);
    const [progress, disks] = await Promise.all([
      trx.selectFrom('omi_job_progress').selectAll().where('job_id', '=', jobId).executeTakeFirst(),
      trx.selectFrom('omi_disk_progress').selectAll().where('job_id', '=', jobId).execute(),
    ]);
    const planned = planPush({ job, progress, disks }, push, store.time.toDb(Date.now()));
    if (planned.applied) {
      await writePlan(trx, store, job.vm_context_id, planned);
      await saveJobLoad(trx, store, jobId, push, planned.progress.last_push_at);
    }
    return planned;
  });
  if (!plan.applied) return plan.result;
  // Published after commit, so subscribers never see a change that was rolled back.
  await bus.publish('progress_update', plan.event);
  if (plan.ended === 'completed') await bus.publish('job_complete', plan.event);
  if (plan.ended === 'failed') {
    await bus.publish('job_failed', {
      ...plan.event,
      error_message: plan.failure?.message ?? null,
      error_classification: plan.failure?.classification ?? null,
    });
  }
  return plan.result;
}
