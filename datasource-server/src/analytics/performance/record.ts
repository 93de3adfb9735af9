// Writes omi_migration_analytics: one row per finished replication job with its performance, the
// VMA load folded from its pushes (omi_job_load) and the server's health samples over its run.
// Rows are upserted, so recording a job again (another instance, the backfill) changes nothing.
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { ProgressPush } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { inTransaction, upsert } from '../../db/dialect';
import { SERVER_LOAD_FIGURES, type Database, type OmiMigrationAnalyticsTable } from '../../db/schema';
import { FINISHED_STATUSES } from '../rollups/job-facts';
import { carriesLoad, foldLoad, jobThroughput, summariseLoad } from './job-load';

/** Inside the push's transaction (the job row is locked): folds the push's load figures into the job's row. */
export async function saveJobLoad(
  trx: Transaction<Database>,
  store: Db,
  jobId: string,
  push: ProgressPush,
  now: string,
) {
  if (!carriesLoad(push)) return;
  const previous = await trx
    .selectFrom('omi_job_load')
    .selectAll()
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  const row = foldLoad(previous, push, now);
  if (!row) return;
  row.job_id = jobId;
  await upsert(
    trx.insertInto('omi_job_load').values(row),
    store.dialect,
    ['job_id'],
    Object.keys(row).filter((c) => c !== 'job_id') as never,
  ).execute();
}

type AnalyticsRow = OmiMigrationAnalyticsTable;
const UPDATED_COLUMNS = (row: AnalyticsRow) =>
  Object.keys(row).filter((c) => c !== 'job_id') as (keyof AnalyticsRow & string)[];

/** Server figures over [fromMs, toMs]; null figures without samples. */
async function serverLoad(store: Db, fromMs: number, toMs: number) {
  const row = await store.db
    .selectFrom('omi_health_samples')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      ...SERVER_LOAD_FIGURES.flatMap((f) => [
        sql<number | null>`avg(${sql.ref(f)})`.as(`${f}_avg`),
        sql<number | null>`max(${sql.ref(f)})`.as(`${f}_max`),
      ]),
    ])
    .where('sampled_at_ms', '>=', fromMs)
    .where('sampled_at_ms', '<=', toMs)
    .executeTakeFirst();
  const r = (row ?? {}) as Record<string, unknown>;
  const figures: Record<string, number | null> = {};
  for (const f of SERVER_LOAD_FIGURES) {
    for (const stat of ['avg', 'max']) {
      const v = r[`${f}_${stat}`];
      figures[`server_${f}_${stat}`] =
        v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000;
    }
  }
  return { samples: Number(r.n ?? 0), figures };
}

/**
 * Records the given jobs (those finished; others are skipped). Returns how many rows were written.
 * `recordedBy`: 'event' when a job_complete/job_failed event triggered it, 'backfill' for the cron pass.
 */
