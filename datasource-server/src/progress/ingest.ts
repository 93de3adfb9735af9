// Applies a progress push from the migration engine. The HTTP ingest endpoint and the demo
// simulator both call this, so the simulator exercises exactly the production path.
import type { Kysely, Transaction } from 'kysely';
import { type ProgressPush, type VmaStage, type VmaStatus } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import type { Database, ReplicationJobUpdate } from '../db/schema';
import { toDbTime } from '../db/time';
import type { EventBus, ProgressEventData } from '../events/bus';
import { notFound } from '../http/errors';
import { decidePush, etaSeconds, jobStatusFor, percentOf, round2, toMBps } from './rules';

export interface PushResult {
  job_id: string;
  applied: boolean;
  reason?: string;
  status: string;
  progress_percent: number;
}

interface Applied {
  result: PushResult;
  event: ProgressEventData;
  ended: 'completed' | 'failed' | null;
  error?: { message: string | null; classification: string | null };
}

const DISK_STATUS: Partial<Record<VmaStatus, string>> = { Succeeded: 'completed', Failed: 'failed' };

async function lockJob(trx: Transaction<Database>, dialect: Db['dialect'], jobId: string) {
  const query = trx.selectFrom('replication_jobs').selectAll().where('id', '=', jobId);
  // Concurrent pushes for one job serialize on the row (SQLite serializes whole transactions).
  return (dialect === 'mysql' ? query.forUpdate() : query).executeTakeFirst();
}

