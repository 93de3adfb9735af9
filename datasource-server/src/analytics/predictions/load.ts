// Reads what the model learns from: VM contexts, their disks, finished jobs and the CBT copy time
// of each job; and replays them into a model.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import { SyncModel, type JobRecord, type SyncType, type VmFacts } from './model';
import { jobRecords, vmFacts, type JobRow } from './records';

/** How much history the model learns from: enough for every VM's recent syncs and the hour factors. */
export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
export const FINISHED_STATUSES = ['completed', 'failed', 'cancelled'];
/** The OMA's statuses of a job not finished yet. */
export const ACTIVE_STATUSES = [
  'pending',
  'initializing',
  'provisioning',
  'ready_for_sync',
  'replicating',
  'snapshotting',
  'finalizing',
];

/**
 * The first start a model trained as of `at` learns from: midnight UTC of `at`'s day, HISTORY_DAYS
 * back. Whole days, so a model kept current through the day has the same history as a fresh one.
 */
export const historyStart = (at: number) => Math.floor(at / DAY_MS) * DAY_MS - HISTORY_DAYS * DAY_MS;

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

/** Every VM's facts from its disks. */
export async function loadFacts(db: Kysely<Database>, vms: VmRow[]): Promise<VmFacts[]> {
  const disks = await db
    .selectFrom('vm_disks')
    .select(['vm_context_id', 'disk_id', 'datastore', 'capacity_bytes', 'size_gb'])
    .execute();
  // The OMA may keep a disk row per job: each disk counts once.
  const seen = new Set<string>();
  const uniqueDisks = disks.filter((d) => {
    const key = `${d.vm_context_id}\u0000${d.disk_id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return vmFacts(vms, uniqueDisks);
}

const JOB_COLUMNS = [
  'id',
  'vm_context_id',
  'replication_type',
  'status',
  'started_at',
  'completed_at',
  'total_bytes',
  'bytes_transferred',
] as const;

/** Seconds copied per job (CBT rows are written as each disk finishes, after the job started). */
async function copySeconds(db: Kysely<Database>, since: string, jobIds?: string[]) {
  if (jobIds && !jobIds.length) return new Map<string, number>();
  const rows = await db
    .selectFrom('cbt_history')
    .select((eb) => ['job_id', eb.fn.sum<number | string>('sync_duration_seconds').as('seconds')])
    .where('created_at', '>=', since)
    .where('sync_duration_seconds', 'is not', null)
    .$if(jobIds !== undefined, (q) => q.where('job_id', 'in', jobIds ?? []))
    .groupBy('job_id')
    .execute();
  return new Map(rows.map((c) => [c.job_id, Number(c.seconds)]));
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
  const [facts, rows, copies] = await Promise.all([
    loadFacts(db, vms),
    db
      .selectFrom('replication_jobs')
      .select(JOB_COLUMNS)
      .where('status', 'in', FINISHED_STATUSES)
      .where('started_at', '>=', from)
      .where('started_at', '<=', to)
      .execute(),
    copySeconds(db, from),
  ]);
  return { facts, jobs: jobRecords(rows, copies, time) };
}

/** A job still running: the model predicts it at its start, to learn from its error once it ends. */
export interface RunningJob {
  id: string;
  vm: string;
  type: SyncType;
  startedMs: number;
}

type ReplayEvent = { at: number; id: string } & (
  { start: true; vm: string; type: SyncType } | { start: false; job: JobRecord }
);

/**
 * The replay's events in (after, until], in time order: each completed (or still running) job is
 * predicted as it starts, each finished job observed as it ends; at the same instant starts before
 * ends, then by job id.
 */
export function replayEvents(
  jobs: JobRecord[],
  running: RunningJob[],
  after: number,
  until: number,
): ReplayEvent[] {
  const finished = new Set(jobs.map((job) => job.id));
  const events: ReplayEvent[] = [
    ...jobs
      .filter((job) => job.status === 'completed')
      .map((job) => ({ at: job.startedMs, id: job.id, start: true as const, vm: job.vm, type: job.type })),
    ...running
      .filter((job) => !finished.has(job.id))
      .map((job) => ({ at: job.startedMs, id: job.id, start: true as const, vm: job.vm, type: job.type })),
    ...jobs.map((job) => ({ at: job.completedMs, id: job.id, start: false as const, job })),
  ];
  return events
    .filter((e) => e.at > after && e.at <= until)
    .sort(
      (a, b) => a.at - b.at || Number(b.start) - Number(a.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

export function replay(model: SyncModel, events: ReplayEvent[]) {
  for (const e of events) {
    if (e.start) model.predict(e.vm, e.at, e.type, e.id);
    else model.observe(e.job);
  }
}

/** A fresh model that has seen every job finished by `at` and started since historyStart(at). */
export async function trainedModel(db: Kysely<Database>, time: DbTime, vms: VmRow[], at: number) {
  const { facts, jobs } = await loadHistory(db, time, vms, historyStart(at), at);
  const model = new SyncModel(facts);
  replay(model, replayEvents(jobs, [], -Infinity, at));
  return model;
}

/** Jobs not finished yet, started in [since, until]. */
export async function loadRunning(
  db: Kysely<Database>,
  time: DbTime,
  since: number,
  until: number,
): Promise<RunningJob[]> {
  const rows = await db
    .selectFrom('replication_jobs')
    .select(['id', 'vm_context_id', 'replication_type', 'started_at'])
    .where('status', 'in', ACTIVE_STATUSES)
    .where('started_at', '>=', time.toDb(since))
    .where('started_at', '<=', time.toDb(until))
    .execute();
  const running: RunningJob[] = [];
  for (const row of rows) {
    const startedMs = time.toMs(row.started_at);
    if (!row.vm_context_id || startedMs === null) continue;
    const type = row.replication_type === 'initial' ? 'initial' : 'incremental';
    running.push({ id: row.id, vm: row.vm_context_id, type, startedMs });
  }
  return running;
}

/**
 * Jobs that finished after `after` (the OMA's (status, completed_at) index) and started since
 * `since`, with their copy seconds read for just those jobs (cbt_history.job_id index).
 */
export async function loadFinishedAfter(
  db: Kysely<Database>,
  time: DbTime,
  since: number,
  after: number,
): Promise<JobRecord[]> {
  const rows: JobRow[] = await db
    .selectFrom('replication_jobs')
    .select(JOB_COLUMNS)
    .where('status', 'in', FINISHED_STATUSES)
    .where('completed_at', '>', time.toDb(after))
    .where('started_at', '>=', time.toDb(since))
    .execute();
  const copies = new Map<string, number>();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    for (const [id, s] of await copySeconds(db, time.toDb(since), ids.slice(i, i + 500))) copies.set(id, s);
  }
  return jobRecords(rows, copies, time);
}

/** The newest updated_at of a finished job (one index lookup per status), epoch ms. */
export async function lastFinishedUpdate(db: Kysely<Database>, time: DbTime): Promise<number> {
  const rows = await Promise.all(
    FINISHED_STATUSES.map((status) =>
      db
        .selectFrom('replication_jobs')
        .select((eb) => eb.fn.max('updated_at').as('updated'))
        .where('status', '=', status)
        .executeTakeFirst(),
    ),
  );
  return Math.max(...rows.map((r) => time.toMs(r?.updated) ?? -Infinity));
}

/** Finished jobs started since `since` whose row changed after `after` (status + updated_at index). */
export async function finishedUpdatedAfter(
  db: Kysely<Database>,
  time: DbTime,
  since: number,
  after: number,
): Promise<{ completedMs: number | null; updatedMs: number | null }[]> {
  const rows = await db
    .selectFrom('replication_jobs')
    .select(['completed_at', 'updated_at'])
    .where('status', 'in', FINISHED_STATUSES)
    .where('updated_at', '>', time.toDb(after))
    .where('started_at', '>=', time.toDb(since))
    .execute();
  return rows.map((r) => ({ completedMs: time.toMs(r.completed_at), updatedMs: time.toMs(r.updated_at) }));
}
