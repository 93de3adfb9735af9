// Builds the VMA progress shape from OMA rows plus our per-job progress state. Pure.
import type { JobProgress, VmaStatus } from '@oma-insights/contracts';
import type {
  CbtHistoryRow,
  OmiDiskProgressTable,
  OmiJobProgressTable,
  ReplicationJobRow,
  VmDiskRow,
} from '../db/schema';
import type { DbTime } from '../db/time';
import { parseErrors } from './plan';
import { etaSeconds, percentOf, round2, toMBps } from './rules';

const VMA_STATUS_OF_JOB: Record<string, VmaStatus> = {
  pending: 'Queued',
  initializing: 'Preparing',
  provisioning: 'Preparing',
  ready_for_sync: 'Preparing',
  snapshotting: 'Snapshotting',
  replicating: 'Streaming',
  finalizing: 'Finalizing',
  completed: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Failed',
};

export interface ProgressSources {
  job: ReplicationJobRow;
  progress?: OmiJobProgressTable;
  diskProgress: OmiDiskProgressTable[];
  /** Used for jobs that ran before this server saw pushes (e.g. history). */
  cbt: CbtHistoryRow[];
  disks: VmDiskRow[];
  now: number;
  time: DbTime;
}

const diskStatus = (status: string): 'pending' | 'syncing' | 'completed' | 'failed' =>
  status === 'completed' || status === 'failed' || status === 'syncing' ? status : 'pending';

export function buildJobProgress({
  job,
  progress,
  diskProgress,
  cbt,
  disks,
  now,
  time,
}: ProgressSources): JobProgress {
  const label = new Map(disks.map((d) => [d.disk_id, d.label]));
  const bytes = Number(job.bytes_transferred ?? 0);
  const total = Number(job.total_bytes ?? 0);
  const currentBps = Number(job.transfer_speed_bps ?? 0);
  const startMs = time.toMs(job.started_at);
  const endMs = time.toMs(job.completed_at) ?? now;
  const elapsedMs = startMs === null ? 0 : Math.max(0, endMs - startMs);
  const averageBps = elapsedMs > 0 ? bytes / (elapsedMs / 1000) : 0;
  const finished = job.completed_at !== null;
  const phaseStartMs = time.toMs(progress?.phase_started_at);

  const diskProgresses = diskProgress.length
    ? diskProgress.map((d) => ({
        disk_id: d.disk_id,
        label: label.get(d.disk_id) ?? null,
        bytes_transferred: Number(d.bytes_transferred),
        total_bytes: Number(d.total_bytes),
        percent: round2(percentOf(Number(d.bytes_transferred), Number(d.total_bytes))),
        throughput_mbps: toMBps(Number(d.throughput_bps)),
        status: diskStatus(d.status),
      }))
    : cbt.map((row) => {
        const moved = Number(row.bytes_transferred ?? 0);
        const seconds = Number(row.sync_duration_seconds ?? 0);
        return {
          disk_id: row.disk_id,
          label: label.get(row.disk_id) ?? null,
          bytes_transferred: moved,
          total_bytes: moved,
          percent: row.sync_success ? 100 : 0,
          throughput_mbps: seconds > 0 ? toMBps(moved / seconds) : 0,
          status: row.sync_success ? ('completed' as const) : ('failed' as const),
        };
      });

  const errors: string[] = progress?.errors
    ? parseErrors(progress.errors)
    : job.error_message
      ? [job.error_message]
      : [];
  return {
    job_id: job.id,
    status:
      (progress?.vma_status as VmaStatus | undefined) ??
      VMA_STATUS_OF_JOB[job.status ?? 'pending'] ??
      'Queued',
    sync_type: job.vma_sync_type ?? job.replication_type,
    phase: progress?.stage ?? job.vma_current_phase ?? job.current_operation,
    percentage: round2(Number(job.progress_percent ?? 0)),
    current_operation: job.current_operation,
    bytes_transferred: bytes,
    total_bytes: total,
    throughput: {
      current_mbps: finished ? 0 : toMBps(currentBps),
      average_mbps: toMBps(averageBps),
      peak_mbps: toMBps(Math.max(Number(progress?.peak_bps ?? 0), currentBps, averageBps)),
      last_update: time.toIso(progress?.last_push_at ?? job.updated_at),
    },
    timing: {
      start_time: time.toIso(job.started_at),
      last_update: time.toIso(job.updated_at),
      elapsed_ms: elapsedMs,
      phase_start: time.toIso(progress?.phase_started_at ?? null),
      phase_elapsed_ms: phaseStartMs === null ? 0 : Math.max(0, (finished ? endMs : now) - phaseStartMs),
      eta_seconds: finished ? 0 : etaSeconds(bytes, total, currentBps),
    },
    errors,
    last_error: errors[errors.length - 1] ?? null,
    disk_progresses: diskProgresses,
  };
}