export async function recordJobs(
  store: Db,
  jobIds: string[],
  recordedBy: 'event' | 'backfill',
): Promise<number> {
  if (!jobIds.length) return 0;
  const { db, time } = store;
  const jobs = await db
    .selectFrom('replication_jobs')
    .select([
      'id',
      'source_vm_name',
      'vm_context_id',
      'v_center_host',
      'datacenter',
      'replication_type',
      'vm_group_id',
      'status',
      'started_at',
      'completed_at',
      'bytes_transferred',
      'transfer_speed_bps',
    ])
    .where('id', 'in', jobIds)
    .where('status', 'in', FINISHED_STATUSES)
    .execute();
  if (!jobs.length) return 0;
  const contexts = [...new Set(jobs.map((j) => j.vm_context_id).filter((c): c is string => !!c))];
  const [disks, loads, sampleSpan] = await Promise.all([
    contexts.length
      ? db
          .selectFrom('vm_disks')
          .select(['vm_context_id', 'disk_id', 'datastore'])
          .where('vm_context_id', 'in', contexts)
          .execute()
      : Promise.resolve([]),
    db.selectFrom('omi_job_load').selectAll().where('job_id', 'in', jobIds).execute(),
    db
      .selectFrom('omi_health_samples')
      .select([(eb) => eb.fn.min('sampled_at_ms').as('first'), (eb) => eb.fn.max('sampled_at_ms').as('last')])
      .executeTakeFirst(),
  ]);
  // The datastore of each VM's first disk.
  const datastoreOf = new Map<string, { diskId: string; datastore: string | null }>();
  for (const d of disks) {
    if (!d.vm_context_id) continue;
    const seen = datastoreOf.get(d.vm_context_id);
    if (!seen || d.disk_id < seen.diskId)
      datastoreOf.set(d.vm_context_id, { diskId: d.disk_id, datastore: d.datastore ?? null });
  }
  const loadOf = new Map(loads.map((l) => [l.job_id, l]));
  const firstSample =
    sampleSpan?.first === null || sampleSpan?.first === undefined ? null : Number(sampleSpan.first);
  const lastSample =
    sampleSpan?.last === null || sampleSpan?.last === undefined ? null : Number(sampleSpan.last);
  const now = time.toDb(Date.now());

  const rows: AnalyticsRow[] = [];
  for (const job of jobs) {
    const completedMs = time.toMs(job.completed_at);
    if (completedMs === null) continue;
    const startedMs = time.toMs(job.started_at);
    const durationS =
      startedMs !== null && startedMs <= completedMs ? (completedMs - startedMs) / 1000 : null;
    const bytes = Number(job.bytes_transferred ?? 0);
    const windowKnown = startedMs !== null && durationS !== null;
    const overlaps =
      windowKnown &&
      firstSample !== null &&
      lastSample !== null &&
      startedMs <= lastSample &&
      completedMs >= firstSample;
    const server = overlaps
      ? await serverLoad(store, startedMs, completedMs)
      : {
          samples: 0,
          figures: Object.fromEntries(
            SERVER_LOAD_FIGURES.flatMap((f) => [
              [`server_${f}_avg`, null],
              [`server_${f}_max`, null],
            ]),
          ),
        };
    rows.push({
      job_id: job.id,
      vm_name: job.source_vm_name,
      context_id: job.vm_context_id ?? null,
      vcenter: job.v_center_host,
      datacenter: job.datacenter,
      datastore: (job.vm_context_id && datastoreOf.get(job.vm_context_id)?.datastore) || null,
      replication_type: job.replication_type,
      vm_group: job.vm_group_id ?? null,
      status: job.status!,
      started_at: startedMs === null ? null : time.toDb(startedMs),
      completed_at: time.toDb(completedMs),
      completed_at_ms: completedMs,
      duration_s: durationS,
      bytes_transferred: bytes,
      throughput_bps: jobThroughput(bytes, durationS, Number(job.transfer_speed_bps ?? 0)),
      ...summariseLoad(loadOf.get(job.id)),
      server_samples: server.samples,
      ...(server.figures as Record<
        `server_${(typeof SERVER_LOAD_FIGURES)[number]}_${'avg' | 'max'}`,
        number | null
      >),
      recorded_by: recordedBy,
      recorded_at: now,
    });
  }
  if (!rows.length) return 0;
  // omi_job_load stays (retention removes it): another instance may record the same job from its own event.
  await inTransaction(store, async (trx) => {
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows.slice(i, i + 100);
      await upsert(
        trx.insertInto('omi_migration_analytics').values(batch),
        store.dialect,
        ['job_id'],
        UPDATED_COLUMNS(batch[0]),
      ).execute();
    }
  });
  return rows.length;
}

const BACKFILL_MARK = 'migration_analytics_backfill';
const BACKFILL_BATCH = 500;
/** Hours before the mark looked at again: a job another program finishes late still gets its row. */
const LATE_MS = 2 * 3_600_000;

/**
 * Records finished jobs that have no row yet (finished by other programs, or while this server
 * was down): every one on the first pass, then those finished since the last pass.
 */
export async function backfill(store: Db, nowMs = Date.now()): Promise<number> {
  const mark = await store.db
    .selectFrom('omi_rollup_state')
    .select('rolled_up_to_ms')
    .where('name', '=', BACKFILL_MARK)
    .executeTakeFirst();
  const sinceMs = mark ? Math.max(0, Number(mark.rolled_up_to_ms) - LATE_MS) : 0;
  let recorded = 0;
  // A cursor on completed_at per status, so each batch reads the OMA's (status, completed_at)
  // index in order: each batch starts where the last one ended (ties are looked at again and
  // skipped by the anti-join), and a first pass over a long history stays linear.
  for (const status of FINISHED_STATUSES) {
    let cursor = store.time.toDb(sinceMs);
    for (;;) {
      const missing = await store.db
        .selectFrom('replication_jobs as j')
        .leftJoin('omi_migration_analytics as a', 'a.job_id', 'j.id')
        .select(['j.id', 'j.completed_at'])
        .where('j.status', '=', status)
        .where('j.completed_at', '>=', cursor)
        .where('a.job_id', 'is', null)
        .orderBy('j.completed_at')
        .limit(BACKFILL_BATCH)
        .execute();
      const written = await recordJobs(
        store,
        missing.map((m) => m.id),
        'backfill',
      );
      recorded += written;
      const last = missing[missing.length - 1]?.completed_at;
      // Fewer than a batch, or none writable (no readable completed_at): nothing more to find.
      if (missing.length < BACKFILL_BATCH || written === 0 || !last) break;
      cursor = last;
    }
  }
  await inTransaction(store, async (trx) => {
    const updated = await trx
      .updateTable('omi_rollup_state')
      .set({ rolled_up_to_ms: nowMs, updated_at: store.time.toDb(nowMs) })
      .where('name', '=', BACKFILL_MARK)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await trx
        .insertInto('omi_rollup_state')
        .values({ name: BACKFILL_MARK, rolled_up_to_ms: nowMs, updated_at: store.time.toDb(nowMs) })
        .execute();
    }
  });
  return recorded;
}
