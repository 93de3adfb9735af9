// The detectors' decisions: which running jobs are stalled, whether failures come in a burst.
// Pure: run.ts reads the rows and raises the notifications. Each notice carries a dedup key, so
// a detector that sees the same situation at every run notifies it once.
import { clip, dedupKey, jobLinks, MAX_MESSAGE, MAX_TITLE, type NoticeDraft } from '../notifications/notices';

export interface DetectorConfig {
  /** Minutes a running job may go without progress (STALLED_JOB_MINUTES); 0 turns it off. */
  stalledMinutes: number;
  /** Failures that make a burst (FAILURE_BURST_COUNT); 0 turns it off. */
  burstCount: number;
  /** ... within this many minutes (FAILURE_BURST_MINUTES). */
  burstMinutes: number;
}

const MINUTE_MS = 60_000;

export interface RunningJob {
  id: string;
  vm_name: string;
  status: string;
  phase: string | null;
  percentage: number;
  /** When it last moved: updated_at (the OMA and ingest set it with every change), else its start. */
  lastProgressMs: number;
}

/**
 * Running jobs without progress for `minutes`. The key holds the time it last moved: a job
 * that moves and stalls again is a new stall; the same stall seen at every run is one notice.
 */
export function stalledJobs(jobs: RunningJob[], now: number, minutes: number): NoticeDraft[] {
  if (minutes <= 0) return [];
  return jobs
    .filter((job) => now - job.lastProgressMs >= minutes * MINUTE_MS)
    .map((job) => {
      const idle = Math.floor((now - job.lastProgressMs) / MINUTE_MS);
      return {
        severity: 'warning' as const,
        title: clip(`Replication stalled: ${job.vm_name}`, MAX_TITLE),
        message: clip(
          `No progress for ${idle} minutes (job ${job.id}, ${job.status}${job.phase ? `, ${job.phase}` : ''}, ${job.percentage}%; last change ${new Date(job.lastProgressMs).toISOString()})`,
          MAX_MESSAGE,
        ),
        source: 'stalled_job',
        vm_name: job.vm_name,
        job_id: job.id,
        links: jobLinks(job.vm_name, job.id),
        dedup_key: dedupKey('stalled_job', job.id, String(job.lastProgressMs)),
      };
    });
}

export interface Failure {
  id: string;
  vm_name: string;
  completedMs: number;
  classification: string | null;
}

/**
 * A burst: at least `count` failures within the last `minutes`, counting only failures after
 * the previous burst notice (`lastBurstMs`): a storm is notified once, and again only when
 * `count` more failures arrive within the window.
 */
export function failureBurst(
  failures: Failure[],
  now: number,
  config: Pick<DetectorConfig, 'burstCount' | 'burstMinutes'>,
  lastBurstMs: number | null,
): NoticeDraft | null {
  if (config.burstCount <= 0) return null;
  const from = Math.max(now - config.burstMinutes * MINUTE_MS, lastBurstMs ?? -Infinity);
  const burst = failures
    .filter((f) => f.completedMs > from && f.completedMs <= now)
    .sort((a, b) => a.completedMs - b.completedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (burst.length < config.burstCount) return null;
  const classes = new Map<string, number>();
  for (const f of burst) {
    const c = f.classification ?? 'unclassified';
    classes.set(c, (classes.get(c) ?? 0) + 1);
  }
  const vms = [...new Set(burst.map((f) => f.vm_name))];
  const shown = vms.slice(0, 10).join(', ') + (vms.length > 10 ? ` and ${vms.length - 10} more` : '');
  const byClass = [...classes]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return {
    severity: 'critical',
    title: clip(`${burst.length} replications failed within ${config.burstMinutes} minutes`, MAX_TITLE),
    message: clip(`By error class: ${byClass}. VMs: ${shown}.`, MAX_MESSAGE),
    source: 'failure_burst',
    vm_name: vms.length === 1 ? vms[0] : null,
    job_id: null,
    links: vms.length === 1 ? jobLinks(vms[0], null) : [],
    dedup_key: dedupKey('failure_burst', burst[0].id, String(burst[0].completedMs)),
  };
}
