// POST /query `liveProgress`: the active jobs, the same rows the progress channel's snapshot sends.
import type { AddressInfo } from 'node:net';
import type { WireFrame, WireQueryResult } from '@oma-insights/contracts';
import WebSocket from 'ws';
import type { LiveMessage } from '../src/live/channel-log';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const range = { from: new Date(FIXED_END.getTime() - 3600_000).toISOString(), to: FIXED_END.toISOString() };
const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe.each(TARGETS)('POST /query liveProgress on %s', (target) => {
  let t: TestApp;
  let vms: { vm_name: string; context_id: string }[];
  const query = (queries: object[], who: Parameters<typeof bearer>[0] = 'reader') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(who),
      payload: { range, queries: queries.map((q) => ({ refId: 'A', queryType: 'liveProgress', ...q })) },
    });
  const one = async (q: object = {}) => {
    const res = await query([q]);
    expect(res.statusCode).toBe(200);
    const result = res.json().results.A as WireQueryResult;
    expect(result.error).toBeUndefined();
    return result.frames[0];
  };

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 6, days: 2 });
    const { db, time } = t.store;
    vms = await db.selectFrom('vm_replication_contexts').selectAll().orderBy('vm_name').limit(3).execute();
    // Whatever the seeded world left running is finished, so the active jobs are exactly ours.
    await db
      .updateTable('replication_jobs')
      .set({ status: 'completed' })
      .where('status', 'not in', ['completed', 'failed', 'cancelled'])
      .execute();
    const at = time.toDb(FIXED_END.getTime());
    const full = await db
      .selectFrom('vm_replication_contexts')
      .selectAll()
      .where(
        'vm_name',
        'in',
        vms.map((v) => v.vm_name),
      )
      .orderBy('vm_name')
      .execute();
    await db
      .insertInto('replication_jobs')
      .values([
        newJobRow(full[0], 'live-q-1', at, {
          status: 'replicating',
          current_operation: 'Transfer',
          progress_percent: 40,
          bytes_transferred: 400_000_000,
          total_bytes: 1_000_000_000,
          transfer_speed_bps: 10_000_000,
          updated_at: at,
        }),
        newJobRow(full[1], 'live-q-2', at, { status: 'pending', current_operation: null, updated_at: at }),
        newJobRow(full[2], 'live-q-done', at, { status: 'failed', updated_at: at }),
      ])
      .execute();
  });
  afterAll(async () => t?.dispose());

  test('lists every unfinished job with progress, throughput, ETA and when it last changed', async () => {
    const frame = await one();
    expect(frame.name).toBe('live_progress');
    expect(frame.fields.map((f) => f.name)).toEqual([
      'job_id',
      'vm_name',
      'status',
      'phase',
      'percentage',
      'bytes_transferred',
      'total_bytes',
      'throughput_mbps',
      'eta_seconds',
      'updated_at',
    ]);
    expect(column(frame, 'job_id')).toEqual(['live-q-1', 'live-q-2']);
    expect(column(frame, 'vm_name')).toEqual([vms[0].vm_name, vms[1].vm_name]);
    expect(column(frame, 'status')).toEqual(['replicating', 'pending']);
    expect(column(frame, 'phase')).toEqual(['Transfer', null]);
    expect(column(frame, 'percentage')).toEqual([40, 0]);
    // 600 MB left at 10 MB/s.
    expect(column(frame, 'eta_seconds')).toEqual([60, null]);
    expect(column(frame, 'throughput_mbps')[0]).toBe(10);
    expect(column(frame, 'updated_at')).toEqual([FIXED_END.getTime(), FIXED_END.getTime()]);
    expect(frame.fields.find((f) => f.name === 'updated_at')!.type).toBe('time');
    expect(frame.fields.find((f) => f.name === 'percentage')!.config.unit).toBe('percent');
    expect(frame.meta).toEqual({ custom: { active: 2, truncated: false } });
  });

  test('filters by VM name, context id and job; the limit cuts and says so', async () => {
    expect(column(await one({ vm: vms[1].vm_name }), 'job_id')).toEqual(['live-q-2']);
    expect(column(await one({ vm: vms[0].context_id }), 'job_id')).toEqual(['live-q-1']);
    expect(column(await one({ job: 'live-q-2' }), 'job_id')).toEqual(['live-q-2']);
    expect(column(await one({ job: 'live-q-done' }), 'job_id')).toEqual([]);
    expect(column(await one({ vm: 'no-such-vm' }), 'job_id')).toEqual([]);
    const cut = await one({ limit: 1 });
    expect(column(cut, 'job_id')).toEqual(['live-q-1']);
    expect(cut.meta).toEqual({ custom: { active: 2, truncated: true } });
  });

  test('bad fields are a 400 for that query, and the read scope is needed', async () => {
    for (const [bad, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ vm: '' }, 'vm'],
      [{ since: 3 }, 'since'],
    ] as const) {
      const res = await query([bad]);
      expect(res.statusCode).toBe(200);
      const result = res.json().results.A as WireQueryResult;
      expect(result).toMatchObject({ status: 400, frames: [] });
      expect(result.error).toContain('Invalid liveProgress query');
      expect(result.error).toContain(field);
    }
    expect((await query([{}], 'ingest')).statusCode).toBe(403);
  });

  test('answers the same rows as the progress channel snapshot', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws/progress`, { headers: bearer('reader') });
    const snapshot = await new Promise<LiveMessage>((resolve, reject) => {
      ws.once('message', (raw) => resolve(JSON.parse(String(raw)) as LiveMessage));
      ws.once('error', reject);
    });
    ws.close();
    expect(snapshot.type).toBe('snapshot');
    const jobs = (snapshot.data as { jobs: Record<string, unknown>[] }).jobs;
    const frame = await one();
    for (const name of ['job_id', 'vm_name', 'status', 'phase', 'percentage', 'eta_seconds']) {
      expect(column(frame, name)).toEqual(jobs.map((j) => j[name]));
    }
    expect(column(frame, 'updated_at')).toEqual(jobs.map((j) => Date.parse(j.updated_at as string)));
  });
});
