// The trained model kept per store and brought forward with the jobs finished since, so a request
// replays only what is new instead of the whole history (and never sums all of cbt_history again).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import {
  finishedUpdatedAfter,
  historyStart,
  lastFinishedUpdate,
  loadFacts,
  loadFinishedAfter,
  loadHistory,
  loadRunning,
  replay,
  replayEvents,
  trainedModel,
  type VmRow,
} from './load';
import { SyncModel, type VmFacts } from './model';

interface Trained {
  model: SyncModel;
  /** historyStart of the training: a new day starts a new training. */
  since: number;
  /** VM facts the model was built with, as JSON: new disks or VMs start a new training. */
  facts: string;
  /** Every event up to here has been replayed. */
  until: number;
  /** The newest event replayed: the model is also the fresh one for any time in [last, until]. */
  last: number;
  /** The newest updated_at of a finished job when last read. */
  updated: number;
}

/** A fresh training as of a past time, kept while what it learned from is unchanged. */
interface PastModel {
  model: SyncModel;
  facts: string;
  updated: number;
}

/** Past times whose models are kept (a dashboard over a fixed range asks for the same one). */
export const PAST_MODELS = 4;

/**
 * A model equal to a fresh `trainedModel(at)`, kept current incrementally:
 *  - built in full on first use, when the day (historyStart) changes, or when VMs or disks change;
 *  - then each call replays only the jobs that finished after `until` (status + completed_at index)
 *    and the starts of jobs started since (running ones too, so their error is learned when they
 *    end, as a fresh replay does), with the CBT copy seconds of just those jobs.
 * A finished job whose row changed (updated_at, as the OMA sets it on every write) after the last
 * call but that ended before it (a back-dated import, an OMA clock behind this server's, a
 * finished job rewritten) starts a new training, as its events would land inside the replayed
 * past. A row that appears without a newer updated_at, or is deleted, is seen at the next full
 * training (at the latest the next UTC day's first call).
 * A time before what the kept model has learned gets a fresh training, kept for the next request
 * for that same time until a finished job's row or the VM facts change.
 * Calls are serialised; concurrent ones share the work.
 */
export class PredictionCache {
  private trained: Trained | null = null;
  private readonly past = new Map<number, PastModel>();
  /** Full trainings, incremental steps forward, and trainings for a past time, so far. */
  readonly counts = { trainings: 0, steps: 0, past: 0 };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly time: DbTime,
  ) {}

  /** The model as of `at` (not in the future). */
  modelAt(vms: VmRow[], at: number): Promise<SyncModel> {
    const run = this.queue.then(async () => {
      const facts = await loadFacts(this.db, vms);
      return (await this.advance(vms, facts, at)) ?? (await this.pastModel(vms, facts, at));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async advance(vms: VmRow[], facts: VmFacts[], at: number): Promise<SyncModel | null> {
    const { db, time } = this;
    const factsKey = JSON.stringify(facts);
    const since = historyStart(at);
    let t = this.trained;
    if (t && (t.since !== since || t.facts !== factsKey)) {
      // A past day's request trains on demand; a new day or new facts start over.
      if (since < t.since) return null;
      t = null;
    }
    if (t && at > t.until) {
      const changed = await finishedUpdatedAfter(db, time, since, t.updated);
      const until = t.until;
      if (changed.some((row) => row.completedMs !== null && row.completedMs <= until)) t = null;
      else for (const row of changed) t.updated = Math.max(t.updated, row.updatedMs ?? -Infinity);
    }
    if (!t) {
      // Read first: a row written while the history loads is then looked at again next time.
      const updated = await lastFinishedUpdate(db, time);
      const [{ jobs }, running] = await Promise.all([
        loadHistory(db, time, vms, since, at),
        loadRunning(db, time, since, at),
      ]);
      const model = new SyncModel(facts);
      const events = replayEvents(jobs, running, -Infinity, at);
      replay(model, events);
      this.counts.trainings += 1;
      t = { model, since, facts: factsKey, until: at, last: events.at(-1)?.at ?? -Infinity, updated };
      this.trained = t;
      return model;
    }
    if (at > t.until) {
      // Running jobs first: one that ends between the two reads is then found finished too.
      const running = await loadRunning(db, time, t.until + 1, at);
      const finished = await loadFinishedAfter(db, time, since, t.until);
      const events = replayEvents(finished, running, t.until, at);
      replay(t.model, events);
      this.counts.steps += 1;
      t.until = at;
      if (events.length) t.last = events[events.length - 1].at;
    }
    return at >= t.last ? t.model : null;
  }

  private async pastModel(vms: VmRow[], vmFacts: VmFacts[], at: number): Promise<SyncModel> {
    const facts = JSON.stringify(vmFacts);
    const updated = await lastFinishedUpdate(this.db, this.time);
    const kept = this.past.get(at);
    if (kept && kept.facts === facts && kept.updated === updated) return kept.model;
    const model = await trainedModel(this.db, this.time, vms, at);
    this.counts.past += 1;
    this.past.delete(at);
    this.past.set(at, { model, facts, updated });
    // Oldest first in a Map: drop the least recently trained beyond the limit.
    for (const key of this.past.keys()) if (this.past.size > PAST_MODELS) this.past.delete(key);
    return model;
  }
}

const caches = new WeakMap<Kysely<Database>, PredictionCache>();

/** One cache per database handle, i.e. per server. */
export function predictionCache(db: Kysely<Database>, time: DbTime): PredictionCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new PredictionCache(db, time);
    caches.set(db, cache);
  }
  return cache;
}