async function applyInTransaction(
  trx: Transaction<Database>,
  dialect: Db['dialect'],
  jobId: string,
  push: ProgressPush,
): Promise<Applied | PushResult> {
  const job = await lockJob(trx, dialect, jobId);
  if (!job) throw notFound('Replication job', jobId);
  const progress = await trx
    .selectFrom('omi_job_progress')
    .selectAll()
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  const disk = push.disk_id
    ? await trx
        .selectFrom('omi_disk_progress')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('disk_id', '=', push.disk_id)
        .executeTakeFirst()
    : undefined;

  const jobPercent = Number(job.progress_percent ?? 0);
  const decision = decidePush(
    {
      jobStatus: job.status ?? 'pending',
      stage: (progress?.stage as VmaStage | undefined) ?? null,
      vmaStatus: (progress?.vma_status as VmaStatus | undefined) ?? null,
      bytes: push.disk_id ? Number(disk?.bytes_transferred ?? -1) : Number(job.bytes_transferred ?? 0),
      percent: jobPercent,
    },
    push,
  );
  if (!decision.apply) {
    return {
      job_id: jobId,
      applied: false,
      reason: decision.reason,
      status: job.status ?? 'pending',
      progress_percent: jobPercent,
    };
  }

  const now = new Date();
  const nowDb = toDbTime(now);
  const throughputBps = push.throughput_bps ?? Number(job.transfer_speed_bps ?? 0);
  let bytes = push.bytes_transferred;
  let total = push.total_bytes;

  if (push.disk_id) {
    const diskValues = {
      bytes_transferred: push.bytes_transferred,
      total_bytes: push.total_bytes,
      status: DISK_STATUS[push.status] ?? 'syncing',
      throughput_bps: Math.round(throughputBps),
      updated_at: nowDb,
    };
    if (disk) {
      await trx
        .updateTable('omi_disk_progress')
        .set(diskValues)
        .where('job_id', '=', jobId)
        .where('disk_id', '=', push.disk_id)
        .execute();
    } else {
      await trx
        .insertInto('omi_disk_progress')
        .values({ job_id: jobId, disk_id: push.disk_id, ...diskValues })
        .execute();
    }
    // The job's totals are the sum over the disks reported so far.
    const sums = await trx
      .selectFrom('omi_disk_progress')
      .select([
        (e) => e.fn.sum<number>('bytes_transferred').as('bytes'),
        (e) => e.fn.sum<number>('total_bytes').as('total'),
      ])
      .where('job_id', '=', jobId)
      .executeTakeFirstOrThrow();
    bytes = Number(sums.bytes ?? 0);
    // Disks not reported yet still count: the job's size as the OMA planned it is the floor.
    total = Math.max(Number(sums.total ?? 0), Number(job.total_bytes ?? 0));
    if (vmDiskStatusChanges(push.status)) {
      await trx
        .updateTable('vm_disks')
        .set({
          sync_status: diskValues.status,
          sync_progress_percent: round2(percentOf(push.bytes_transferred, push.total_bytes)),
          bytes_synced: push.bytes_transferred,
          updated_at: nowDb,
        })
        .where('vm_context_id', '=', job.vm_context_id)
        .where('disk_id', '=', push.disk_id)
        .execute();
    }
  }

  const status = jobStatusFor(push.status, push.stage);
  const ended = status === 'completed' ? 'completed' : status === 'failed' ? 'failed' : null;
  bytes = Math.max(bytes, Number(job.bytes_transferred ?? 0));
  const computed = push.disk_id || push.percent === undefined ? percentOf(bytes, total) : push.percent;
  const percent = round2(ended === 'completed' ? 100 : Math.max(jobPercent, computed));
  const eta = ended ? 0 : etaSeconds(bytes, total, throughputBps);

  const update: ReplicationJobUpdate = {
    status,
    progress_percent: percent,
    bytes_transferred: bytes,
    total_bytes: total,
    transfer_speed_bps: Math.round(throughputBps),
    vma_throughput_mbps: toMBps(throughputBps),
    vma_eta_seconds: eta,
    vma_current_phase: push.stage,
    current_operation: push.stage,
    vma_sync_type: push.sync_type ?? job.vma_sync_type,
    vma_last_poll_at: nowDb,
    updated_at: nowDb,
    started_at: job.started_at ?? nowDb,
  };
  if (ended) update.completed_at = nowDb;
  if (ended === 'failed') {
    update.error_message = push.error_message ?? 'The migration engine reported a failure without a message';
    update.vma_error_classification = push.error_classification ?? 'system';
    update.vma_error_details = push.error_message ?? null;
  }
  await trx.updateTable('replication_jobs').set(update).where('id', '=', jobId).execute();

  const errors: string[] = progress?.errors ? JSON.parse(progress.errors) : [];
  if (push.error_message) errors.push(push.error_message);
  const progressValues = {
    stage: push.stage,
    vma_status: push.status,
    phase_started_at: progress && progress.stage === push.stage ? progress.phase_started_at : nowDb,
    peak_bps: Math.max(Number(progress?.peak_bps ?? 0), Math.round(throughputBps)),
    last_push_at: nowDb,
    errors: errors.length ? JSON.stringify(errors.slice(-20)) : null,
  };
  if (progress)
    await trx.updateTable('omi_job_progress').set(progressValues).where('job_id', '=', jobId).execute();
  else
    await trx
      .insertInto('omi_job_progress')
      .values({ job_id: jobId, ...progressValues })
      .execute();

  if (job.vm_context_id) await updateContext(trx, job.vm_context_id, jobId, ended, nowDb);
  if (ended && job.vm_context_id) {
    await trx
      .updateTable('vm_disks')
      .set({
        sync_status: ended,
        ...(ended === 'completed' ? { sync_progress_percent: 100 } : {}),
        updated_at: nowDb,
      })
      .where('vm_context_id', '=', job.vm_context_id)
      .where('job_id', '=', jobId)
      .execute();
  }

  return {
    result: { job_id: jobId, applied: true, status, progress_percent: percent },
    ended,
    error:
      ended === 'failed'
        ? { message: update.error_message ?? null, classification: update.vma_error_classification ?? null }
        : undefined,
    event: {
      job_id: jobId,
      vm_name: job.source_vm_name,
      context_id: job.vm_context_id,
      status,
      phase: push.stage,
      percentage: percent,
      bytes_transferred: bytes,
      total_bytes: total,
      throughput_mbps: toMBps(throughputBps),
      eta_seconds: eta,
      ...(push.disk_id ? { disk_id: push.disk_id } : {}),
    },
  };
}

const vmDiskStatusChanges = (status: VmaStatus) =>
  status === 'Streaming' || status === 'Succeeded' || status === 'Failed';

/** OMA lifecycle: a running job keeps its VM "replicating"; its end sets counters and status. */
async function updateContext(
  trx: Kysely<Database>,
  contextId: string,
  jobId: string,
  ended: Applied['ended'],
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
}

export async function applyProgressPush(
  store: Db,
  bus: EventBus,
  jobId: string,
  push: ProgressPush,
): Promise<PushResult> {
  const outcome = await store.db
    .transaction()
    .execute((trx) => applyInTransaction(trx, store.dialect, jobId, push));
  if (!('event' in outcome)) return outcome;
  // Published after commit, so subscribers never see a change that was rolled back.
  await bus.publish('progress_update', outcome.event);
  if (outcome.ended === 'completed') await bus.publish('job_complete', outcome.event);
  if (outcome.ended === 'failed') {
    await bus.publish('job_failed', {
      ...outcome.event,
      error_message: outcome.error?.message ?? null,
      error_classification: outcome.error?.classification ?? null,
    });
  }
  return outcome.result;
}
