// The CBT time index (src/analytics/ops/cbt-times.ts) keeps, per cbt_history row, when its disk
// last synced successfully before it. On every target, after the first pass and after rows arrive
// out of time order (a disk's older sync written after newer ones), every entry equals plain SQL
// over cbt_history, and re-runs (the id margin read again) change nothing.
import { sql } from 'kysely';
import { indexCbtTimes } from '../src/analytics/ops/cbt-times';
import { buildTestApp, TARGETS, type TestApp } from './helper';

jest.setTimeout(120_000);

describe.each(TARGETS)('CBT time index on %s', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 10, days: 8 });
  });
  afterAll(() => t?.dispose());

  /** Each row's previous successful sync of its disk: the index's, and plain SQL's (epoch ms). */
  async function compare() {
    const { db, time } = t.store;
    const { rows } = await sql<{ id: number; previous_at: string | null }>`
      select c.id, (select max(p.created_at) from cbt_history p
        where p.vm_context_id = c.vm_context_id and p.disk_id = c.disk_id and p.sync_success = 1
          and p.created_at < c.created_at) as previous_at
      from cbt_history c where c.created_at is not null`.execute(db);
    const index = await db
      .selectFrom('omi_cbt_sync_times')
      .select(['cbt_id', 'previous_success_ms'])
      .execute();
    const kept = new Map(index.map((r) => [Number(r.cbt_id), r.previous_success_ms]));
    const expected = rows.map((r) => [Number(r.id), time.toMs(r.previous_at)]);
    const actual = rows.map((r) => {
      const ms = kept.get(Number(r.id));
      return [Number(r.id), ms === undefined ? 'missing' : ms === null ? null : Number(ms)];
    });
    return { expected, actual, withPrevious: expected.filter(([, ms]) => ms !== null).length };
  }

  test('the first pass keeps each row previous successful sync of its disk', async () => {
    expect(await indexCbtTimes(t.store)).toBeGreaterThan(100);
    const { expected, actual, withPrevious } = await compare();
    expect(actual).toEqual(expected);
    expect(withPrevious).toBeGreaterThan(50);
  });

  test('a disk sync written after newer ones becomes their previous sync; re-runs change nothing', async () => {
    const { db, time } = t.store;
    // A disk with two successful syncs or more: a success is written between its first two, after them.
    const [disk] = await db
      .selectFrom('cbt_history')
      .select(['vm_context_id', 'disk_id', (eb) => eb.fn.max('job_id').as('job_id')])
      .where('sync_success', '=', 1)
      .groupBy(['vm_context_id', 'disk_id'])
      .having((eb) => eb.fn.countAll(), '>=', 2)
      .orderBy('vm_context_id')
      .execute();
    const syncs = await db
      .selectFrom('cbt_history')
      .select(['created_at'])
      .where('vm_context_id', '=', disk.vm_context_id)
      .where('disk_id', '=', disk.disk_id)
      .where('sync_success', '=', 1)
      .orderBy('created_at')
      .execute();
    expect(syncs.length).toBeGreaterThanOrEqual(2);
    const [first, second] = syncs.map((s) => time.toMs(s.created_at)!);
    const row = (id: string, atMs: number, success: number) => ({
      vm_context_id: disk.vm_context_id,
      job_id: String(disk.job_id),
      disk_id: disk.disk_id,
      change_id: id,
      sync_type: 'incremental',
      bytes_transferred: 1_000,
      sync_duration_seconds: 10,
      sync_success: success,
      created_at: time.toDb(atMs),
    });
    await db
      .insertInto('cbt_history')
      .values([
        row('late-success', Math.round((first + second) / 2), 1),
        row('late-failure', Math.round((first + second) / 2) + 1_000, 0),
      ])
      .execute();
    expect(await indexCbtTimes(t.store)).toBeGreaterThanOrEqual(2);
    let { expected, actual } = await compare();
    expect(actual).toEqual(expected);
    // The disk's next success after the late one (already indexed) now follows it.
    expect(
      expected.filter(([, ms]) => ms === Math.round((first + second) / 2)).length,
    ).toBeGreaterThanOrEqual(2);

    // A new sync of that disk, then two runs (the second reads the id margin again).
    await db
      .insertInto('cbt_history')
      .values(row('newest', time.toMs(syncs[syncs.length - 1].created_at)! + 3_600_000, 1))
      .execute();
    await indexCbtTimes(t.store);
    await indexCbtTimes(t.store);
    ({ expected, actual } = await compare());
    expect(actual).toEqual(expected);
  });
});
