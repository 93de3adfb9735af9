// The server's kept prediction model against a fresh training: identical answers as jobs start and
// finish, after a new day and for a past time; the backtest does not use it.
import type { Backtest, PredictionList } from '@oma-insights/contracts';
import { predictionCache } from '../src/analytics/predictions/cache';
import { predictNextSyncs } from '../src/analytics/predictions/predict';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, TARGETS, vmContextsByName, type TestApp } from './helper';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe.each(TARGETS)('kept prediction model on %s', (target) => {
  let t: TestApp;
  const get = (url: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: bearer('reader') });
  /** The kept model's answer and a fresh training's, both as of `when`. */
  const both = async (when: number) => {
    const { db, time } = t.store;
    const kept = await predictNextSyncs(db, time, {}, when, 4, { now: when });
    const fresh = await predictNextSyncs(db, time, {}, when, 4, { now: when, fresh: true });
    return { kept, fresh };
  };

  beforeAll(async () => {
    // A demo world ending 2026-11-01T12:00Z.
    t = await buildTestApp(target, { vms: 12, days: 20 });
  });
  afterAll(() => t?.dispose());

  test('the backtest answers the same before and after the model is kept', async () => {
    const url = '/analytics/predictions/backtest?from=2026-10-20T00:00:00Z&to=2026-11-01T00:00:00Z';
    const before = await get(url);
    expect(before.statusCode).toBe(200);
    expect((before.json() as Backtest).jobs).toBeGreaterThan(50);
    await both(at('2026-10-30T23:00:00Z'));
    expect((await get(url)).json()).toEqual(before.json());
  });

  test('brought forward through a day of finished jobs, it answers as a fresh training at each step', async () => {
    const cache = predictionCache(t.store.db, t.store.time);
    const { trainings, steps: stepped } = cache.counts;
    const steps = [
      '2026-10-31T01:00:00Z',
      '2026-10-31T05:00:00Z',
      '2026-10-31T13:30:00Z',
      '2026-10-31T23:59:00Z',
    ];
    let previous: PredictionList | null = null;
    for (const step of steps) {
      const { kept, fresh } = await both(at(step));
      expect(kept.data.length).toBe(12);
      expect(kept).toEqual(fresh);
      if (previous) expect(kept).not.toEqual(previous);
      previous = kept;
    }
    // The day's first step trained (the model kept before was of the day before), the rest were
    // incremental.
    expect(cache.counts).toMatchObject({ trainings: trainings + 1, steps: stepped + 3 });
    // A new day trains again, and still agrees.
    const { kept, fresh } = await both(at('2026-11-01T11:00:00Z'));
    expect(kept).toEqual(fresh);
    expect(cache.counts).toMatchObject({ trainings: trainings + 2, steps: stepped + 3 });
  });

  test('a past time is trained once and kept; the kept model is not moved back', async () => {
    const cache = predictionCache(t.store.db, t.store.time);
    const { trainings, steps, past } = cache.counts;
    const { kept, fresh } = await both(at('2026-10-25T08:00:00Z'));
    expect(kept).toEqual(fresh);
    expect(cache.counts).toEqual({ trainings, steps, past: past + 1 });
    // The same past time again (a dashboard over a fixed range): the kept past model answers.
    const again = await both(at('2026-10-25T08:00:00Z'));
    expect(again.kept).toEqual(kept);
    expect(cache.counts).toEqual({ trainings, steps, past: past + 1 });
    const later = await both(at('2026-11-01T11:30:00Z'));
    expect(later.kept).toEqual(later.fresh);
    expect(cache.counts).toEqual({ trainings, steps: steps + 1, past: past + 1 });
  });

  test('a time minutes before now is learned as of now, from the kept model', async () => {
    const { db, time } = t.store;
    const cache = predictionCache(db, time);
    const now = at('2026-11-01T11:40:00Z');
    const [vm] = await vmContextsByName(db);
    // A job that ran from 11:32 (after the kept model's 11:30) to 11:38.
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(vm, 'job-cache-recent', time.toDb(now - 2 * 60_000), {
          status: 'completed',
          started_at: time.toDb(now - 8 * 60_000),
          completed_at: time.toDb(now - 2 * 60_000),
          total_bytes: 2e9,
          bytes_transferred: 2e9,
        }),
      )
      .execute();
    await predictNextSyncs(db, time, {}, now, 4, { now });
    const { trainings, past } = cache.counts;
    // The model has learned up to 11:40; a dashboard's range ends at 11:35, before that job
    // ended: answered by the kept model as of now, not a training as of 11:35.
    const recent = await predictNextSyncs(db, time, {}, now - 5 * 60_000, 4, { now });
    const fresh = await predictNextSyncs(db, time, {}, now - 5 * 60_000, 4, { now, fresh: true });
    expect(recent).toEqual(fresh);
    expect(cache.counts.trainings).toBe(trainings);
    expect(cache.counts.past).toBe(past);
  });

  test('a job running when the model was kept, and new ones, are learned as they finish', async () => {
    const { db, time } = t.store;
    const cache = predictionCache(db, time);
    const [a, b] = await vmContextsByName(db, 2);
    const start = at('2026-11-01T12:30:00Z');
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(a, 'job-cache-running', time.toDb(start), {
          status: 'replicating',
          started_at: time.toDb(start),
          total_bytes: 30e9,
        }),
      )
      .execute();
    const before = await both(start + H / 2);
    expect(before.kept).toEqual(before.fresh);
    const { trainings, steps } = cache.counts;

    // It completes; another VM's incremental starts and completes; each with a CBT row.
    const done = (id: string, vm: typeof a, from: number, to: number, bytes: number) =>
      Promise.all([
        db
          .insertInto('cbt_history')
          .values({
            vm_context_id: vm.context_id,
            job_id: id,
            disk_id: 'disk-2000',
            change_id: `c-${id}`,
            sync_type: 'incremental',
            bytes_transferred: bytes,
            sync_duration_seconds: (to - from) / 1000 - 90,
            sync_success: 1,
            created_at: time.toDb(to - 5_000),
          })
          .execute(),
      ]);
    await db
      .updateTable('replication_jobs')
      .set({
        status: 'completed',
        bytes_transferred: 30e9,
        completed_at: time.toDb(start + 2 * H),
      })
      .where('id', '=', 'job-cache-running')
      .execute();
    await done('job-cache-running', a, start, start + 2 * H, 30e9);
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(b, 'job-cache-new', time.toDb(start + H), {
          status: 'completed',
          started_at: time.toDb(start + H),
          completed_at: time.toDb(start + H + 20 * 60_000),
          total_bytes: 4e9,
          bytes_transferred: 4e9,
        }),
      )
      .execute();
    await done('job-cache-new', b, start + H, start + H + 20 * 60_000, 4e9);

    const after = await both(start + 3 * H);
    expect(after.kept).toEqual(after.fresh);
    expect(cache.counts).toMatchObject({ trainings, steps: steps + 1 });
    const samples = (list: PredictionList, vm: string) =>
      list.data.find((p) => p.context_id === vm)?.basis.samples.vm;
    // Both VMs' own throughput now counts one more copy (at most the 8 kept).
    for (const vm of [a, b]) {
      const was = samples(before.kept, vm.context_id) ?? 0;
      expect(samples(after.kept, vm.context_id)).toBe(Math.min(8, was + 1));
    }
    // Over HTTP, as of the same time: the same answer.
    const res = await get(`/analytics/predictions?at=${new Date(start + 3 * H).toISOString()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(after.fresh)));
  });

  test('a finished job written later with an earlier end trains the model again', async () => {
    const { db, time } = t.store;
    const cache = predictionCache(db, time);
    const [vm] = await vmContextsByName(db, 1, 'desc');
    const kept = at('2026-11-01T15:30:00Z');
    const before = await both(kept);
    expect(before.kept).toEqual(before.fresh);
    const { trainings } = cache.counts;
    // Ended at 14:00, written at 15:45 (after the model learned up to 15:30).
    const start = at('2026-11-01T13:00:00Z');
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(vm, 'job-cache-late', time.toDb(at('2026-11-01T15:45:00Z')), {
          status: 'completed',
          started_at: time.toDb(start),
          completed_at: time.toDb(start + H),
          total_bytes: 9e9,
          bytes_transferred: 9e9,
        }),
      )
      .execute();
    const after = await both(at('2026-11-01T16:00:00Z'));
    expect(after.kept).toEqual(after.fresh);
    expect(cache.counts.trainings).toBe(trainings + 1);
    const own = (list: PredictionList) =>
      list.data.find((p) => p.context_id === vm.context_id)?.basis.samples.vm;
    expect(own(after.kept)).toBe(Math.min(8, (own(before.kept) ?? 0) + 1));
  });
});

describe('the predictions model with ROLLUP on', () => {
  test('is trained when the server becomes ready, before any request', async () => {
    const t = await buildTestApp('sqlite', { vms: 6, days: 10 }, { env: { ROLLUP: '1' } });
    try {
      const cache = predictionCache(t.store.db, t.store.time);
      const deadline = Date.now() + 60_000;
      while (cache.counts.trainings === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(cache.counts.trainings).toBe(1);
      // The first request is then served from it: brought forward, not trained again.
      expect(
        (await t.app.inject({ url: '/api/v1/analytics/predictions', headers: bearer('reader') })).statusCode,
      ).toBe(200);
      expect(cache.counts.trainings).toBe(1);
    } finally {
      await t.dispose();
    }
  });

  test('is left untrained with ROLLUP=0 (the analytics background work off)', async () => {
    const t = await buildTestApp('sqlite', { vms: 6, days: 10 });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(predictionCache(t.store.db, t.store.time).counts.trainings).toBe(0);
    } finally {
      await t.dispose();
    }
  });
});
