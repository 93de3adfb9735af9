// POST /api/v1/query (Grafana's query protocol) on every target.
import type { WireFrame, WireQueryResult } from '@oma-insights/contracts';
import { HANDLERS } from '../src/grafana/handlers';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, FIXED_END, TARGETS, type TestApp } from './helper';

const SEED = { vms: 25, days: 20 };
const range = {
  from: new Date(FIXED_END.getTime() - 20 * 86_400_000).toISOString(),
  to: FIXED_END.toISOString(),
};

const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe.each(TARGETS)('POST /query on %s', (target) => {
  let t: TestApp;
  const query = (body: unknown, who: Parameters<typeof bearer>[0] = 'reader') =>
    t.app.inject({ method: 'POST', url: '/api/v1/query', headers: bearer(who), payload: body as object });
  const one = async (q: Record<string, unknown>, r: unknown = range) => {
    const res = await query({ range: r, queries: [{ refId: 'A', ...q }] });
    expect(res.statusCode).toBe(200);
    return res.json().results.A as WireQueryResult;
  };

  beforeAll(async () => {
    t = await buildTestApp(target, SEED);
  });
  afterAll(async () => t?.dispose());

  test('vmContexts answers a table frame, filtered like the REST endpoint', async () => {
    const all = await one({ queryType: 'vmContexts' });
    expect(all.error).toBeUndefined();
    const frame = all.frames[0];
    expect(frame.refId).toBe('A');
    expect(frame.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['vm_name', 'current_status', 'vcenter_host', 'last_job_at']),
    );
    expect(column(frame, 'vm_name')).toHaveLength(SEED.vms);
    expect(frame.fields.find((f) => f.name === 'last_job_at')!.type).toBe('time');

    const statuses = column(frame, 'current_status') as string[];
    const picked = [...new Set(statuses)].slice(0, 2);
    const filtered = await one({ queryType: 'vmContexts', status: picked.join(',') });
    expect(column(filtered.frames[0], 'vm_name')).toHaveLength(
      statuses.filter((s) => picked.includes(s)).length,
    );
    const limited = await one({ queryType: 'vmContexts', limit: 3 });
    expect(column(limited.frames[0], 'vm_name')).toHaveLength(3);
  });

  test('jobs: running, recent, failed and all', async () => {
    const { db } = t.store;
    const vm = await db
      .selectFrom('vm_replication_contexts')
      .selectAll()
      .orderBy('vm_name')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(vm, 'query-running-1', t.store.time.toDb(Date.now()), {
          status: 'replicating',
          progress_percent: 42,
        }),
      )
      .execute();

    const running = await one({ queryType: 'jobs', status: 'running' });
    expect(column(running.frames[0], 'job_id')).toEqual(['query-running-1']);
    expect(column(running.frames[0], 'progress_percent')).toEqual([42]);
    expect(running.frames[0].fields.find((f) => f.name === 'progress_percent')!.config.unit).toBe('percent');

    // Fixed answers of the fixed world (seed 7, 25 VMs, 20 days to FIXED_END): 372 finished jobs,
    // 169 of them (3 failed) in the last week. The same in every dialect and DB_TIMEZONE.
    const lastWeek = { from: new Date(FIXED_END.getTime() - 7 * 86_400_000).toISOString(), to: range.to };
    expect(
      column((await one({ queryType: 'jobs', status: 'recent', limit: 5000 })).frames[0], 'job_id'),
    ).toHaveLength(372);
    const recent = await one({ queryType: 'jobs', status: 'recent', limit: 5000 }, lastWeek);
    expect(column(recent.frames[0], 'job_id')).toHaveLength(169);
    const completedAt = column(recent.frames[0], 'completed_at') as number[];
    expect(Math.min(...completedAt)).toBeGreaterThanOrEqual(Date.parse(lastWeek.from));
    expect(Math.max(...completedAt)).toBeLessThanOrEqual(Date.parse(lastWeek.to));
    const failed = await one({ queryType: 'jobs', status: 'failed', limit: 5000 }, lastWeek);
    expect(column(failed.frames[0], 'status')).toEqual(['failed', 'failed', 'failed']);
    const all = await one({ queryType: 'jobs', status: 'all', limit: 5000 }, lastWeek);
    expect(column(all.frames[0], 'job_id')).toHaveLength(1 + 169);
    const forVm = await one({ queryType: 'jobs', status: 'recent', vm: vm.vm_name, limit: 5000 }, lastWeek);
    expect(vm.vm_name).toBe('fra-dmz-stage-0005');
    expect(column(forVm.frames[0], 'vm_name')).toEqual(Array(7).fill(vm.vm_name));
  });

  test('variables list vCenters, datacenters, VMs and networks', async () => {
    const vcenters = column(
      (await one({ queryType: 'variable', variable: 'vcenters' })).frames[0],
      'text',
    ) as string[];
    expect(vcenters.length).toBeGreaterThanOrEqual(2);
    expect([...vcenters].sort()).toEqual(vcenters);
    const vms = column(
      (await one({ queryType: 'variable', variable: 'vms', vcenter: vcenters[0] })).frames[0],
      'text',
    );
    const expected = await t.store.db
      .selectFrom('vm_replication_contexts')
      .select('vm_name')
      .where('vcenter_host', '=', vcenters[0])
      .execute();
    expect(vms).toHaveLength(expected.length);
    const destinations = (await one({ queryType: 'variable', variable: 'destinationNetworks' })).frames[0];
    expect(column(destinations, 'text').length).toBe(column(destinations, 'value').length);
    expect(column(destinations, 'value')[0]).toEqual(expect.any(String));
    expect(
      column((await one({ queryType: 'variable', variable: 'sourceNetworks' })).frames[0], 'text').length,
    ).toBeGreaterThan(3);
    expect(
      column((await one({ queryType: 'variable', variable: 'datacenters' })).frames[0], 'text').length,
    ).toBeGreaterThanOrEqual(2);
  });

  test('failed-job annotations carry time, title, text and tags', async () => {
    const result = await one({ queryType: 'failedJobAnnotations', limit: 5000 });
    const frame = result.frames[0];
    const times = column(frame, 'time') as number[];
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((ms) => ms >= Date.parse(range.from) && ms <= Date.parse(range.to))).toBe(true);
    expect(column(frame, 'title')[0]).toMatch(/^Replication failed: /);
    expect(column(frame, 'tags')[0]).toEqual(expect.arrayContaining(['replication-failed']));
  });

  test('one bad query never fails the others', async () => {
    const res = await query({
      range,
      queries: [
        { refId: 'good', queryType: 'vmContexts', limit: 2 },
        { refId: 'unknown', queryType: 'teleport' },
        { refId: 'typed', queryType: 'jobs', status: 'sideways' },
        { refId: 'extra', queryType: 'vmContexts', colour: 'red' },
        { refId: 'injection', queryType: 'vmContexts', search: "'; DROP TABLE replication_jobs; --" },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(column(results.good.frames[0], 'vm_name')).toHaveLength(2);
    expect(results.unknown).toEqual(
      expect.objectContaining({
        status: 400,
        error: expect.stringContaining('Unknown queryType "teleport"'),
      }),
    );
    expect(results.typed).toEqual(
      expect.objectContaining({ status: 400, error: expect.stringContaining('Invalid jobs query') }),
    );
    expect(results.extra.status).toBe(400);
    expect(column(results.injection.frames[0], 'vm_name')).toHaveLength(0);
    expect((await one({ queryType: 'vmContexts' })).frames[0].fields[0].values).toHaveLength(SEED.vms);
  });

  test('a bad range is reported on every query; too many queries and duplicate refIds on the extra ones', async () => {
    const bad = await query({
      range: { from: 'yesterday', to: range.to },
      queries: [
        { refId: 'A', queryType: 'vmContexts' },
        { refId: 'B', queryType: 'jobs' },
      ],
    });
    expect(bad.statusCode).toBe(200);
    for (const refId of ['A', 'B'])
      expect(bad.json().results[refId]).toEqual(
        expect.objectContaining({ status: 400, error: expect.stringContaining('"from"') }),
      );
    const reversed = await one({ queryType: 'jobs', status: 'recent' }, { from: range.to, to: range.from });
    expect(reversed.error).toContain('after');
    const epoch = await one(
      { queryType: 'failedJobAnnotations' },
      { from: Date.parse(range.from), to: String(Date.parse(range.to)) },
    );
    expect(epoch.error).toBeUndefined();

    const many = await query({
      range,
      queries: Array.from({ length: 22 }, (_, i) => ({ refId: `Q${i}`, queryType: 'vmContexts', limit: 1 })),
    });
    const results = many.json().results;
    expect(Object.values(results).filter((r) => (r as { error?: string }).error === undefined)).toHaveLength(
      20,
    );
    expect(results.Q21.error).toContain('Too many queries');
    const dup = (
      await query({
        range,
        queries: [
          { refId: 'A', queryType: 'vmContexts' },
          { refId: 'A', queryType: 'jobs' },
        ],
      })
    ).json().results;
    expect(dup.A.error).toBeUndefined();
    expect(dup['A#1'].error).toContain('Duplicate refId');
  });

  test.each([
    ['no queries', { range }],
    ['an empty query list', { range, queries: [] }],
    ['no range', { queries: [{ refId: 'A', queryType: 'vmContexts' }] }],
    [
      'an unknown top-level field',
      { range, queries: [{ refId: 'A', queryType: 'vmContexts' }], debug: true },
    ],
    ['a query without refId', { range, queries: [{ queryType: 'vmContexts' }] }],
  ])('rejects a request with %s', async (_name, body) => {
    const res = await query(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  test('identical queries in flight at once are answered once, each under its own refId', async () => {
    // Slowed down so the requests overlap on every target (SQLite answers synchronously).
    const original = HANDLERS.migrationTrends;
    const calls = jest.spyOn(HANDLERS, 'migrationTrends').mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return original(...args);
    });
    try {
      const body = (refId: string, extra: Record<string, unknown> = {}) => ({
        range,
        intervalMs: 86_400_000,
        queries: [{ refId, queryType: 'migrationTrends', ...extra }],
      });
      // Three panels with the same query and one with another, sent at once as Grafana does.
      const [a, b, c, other] = await Promise.all([
        query(body('A')),
        query(body('B')),
        query(body('C')),
        query(body('D', { replication_type: 'initial' })),
      ]);
      expect(calls).toHaveBeenCalledTimes(2);
      const frames = (res: typeof a, refId: string) => (res.json().results[refId] as WireQueryResult).frames;
      expect(frames(a, 'A')[0].refId).toBe('A');
      expect(frames(b, 'B')[0].refId).toBe('B');
      expect(frames(c, 'C').map((f) => ({ ...f, refId: 'A' }))).toEqual(frames(a, 'A'));
      expect(frames(other, 'D')[0].fields).not.toEqual(frames(a, 'A')[0].fields);
      // Nothing is kept once answered: the same query later is answered afresh.
      await query(body('E'));
      expect(calls).toHaveBeenCalledTimes(3);
    } finally {
      calls.mockRestore();
    }
  });

  test('needs a token with the read scope', async () => {
    const body = { range, queries: [{ refId: 'A', queryType: 'vmContexts' }] };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/query', payload: body })).statusCode).toBe(
      401,
    );
    expect((await query(body, 'ingest')).statusCode).toBe(403);
  });
});
