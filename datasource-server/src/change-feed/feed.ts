// The change feed: streams replication_jobs rows that other programs change (the OMA itself, a
// script, a plain SQL UPDATE) as progress_update / job_complete / job_failed events. Every
// CHANGE_FEED_INTERVAL_MS it reads the rows after its watermark on (updated_at, id), publishes
// what changed (changes.ts decides) and moves the watermark. One instance at a time: the
// database lock, and the watermark kept in omi_change_feed_marks for whichever instance is next.
import { JOB_STATUSES, type ComponentCheck } from '@oma-insights/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect';
import { upsert } from '../db/dialect';
import { shortCause } from '../db/errors';
import { withDatabaseLock } from '../db/lock';
import type { EventBus } from '../events/bus';
import { advance, eventsFor, KnownStates, stateOf, type FeedRow, type Mark, type ReadRow } from './changes';

export interface ChangeFeedConfig {
  /** Poll interval (CHANGE_FEED_INTERVAL_MS); 0 turns the feed off. */
  intervalMs: number;
  /** How long a row's updated_at may run ahead of its commit (CHANGE_FEED_SETTLE_MS): rows newer than this are read again. */
  settleMs: number;
}

export const FEED_LOCK = 'omi_change_feed';
const MARK_NAME = 'replication_jobs';
/** Rows per read; a tick reads at most MAX_PAGES of them and goes on at the next one. */
const PAGE = 500;
const MAX_PAGES = 20;
/** After a stop, changes older than this are not published any more (clients have re-read a snapshot). */
export const CATCH_UP_MS = 10 * 60_000;

export interface PollResult {
  read: number;
  published: number;
  mark: Mark;
}

export class ChangeFeed {
  readonly known = new KnownStates();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<PollResult | null> | null = null;
  private unsubscribe: (() => void) | null = null;
  private last: { at: string; result?: PollResult | null; error?: string } | null = null;

  constructor(
    private readonly store: Db,
    private readonly bus: EventBus,
    readonly config: ChangeFeedConfig,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    // Whatever publishes a job's progress (ingest here or on another instance) is what clients saw.
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'progress_update' || event.type === 'job_complete' || event.type === 'job_failed') {
        this.known.set(event.data.job_id, stateOf(event.data));
      }
    });
  }

  start() {
    if (this.config.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.poll().catch(() => {});
    }, this.config.intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.polling?.catch(() => {});
  }

  state(): ComponentCheck {
    if (this.config.intervalMs <= 0) return { status: 'disabled', message: 'CHANGE_FEED_INTERVAL_MS=0' };
    if (!this.last) return { status: 'ok', message: `every ${this.config.intervalMs} ms; not run yet` };
    if (this.last.error)
      return { status: 'down', message: `last read at ${this.last.at} failed: ${this.last.error}` };
    const r = this.last.result;
    return {
      status: 'ok',
      message: r
        ? `every ${this.config.intervalMs} ms; last read at ${this.last.at}: ${r.read} rows, ${r.published} events`
        : `every ${this.config.intervalMs} ms; another instance holds the feed`,
    };
  }

  /** One read, unless one is running here (then its result) or on another instance (null). */
  poll(now = this.now()): Promise<PollResult | null> {
    if (this.polling) return this.polling;
    this.polling = withDatabaseLock(this.store, FEED_LOCK, () => this.read(now))
      .then(
        (result) => {
          this.last = { at: new Date(now).toISOString(), result };
          return result;
        },
        (err: unknown) => {
          this.last = { at: new Date(now).toISOString(), error: shortCause(err) };
          this.log.warn({ err }, 'change feed read failed');
          throw err;
        },
      )
      .finally(() => {
        this.polling = null;
      });
    return this.polling;
  }

  private async read(now: number): Promise<PollResult> {
    const { time } = this.store;
    const settledMs = now - this.config.settleMs;
    const stored = await this.loadMark();
    // First run: from now on (the snapshot on connect covers the state before). After a long
    // stop: only the last CATCH_UP_MS.
    const floorMs = settledMs - CATCH_UP_MS;
    const start =
      stored && (time.toMs(stored.updatedAt) ?? 0) >= floorMs
        ? stored
        : { updatedAt: time.toDb(stored ? floorMs : settledMs), id: '' };
    const readFromMs = time.toMs(start.updatedAt) ?? settledMs;
    let mark = start;
    let cursor = start;
    let read = 0;
    let published = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await this.page(cursor);
      read += rows.length;
      for (const r of rows) {
        for (const event of eventsFor(r, this.known.get(r.row.id), readFromMs)) {
          // Recorded before publishing: a bus that delivers later must not make the next read repeat it.
          this.known.set(event.data.job_id, stateOf(event.data));
          await this.bus.publish(event.type, event.data as never);
          published++;
        }
      }
      mark = advance(mark, rows, settledMs);
      if (rows.length < PAGE) break;
      const lastRow = rows[rows.length - 1].row;
      cursor = { updatedAt: lastRow.updated_at, id: lastRow.id };
    }
    if (!stored || mark.updatedAt !== stored.updatedAt || mark.id !== stored.id) {
      await this.saveMark(mark, now);
    }
    return { read, published, mark };
  }

  private async page(after: Mark): Promise<ReadRow[]> {
    const { db, time } = this.store;
    const rows = await db
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
        'error_message',
        'vma_error_classification',
        'updated_at',
        'completed_at',
      ])
      // The OMA's (status, updated_at) index serves this; a bare updated_at has none.
      .where('status', 'in', JOB_STATUSES)
      .where('updated_at', '>=', after.updatedAt)
      .where((eb) => eb.or([eb('updated_at', '>', after.updatedAt), eb('id', '>', after.id)]))
      .orderBy('updated_at')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return [];
    // A second query rather than a join: OMA and own tables may differ in collation.
    const pushes = await db
      .selectFrom('omi_job_progress')
      .select(['job_id', 'last_push_at'])
      .where(
        'job_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const lastPush = new Map(pushes.map((p) => [p.job_id, time.toMs(p.last_push_at)]));
    return rows.map((row) => ({
      row: row as FeedRow,
      updatedMs: time.toMs(row.updated_at) ?? 0,
      lastPushMs: lastPush.get(row.id) ?? null,
      completedMs: time.toMs(row.completed_at),
    }));
  }

  private async loadMark(): Promise<Mark | null> {
    const row = await this.store.db
      .selectFrom('omi_change_feed_marks')
      .select(['mark_updated_at', 'mark_id'])
      .where('name', '=', MARK_NAME)
      .executeTakeFirst();
    return row ? { updatedAt: row.mark_updated_at, id: row.mark_id } : null;
  }

  private async saveMark(mark: Mark, now: number) {
    await upsert(
      this.store.db.insertInto('omi_change_feed_marks').values({
        name: MARK_NAME,
        mark_updated_at: mark.updatedAt,
        mark_id: mark.id,
        saved_at: this.store.time.toDb(now),
      }),
      this.store.dialect,
      ['name'],
      ['mark_updated_at', 'mark_id', 'saved_at'],
    ).execute();
  }
}
