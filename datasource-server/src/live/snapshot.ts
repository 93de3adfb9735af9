// The progress channel's opening message: every job the OMA has not finished, in the same shape
// as the progress_update events that follow it.
import { TERMINAL_JOB_STATUSES } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import type { ReplicationJobRow } from '../db/schema';
import type { ProgressEventData } from '../events/bus';
import { etaSeconds, round2, toMBps } from '../progress/rules';
import { matchesJob, type ProgressFilter } from './filters';

export async function activeJobs(store: Db, filter: ProgressFilter): Promise<ProgressEventData[]> {
  let query = store.db
    .selectFrom('replication_jobs')
    .select([
      'id',
      'source_vm_name',
      'vm_context_id',
      'status',
      'current_operation',
      'progress_percent',
      'bytes_transferred',
      'total_bytes',
      'transfer_speed_bps',
    ])
    .where('status', 'not in', TERMINAL_JOB_STATUSES)
    .orderBy('id');
  if (filter.job !== undefined) query = query.where('id', '=', filter.job);
  const rows = await query.execute();
  return rows.map(jobProgress).filter((job) => matchesJob(job, filter));
}

/** The columns of a replication_jobs row that a progress event is made of. */
export type JobProgressRow = Pick<
  ReplicationJobRow,
  | 'id'
  | 'source_vm_name'
  | 'vm_context_id'
  | 'status'
  | 'current_operation'
  | 'progress_percent'
  | 'bytes_transferred'
  | 'total_bytes'
  | 'transfer_speed_bps'
>;

/** A job's row as a progress event, the shape ingest publishes. */
export function jobProgress(row: JobProgressRow): ProgressEventData {
  const bytes = Number(row.bytes_transferred ?? 0);
  const total = Number(row.total_bytes ?? 0);
  const bps = Number(row.transfer_speed_bps ?? 0);
  return {
    job_id: row.id,
    vm_name: row.source_vm_name,
    context_id: row.vm_context_id,
    status: row.status ?? 'unknown',
    phase: row.current_operation,
    percentage: round2(Number(row.progress_percent ?? 0)),
    bytes_transferred: bytes,
    total_bytes: total,
    throughput_mbps: toMBps(bps),
    eta_seconds: etaSeconds(bytes, total, bps),
  };
}
