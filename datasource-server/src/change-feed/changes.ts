// What the change feed publishes for the replication_jobs rows it read, and how far its
// watermark may move. Pure: feed.ts reads the rows and publishes.
//
// Not publishing twice: a row whose updated_at equals its omi_job_progress.last_push_at was
// written by the ingest path, which publishes its own events after commit. Any other row is
// compared with the last state published for its job (by anyone: ingest, simulator, this feed,
// another instance through the bus), so a re-read or a change that moves nothing is silent.
import type { JobEndedEventData, LiveEventMap, ProgressEventData } from '../events/bus';
import { jobProgress, type JobProgressRow } from '../live/snapshot';

export interface FeedRow extends JobProgressRow {
  /** Database text of updated_at, as read (the watermark keeps it verbatim). */
  updated_at: string;
  error_message: string | null;
  vma_error_classification: string | null;
}

/** A row and its times in epoch ms. */
export interface ReadRow {
  row: FeedRow;
  updatedMs: number;
  /** omi_job_progress.last_push_at: when the ingest path last wrote this job. */
  lastPushMs: number | null;
  completedMs: number | null;
}

/** Where the feed has read up to: rows after (updated_at, id) are new. */
export interface Mark {
  updatedAt: string;
  id: string;
}

/** The part of a job's state whose change is worth an event. */
export interface KnownState {
  key: string;
  status: string;
}

export const stateOf = (e: ProgressEventData): KnownState => ({
  key: JSON.stringify([e.status, e.percentage, e.bytes_transferred, e.total_bytes, e.phase]),
  status: e.status,
});

export type FeedEvent = {
  [K in 'progress_update' | 'job_complete' | 'job_failed']: { type: K; data: LiveEventMap[K] };
}['progress_update' | 'job_complete' | 'job_failed'];

/**
 * The events for one changed row. `readFromMs`: the watermark this read started from; a job
 * first seen already finished only gets its end event when it finished after that (not a job
 * that ended long ago and was touched again).
 */
export function eventsFor(read: ReadRow, known: KnownState | undefined, readFromMs: number): FeedEvent[] {
  if (read.lastPushMs !== null && read.lastPushMs === read.updatedMs) return [];
  const data: ProgressEventData = { ...jobProgress(read.row), source: 'change_feed' };
  const state = stateOf(data);
  if (known && known.key === state.key) return [];
  const events: FeedEvent[] = [{ type: 'progress_update', data }];
  const ended = data.status === 'completed' || data.status === 'failed';
  const newlyEnded = known
    ? known.status !== data.status
    : read.completedMs === null || read.completedMs > readFromMs;
  if (ended && newlyEnded) {
    const end: JobEndedEventData = {
      ...data,
      eta_seconds: 0,
      error_message: read.row.error_message,
      error_classification: read.row.vma_error_classification,
    };
    events.push(
      data.status === 'completed' ? { type: 'job_complete', data: end } : { type: 'job_failed', data: end },
    );
  }
  return events;
}

/**
 * The new watermark after reading `rows` (in (updated_at, id) order): the last row updated at
 * or before `settledMs`. Later rows are read again next time, so a transaction that commits a
 * little after the time it wrote into updated_at is not passed by.
 */
export function advance(mark: Mark, rows: ReadRow[], settledMs: number): Mark {
  let next = mark;
  for (const read of rows) {
    if (read.updatedMs > settledMs) break;
    next = { updatedAt: read.row.updated_at, id: read.row.id };
  }
  return next;
}

/** Last published state per job, bounded: the oldest entries go first. */
export class KnownStates {
  private readonly states = new Map<string, KnownState>();

  constructor(private readonly capacity = 50_000) {}

  get(jobId: string) {
    return this.states.get(jobId);
  }

  set(jobId: string, state: KnownState) {
    this.states.delete(jobId);
    this.states.set(jobId, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }

  get size() {
    return this.states.size;
  }
}
