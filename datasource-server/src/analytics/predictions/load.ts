// Reads what the model learns from: VM contexts, their disks, finished jobs and the CBT copy time
// of each job.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import { SyncModel, type JobRecord, type VmFacts } from './model';
import { jobRecords, vmFacts } from './records';

/** How much history the model learns from: enough for every VM's recent syncs and the hour factors. */
export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

export interface VmRow {
  context_id: string;
  vm_name: string;
  vcenter_host: string;
  datacenter: string;
  current_status: string;
  next_scheduled_at: string | null;
}

export async function loadVms(db: Kysely<Database>): Promise<VmRow[]> {
  return db
    .selectFrom('vm_replication_contexts')
    .select(['context_id', 'vm_name', 'vcenter_host', 'datacenter', 'current_status', 'next_scheduled_at'])
    .orderBy('vm_name')
    .orderBy('context_id')
    .execute();
}

export interface History {
  facts: VmFacts[];
  jobs: JobRecord[];
}

/** Finished jobs started in [since, until], with every VM's facts. */
export async function loadHistory(
  db: Kysely<Database>,
  time: DbTime,
  vms: VmRow[],
  since: number,
  until: number,
): Promise<History> {
  const [from, to] = [time.toDb(since), time.toDb(until)];
  const [disks, rows, copies] = await Promise.all([
    db
      .selectFrom('vm_disks')
      .select(['vm_context_id', 'disk_id', 'datastore', 'capacity_bytes', 'size_gb'])
      .execute(),
    db
      .selectFrom('replication_jobs')
      .select([
        'id',
        'vm_context_id',
        'replication_type',
        'status',
        'started_at',
        'completed_at',
        'total_bytes',
        'bytes_transferred',
      ])
      .where('status', 'in', ['completed', 'failed', 'cancelled'])
      .where('started_at', '>=', from)
      .where('started_at', '<=', to)
      .execute(),
    // Copy time per job: CBT rows are written as each disk finishes, after the job started.
    db
      .selectFrom('cbt_history')
      .select((eb) => ['job_id', eb.fn.sum<number | string>('sync_duration_seconds').as('seconds')])
      .where('created_at', '>=', from)
      .where('sync_duration_seconds', 'is not', null)
      .groupBy('job_id')
      .execute(),
  ]);
  // The OMA may keep a disk row per job: each disk counts once.
  const seen = new Set<string>();
  const uniqueDisks = disks.filter((d) => {
    const key = `${d.vm_context_id}\u0000${d.disk_id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const copySeconds = new Map(copies.map((c) => [c.job_id, Number(c.seconds)]));
  return { facts: vmFacts(vms, uniqueDisks), jobs: jobRecords(rows, copySeconds, time) };
}

/** A model that has seen every job finished by `at` in the last HISTORY_DAYS. */
export async function trainedModel(db: Kysely<Database>, time: DbTime, vms: VmRow[], at: number) {
  const { facts, jobs } = await loadHistory(db, time, vms, at - HISTORY_DAYS * DAY_MS, at);
  const model = new SyncModel(facts);
  // In time order, predicting each job as it started (a start before a finish at the same instant,
  // as in the backtest): the interval learns from its errors.
  const events = [
    ...jobs.map((job) => ({ at: job.startedMs, start: true, job })),
    ...jobs.filter((job) => job.completedMs <= at).map((job) => ({ at: job.completedMs, start: false, job })),
  ].sort((a, b) => a.at - b.at || Number(b.start) - Number(a.start));
  for (const e of events) {
    if (e.start) {
      if (e.job.status === 'completed') model.predict(e.job.vm, e.job.startedMs, e.job.type, e.job.id);
    } else model.observe(e.job);
  }
  return model;
}
