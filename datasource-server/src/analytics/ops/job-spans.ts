// The longest time from creation to end of any finished replication job, kept per database handle
// and brought forward with the jobs written since (the OMA's (status, updated_at) index). It bounds
// "jobs running at a past time" (created before it, ended after it) to the jobs that ended within
// that span after it: the OMA has no index to find them otherwise, and scanning every job that
// ended since reads the whole recent history. A job whose row changes without a newer updated_at
// is not seen; the first call reads every finished job once.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import { FINISHED_STATUSES } from '../rollups/job-facts';

const BATCH = 20_000;

class JobSpans {
  private longestMs = 0;
  /** Per status, the (updated_at, id) of the newest row read: reads go in that index's order. */
  private readonly readTo = new Map<string, { updated: string; id: string }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly time: DbTime,
  ) {}

  /** The longest creation-to-end span of a finished job, in ms (0 without any). */
  longest(): Promise<number> {
    const run = this.queue.then(() => this.advance());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async advance(): Promise<number> {
    for (const status of FINISHED_STATUSES) {
      for (;;) {
        let query = this.db
          .selectFrom('replication_jobs')
          .select(['id', 'created_at', 'completed_at', 'updated_at'])
          .where('status', '=', status)
          .where('updated_at', 'is not', null)
          .orderBy('updated_at')
          .orderBy('id')
          .limit(BATCH);
        const after = this.readTo.get(status);
        if (after) {
          const { updated, id } = after;
          query = query.where((eb) =>
            eb.or([
              eb('updated_at', '>', updated),
              eb.and([eb('updated_at', '=', updated), eb('id', '>', id)]),
            ]),
          );
        }
        const rows = await query.execute();
        for (const row of rows) {
          const created = this.time.toMs(row.created_at);
          const ended = this.time.toMs(row.completed_at);
          if (created !== null && ended !== null) this.longestMs = Math.max(this.longestMs, ended - created);
        }
        const last = rows[rows.length - 1];
        if (last) this.readTo.set(status, { updated: last.updated_at as string, id: last.id });
        if (rows.length < BATCH) break;
      }
    }
    return this.longestMs;
  }
}

const spans = new WeakMap<Kysely<Database>, JobSpans>();

/** The longest creation-to-end span of a finished replication job (ms), brought up to date. */
export function longestJobSpan(db: Kysely<Database>, time: DbTime): Promise<number> {
  let kept = spans.get(db);
  if (!kept) spans.set(db, (kept = new JobSpans(db, time)));
  return kept.longest();
}
