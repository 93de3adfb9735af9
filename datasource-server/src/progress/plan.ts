// What a progress push changes: the job, its per-job and per-disk progress rows, the VM's disk
// rows and its context, computed from their current state. Pure; ingest.ts reads and writes.
import type { ProgressPush, VmaStage, VmaStatus } from '@oma-insights/contracts';
import type {
  OmiDiskProgressTable,
  OmiJobProgressTable,
  ReplicationJobRow,
  ReplicationJobUpdate,
} from '../db/schema';
import type { ProgressEventData } from '../events/bus';
import { decidePush, etaSeconds, jobStatusFor, percentOf, round2, toMBps } from './rules';

export interface PushResult {
  job_id: string;
  applied: boolean;
  reason?: string;
  status: string;
  progress_percent: number;
}

/** The rows a push is applied to, as read (and locked) before planning. */
export interface PushState {
  job: ReplicationJobRow;
  progress: OmiJobProgressTable | undefined;
  /** Every disk reported for this job so far. */
  disks: OmiDiskProgressTable[];
}

export type JobEnd = 'completed' | 'failed';

export interface AppliedPlan {
  applied: true;
  result: PushResult;
  job: ReplicationJobUpdate;
  progress: OmiJobProgressTable;
  /** The reported disk's progress row, when the push names a disk. */
  disk?: OmiDiskProgressTable;
  /** The reported disk's OMA `vm_disks` columns, when its sync status changes. */
  vmDisk?: { disk_id: string; sync_status: string; sync_progress_percent: number; bytes_synced: number };
  /** null while the job runs. */
  ended: JobEnd | null;
  failure?: { message: string; classification: string };
  event: ProgressEventData;
}

export type PushPlan = { applied: false; result: PushResult } | AppliedPlan;

const DISK_STATUS: Partial<Record<VmaStatus, string>> = { Succeeded: 'completed', Failed: 'failed' };
const VM_DISK_STATUS_CHANGES: readonly VmaStatus[] = ['Streaming', 'Succeeded', 'Failed'];

/** Recent copier errors kept per job: the last 20, and no more than fits a TEXT column. */
export const MAX_KEPT_ERRORS = 20;
export const MAX_ERRORS_BYTES = 60_000;

export function keepErrors(previous: string[], message: string | undefined): string[] {
  const errors = message ? [...previous, message] : [...previous];
  while (
    errors.length > MAX_KEPT_ERRORS ||
    (errors.length > 1 && Buffer.byteLength(JSON.stringify(errors)) > MAX_ERRORS_BYTES)
  ) {
    errors.shift();
  }
  return errors;
}

export function parseErrors(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

export function planPush(state: PushState, push: ProgressPush, now: string): PushPlan {
  const { job, progress } = state;
  const jobId = job.id;
  const jobPercent = Number(job.progress_percent ?? 0);
  const reported = push.disk_id ? state.disks.find((d) => d.disk_id === push.disk_id) : undefined;
  const decision = decidePush(
    {
      jobStatus: job.status ?? 'pending',
      stage: (progress?.stage as VmaStage | undefined) ?? null,
      vmaStatus: (progress?.vma_status as VmaStatus | undefined) ?? null,
      bytes: push.disk_id ? Number(reported?.bytes_transferred ?? -1) : Number(job.bytes_transferred ?? 0),
      percent: jobPercent,
    },
    push,
  );
  if (!decision.apply) {
    return {
      applied: false,
      result: {
        job_id: jobId,
        applied: false,
        reason: decision.reason,
        status: job.status ?? 'pending',
        progress_percent: jobPercent,
      },
    };
  }

  const throughputBps = Math.round(push.throughput_bps ?? Number(job.transfer_speed_bps ?? 0));
  let bytes = push.bytes_transferred;
  let total = push.total_bytes;
  let disk: OmiDiskProgressTable | undefined;
  let vmDisk: AppliedPlan['vmDisk'];
  if (push.disk_id) {
    disk = {
      job_id: jobId,
      disk_id: push.disk_id,
      bytes_transferred: push.bytes_transferred,
      total_bytes: push.total_bytes,
      status: DISK_STATUS[push.status] ?? 'syncing',
      throughput_bps: throughputBps,
      updated_at: now,
    };
    // The job's totals are the sum over the disks reported so far, this one as pushed.
    const disks = [...state.disks.filter((d) => d.disk_id !== push.disk_id), disk];
    bytes = disks.reduce((sum, d) => sum + Number(d.bytes_transferred), 0);
    // Disks not reported yet still count: the job's size as the OMA planned it is the floor.
    total = Math.max(
      disks.reduce((sum, d) => sum + Number(d.total_bytes), 0),
      Number(job.total_bytes ?? 0),
    );
    if (VM_DISK_STATUS_CHANGES.includes(push.status)) {
      vmDisk = {
        disk_id: push.disk_id,
        sync_status: disk.status,
        sync_progress_percent: round2(percentOf(push.bytes_transferred, push.total_bytes)),
        bytes_synced: push.bytes_transferred,
      };
    }
  }

  const status = jobStatusFor(push.status, push.stage);
  const ended: JobEnd | null = status === 'completed' || status === 'failed' ? status : null;
  bytes = Math.max(bytes, Number(job.bytes_transferred ?? 0));
  const computed = push.disk_id || push.percent === undefined ? percentOf(bytes, total) : push.percent;
  const percent = round2(ended === 'completed' ? 100 : Math.max(jobPercent, computed));
  const eta = ended ? 0 : etaSeconds(bytes, total, throughputBps);
  const failure =
    ended === 'failed'
      ? {
          message: push.error_message ?? 'The migration engine reported a failure without a message',
          classification: push.error_classification ?? 'system',
        }
      : undefined;

  const jobUpdate: ReplicationJobUpdate = {
    status,
    progress_percent: percent,
    bytes_transferred: bytes,
    total_bytes: total,
    transfer_speed_bps: throughputBps,
    vma_throughput_mbps: toMBps(throughputBps),
    vma_eta_seconds: eta,
    vma_current_phase: push.stage,
    current_operation: push.stage,
    vma_sync_type: push.sync_type ?? job.vma_sync_type,
    vma_last_poll_at: now,
    updated_at: now,
    started_at: job.started_at ?? now,
    ...(ended ? { completed_at: now } : {}),
    ...(failure
      ? {
          error_message: failure.message,
          vma_error_classification: failure.classification,
          vma_error_details: push.error_message ?? null,
        }
      : {}),
  };

  const errors = keepErrors(parseErrors(progress?.errors), push.error_message);
  return {
    applied: true,
    result: { job_id: jobId, applied: true, status, progress_percent: percent },
    job: jobUpdate,
    progress: {
      job_id: jobId,
      stage: push.stage,
      vma_status: push.status,
      phase_started_at: progress && progress.stage === push.stage ? progress.phase_started_at : now,
      peak_bps: Math.max(Number(progress?.peak_bps ?? 0), throughputBps),
      last_push_at: now,
      errors: errors.length ? JSON.stringify(errors) : null,
    },
    disk,
    vmDisk,
    ended,
    failure,
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
