// Pure rules for progress pushes: which pushes apply, what they change. No I/O.
import {
  ETA_CAP_SECONDS,
  TERMINAL_JOB_STATUSES,
  VMA_STAGES,
  type JobStatus,
  type ProgressPush,
  type VmaStage,
  type VmaStatus,
} from '@oma-insights/contracts';

export interface CurrentProgress {
  jobStatus: string;
  /** null until the first push for this job. */
  stage: VmaStage | null;
  vmaStatus: VmaStatus | null;
  /** Bytes of the unit this push reports on: the disk when disk_id is given, else the job. */
  bytes: number;
  percent: number;
}

export type PushDecision = { apply: true } | { apply: false; reason: 'job_finished' | 'late' | 'duplicate' };

const stageIndex = (stage: VmaStage | null) => (stage === null ? -1 : VMA_STAGES.indexOf(stage));

/** Progress never moves backwards: late pushes (earlier stage, fewer bytes) and repeats change nothing. */
export function decidePush(current: CurrentProgress, push: ProgressPush): PushDecision {
  if ((TERMINAL_JOB_STATUSES as readonly string[]).includes(current.jobStatus))
    return { apply: false, reason: 'job_finished' };
  const [was, now] = [stageIndex(current.stage), stageIndex(push.stage)];
  if (now < was) return { apply: false, reason: 'late' };
  if (now === was) {
    if (push.bytes_transferred < current.bytes) return { apply: false, reason: 'late' };
    const terminal = push.status === 'Succeeded' || push.status === 'Failed';
    if (push.bytes_transferred === current.bytes && push.status === current.vmaStatus && !terminal) {
      return { apply: false, reason: 'duplicate' };
    }
  }
  return { apply: true };
}

/** OMA job status for a VMA status at a stage. */
export function jobStatusFor(status: VmaStatus, stage: VmaStage): JobStatus {
  switch (status) {
    case 'Queued':
      return 'pending';
    case 'Preparing':
      return stage === 'PrepareVolumes' || stage === 'StartExports' ? 'provisioning' : 'initializing';
    case 'Snapshotting':
      return 'snapshotting';
    case 'Streaming':
      return 'replicating';
    case 'Finalizing':
      return 'finalizing';
    case 'Succeeded':
      return 'completed';
    case 'Failed':
      return 'failed';
  }
}

export function percentOf(bytes: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, (bytes / total) * 100));
}

/** Remaining bytes / throughput, capped as the VMA caps it; null when nothing moves. */
export function etaSeconds(bytes: number, total: number, throughputBps: number): number | null {
  if (throughputBps <= 0 || total <= 0) return null;
  return Math.min(ETA_CAP_SECONDS, Math.max(0, Math.round((total - bytes) / throughputBps)));
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
/** Bytes per second -> MB/s (the VMA's `mbps` fields are megabytes per second). */
export const toMBps = (bps: number) => round2(bps / 1_000_000);
