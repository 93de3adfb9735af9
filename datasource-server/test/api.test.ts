// Every endpoint on every target: SQLite, MariaDB standalone, MariaDB attached to OMA tables laid
// out by our own OMA-core migrations, and (with OMA_SCHEMA_SQL) MariaDB attached to the real OMA
// schema dump. Each target gets a small seeded world with a fixed end date.
import { ERROR_CLASSIFICATIONS, type NetworkMapping } from '@oma-insights/contracts';
import { newJobRow } from '../src/vm-contexts/new-job';
import { parseNics } from '../src/oma/rows';
import {
  bearer,
  buildTestApp,
  FIXED_END,
  isAttachTarget,
  mysqlTableDefinitions,
  TARGETS,
  type TestApp,
} from './helper';

const SEED = { vms: 30, days: 20 };

describe.each(TARGETS)('API on %s', (target) => {
  let t: TestApp;
  const get = (url: string, who: Parameters<typeof bearer>[0] = 'reader') =>
    t.app.inject({ method: 'GET', url, headers: bearer(who) });

  beforeAll(async () => {
    t = await buildTestApp(target, SEED);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  test('storage mode matches the database', () => {
    expect(t.mode).toBe(isAttachTarget(target) ? 'attach' : 'standalone');
  });

  describe('seeded history is internally consistent', () => {
    test('every job belongs to an existing context and counters match the jobs', async () => {
      const { db } = t.store;
      const orphans = await db
        .selectFrom('replication_jobs as j')
        .leftJoin('vm_replication_contexts as c', 'c.context_id', 'j.vm_context_id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('c.context_id', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(orphans.n)).toBe(0);

      const contexts = await db.selectFrom('vm_replication_contexts').selectAll().execute();
      expect(contexts).toHaveLength(SEED.vms);
      const jobs = await db
        .selectFrom('replication_jobs')
        .select([
          'id',
          'vm_context_id',
          'status',
          'completed_at',
          'started_at',
          'created_at',
          'vma_error_classification',
        ])
        .execute();
      expect(jobs.length).toBeGreaterThan(SEED.vms * 5);
      for (const c of contexts) {
        const mine = jobs.filter((j) => j.vm_context_id === c.context_id);
        expect(Number(c.total_jobs_run)).toBe(mine.length);
        expect(Number(c.successful_jobs)).toBe(mine.filter((j) => j.status === 'completed').length);
        expect(Number(c.failed_jobs)).toBe(mine.filter((j) => j.status === 'failed').length);
        if (c.last_successful_job_id) {
          const lastOk = mine
            .filter((j) => j.status === 'completed')
            .sort((a, b) => String(a.completed_at).localeCompare(String(b.completed_at)))
            .pop();
          expect(c.last_successful_job_id).toBe(lastOk?.id);
        }
        if (mine.length === 0) expect(c.current_status).toBe('discovered');
      }
      const end = t.store.time.toDb(FIXED_END);
      for (const j of jobs) {
        expect(String(j.started_at) >= String(j.created_at)).toBe(true);
        expect(String(j.completed_at) >= String(j.started_at)).toBe(true);
        expect(String(j.completed_at) <= end).toBe(true);
        if (j.status === 'failed') expect(ERROR_CLASSIFICATIONS).toContain(j.vma_error_classification);
      }
      const failureRate = jobs.filter((j) => j.status === 'failed').length / jobs.length;
      expect(failureRate).toBeGreaterThan(0.005);
      expect(failureRate).toBeLessThan(0.15);
    });

    test('disks, CBT rows and mappings point at rows that exist', async () => {
      const { db } = t.store;
      const disks = await db.selectFrom('vm_disks').selectAll().execute();
      const jobs = new Map(
        (await db.selectFrom('replication_jobs').select(['id', 'vm_context_id']).execute()).map((j) => [
          j.id,
          j.vm_context_id,
        ]),
      );
      const keys = new Set(disks.map((d) => `${d.vm_context_id}/${d.disk_id}`));
      expect(keys.size).toBe(disks.length);
      for (const d of disks) {
        if (jobs.has(d.job_id)) expect(jobs.get(d.job_id)).toBe(d.vm_context_id);
        const nics = parseNics(d.network_config);
        expect(nics.length).toBeGreaterThanOrEqual(1);
        expect(nics.length).toBeLessThanOrEqual(4);
      }
      const perVm = new Map<string, number>();
      for (const d of disks) perVm.set(d.vm_context_id!, (perVm.get(d.vm_context_id!) ?? 0) + 1);
      for (const n of perVm.values()) {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(6);
      }

      const cbt = await db.selectFrom('cbt_history').select(['job_id', 'vm_context_id']).execute();
      expect(cbt.length).toBeGreaterThan(0);
      for (const row of cbt) expect(jobs.get(row.job_id)).toBe(row.vm_context_id);

      const inventory = new Set(
        (await db.selectFrom('omi_cloudstack_networks').select('id').execute()).map((n) => n.id),
      );
      const mappings = await db.selectFrom('network_mappings').selectAll().execute();
      for (const m of mappings) {
        expect(inventory.has(m.destination_network_id)).toBe(true);
        const firstDisk = disks
          .filter((d) => d.vm_context_id === m.vm_context_id)
          .sort((a, b) => Number(a.id) - Number(b.id))[0];
        expect(parseNics(firstDisk.network_config).map((n) => n.network_name)).toContain(
          m.source_network_name,
        );
      }
    });
  });

  describe('health and docs', () => {
    test('health needs no token and reports db, mode, versions and counts', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.status).toBe('ok');
      expect(body.checks.db.status).toBe('ok');
      expect(body.mode).toBe(t.mode);
      expect(body.dialect).toBe(target === 'sqlite' ? 'sqlite' : 'mysql');
      expect(body.counts.vm_contexts).toBe(SEED.vms);
      expect(body.db_version).toEqual(expect.any(String));
      expect(body.db_timezone).toBe(t.store.time.zone);
    });

    test('liveness needs no token and says only that the process answers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/live' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok', uptime_s: expect.any(Number) });
    });

    test('OpenAPI document lists every route and needs no token', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      const paths = Object.keys(res.json().paths);
      for (const p of [
        '/api/v1/vm-contexts',
        '/api/v1/vm-contexts/{vm_name}',
        '/api/v1/progress/{job_id}',
        '/api/v1/networks/available',
        '/api/v1/networks/source',
        '/api/v1/network-mappings',
        '/api/v1/debug/health',
        '/api/v1/debug/live',
      ]) {
        expect(paths).toContain(p);
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/docs/' })).statusCode).toBe(200);
    });
  });

  describe('vm-contexts', () => {
    test('lists contexts with OMA field names and filters by status, vCenter and search', async () => {
      const all = (await get('/api/v1/vm-contexts?limit=1000')).json();
      expect(all.count).toBe(SEED.vms);
      expect(all.vm_contexts[0]).toEqual(
        expect.objectContaining({
          context_id: expect.any(String),
          vm_name: expect.any(String),
          current_status: expect.any(String),
          total_jobs_run: expect.any(Number),
        }),
      );
      const sample = all.vm_contexts[3];

      const byStatus = (await get(`/api/v1/vm-contexts?status=${sample.current_status}&limit=1000`)).json();
      expect(byStatus.count).toBe(
        all.vm_contexts.filter((c: { current_status: string }) => c.current_status === sample.current_status)
          .length,
      );
      const byVcenter = (
        await get(`/api/v1/vm-contexts?vcenter=${encodeURIComponent(sample.vcenter_host)}&limit=1000`)
      ).json();
      expect(
        byVcenter.vm_contexts.every((c: { vcenter_host: string }) => c.vcenter_host === sample.vcenter_host),
      ).toBe(true);
      expect(byVcenter.count).toBeGreaterThan(0);
      const bySearch = (
        await get(`/api/v1/vm-contexts?search=${encodeURIComponent(sample.vm_name.slice(-4))}`)
      ).json();
      expect(bySearch.vm_contexts.map((c: { vm_name: string }) => c.vm_name)).toContain(sample.vm_name);
    });

    test('cursor paging visits every context exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/v1/vm-contexts?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json();
        seen.push(...page.vm_contexts.map((c: { context_id: string }) => c.context_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(SEED.vms);
      expect(new Set(seen).size).toBe(SEED.vms);
    });

    test.each([
      ['an invalid cursor', '/api/v1/vm-contexts?cursor=not-a-cursor', 'invalid_cursor'],
      [
        'a forged cursor',
        `/api/v1/vm-contexts?cursor=${Buffer.from(JSON.stringify(['v1', "' OR 1=1"])).toString('base64url')}`,
        'invalid_cursor',
      ],
      ['limit 0', '/api/v1/vm-contexts?limit=0', 'validation_failed'],
      ['a non-numeric limit', '/api/v1/vm-contexts?limit=abc', 'validation_failed'],
      ['an unknown status', '/api/v1/vm-contexts?status=exploded', 'validation_failed'],
      ['an unknown parameter', '/api/v1/vm-contexts?colour=red', 'validation_failed'],
    ])('rejects %s with a 400 that says what was wrong', async (_name, url, code) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message.length).toBeGreaterThan(10);
    });

    test('SQL-injection strings are data, not SQL', async () => {
      const res = await get(
        `/api/v1/vm-contexts?search=${encodeURIComponent("' OR 1=1; DROP TABLE vm_replication_contexts; --")}`,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().count).toBe(0);
      expect((await get(`/api/v1/vm-contexts/${encodeURIComponent("x' OR '1'='1")}`)).statusCode).toBe(404);
      expect((await get('/api/v1/vm-contexts?search=%25')).json().count).toBe(0);
      expect((await get('/api/v1/vm-contexts?limit=1000')).json().count).toBe(SEED.vms);
    });

    test('detail has context, jobs (10 newest), disks, CBT (20 newest) and mappings', async () => {
      const list = (await get('/api/v1/vm-contexts?limit=1000')).json().vm_contexts;
      const busy = list.find((c: { total_jobs_run: number }) => c.total_jobs_run > 12);
      const res = await get(`/api/v1/vm-contexts/${busy.vm_name}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.context.context_id).toBe(busy.context_id);
      expect(body.job_history).toHaveLength(10);
      const created = body.job_history.map((j: { created_at: string }) => j.created_at);
      expect([...created].sort().reverse()).toEqual(created);
      expect(
        body.job_history.every((j: { vm_context_id: string }) => j.vm_context_id === busy.context_id),
      ).toBe(true);
      expect(body.cbt_history.length).toBeLessThanOrEqual(20);
      expect(body.cbt_history.length).toBeGreaterThan(0);
      expect(body.disks.length).toBeGreaterThan(0);
      expect(body.disks[0].network_config.length).toBeGreaterThan(0);
      expect(Array.isArray(body.network_mappings)).toBe(true);
    });

    test('unknown VM is a 404', async () => {
      const res = await get('/api/v1/vm-contexts/no-such-vm');
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toContain('no-such-vm');
    });
  });

  describe('progress', () => {
    async function newJob(status = 'pending') {
      const { db } = t.store;
      const vm = await db
        .selectFrom('vm_replication_contexts')
        .selectAll()
        .where('current_status', 'in', ['ready_for_failover', 'failed'])
        .orderBy('vm_name')
        .executeTakeFirstOrThrow();
      const disks = await db
        .selectFrom('vm_disks')
        .select('disk_id')
        .where('vm_context_id', '=', vm.context_id)
        .orderBy('id')
        .execute();
      const id = `test-${Math.random().toString(36).slice(2, 10)}`;
      await db
        .insertInto('replication_jobs')
        .values(newJobRow(vm, id, t.store.time.toDb(Date.now()), { status }))
        .execute();
      await db
        .updateTable('vm_replication_contexts')
        .set((eb) => ({ total_jobs_run: eb('total_jobs_run', '+', 1), current_job_id: id }))
        .where('context_id', '=', vm.context_id)
        .execute();
      return { id, vm, diskId: disks[0].disk_id };
    }
    const push = (id: string, body: unknown, who: Parameters<typeof bearer>[0] = 'ingest') =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/progress/${id}`,
        headers: bearer(who),
        payload: body as object,
      });
    const context = (id: string) =>
      t.store.db
        .selectFrom('vm_replication_contexts')
        .selectAll()
        .where('context_id', '=', id)
        .executeTakeFirstOrThrow();
    const jobRow = (id: string) =>
      t.store.db.selectFrom('replication_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    test('a seeded job reads back in the VMA shape with per-disk progress from CBT history', async () => {
      const job = await t.store.db
        .selectFrom('replication_jobs')
        .select('id')
        .where('status', '=', 'completed')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const res = await get(`/api/v1/progress/${job.id}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual(expect.objectContaining({ job_id: job.id, status: 'Succeeded', percentage: 100 }));
      expect(body.disk_progresses.length).toBeGreaterThan(0);
      expect(body.timing.elapsed_ms).toBeGreaterThan(0);
      expect(body.throughput.average_mbps).toBeGreaterThan(0);
    });

    test('pushes move a job forward, late and duplicate pushes change nothing, completion updates the VM', async () => {
      const { id, vm, diskId } = await newJob();
      const before = await context(vm.context_id);
      t.events.length = 0;

      expect(
        (
          await push(id, { stage: 'Discover', status: 'Preparing', bytes_transferred: 0, total_bytes: 0 })
        ).json().applied,
      ).toBe(true);
      expect((await jobRow(id)).status).toBe('initializing');
      expect((await context(vm.context_id)).current_status).toBe('replicating');

      const streaming = {
        stage: 'Transfer',
        status: 'Streaming',
        disk_id: diskId,
        bytes_transferred: 600,
        total_bytes: 1000,
        throughput_bps: 50_000_000,
      };
      expect((await push(id, streaming)).json()).toEqual(
        expect.objectContaining({ applied: true, status: 'replicating', progress_percent: 60 }),
      );

      const late = await push(id, { ...streaming, bytes_transferred: 300 });
      expect(late.json()).toEqual(
        expect.objectContaining({ applied: false, reason: 'late', progress_percent: 60 }),
      );
      expect(
        (
          await push(id, { stage: 'Snapshot', status: 'Snapshotting', bytes_transferred: 0, total_bytes: 0 })
        ).json().reason,
      ).toBe('late');
      expect((await push(id, streaming)).json()).toEqual(
        expect.objectContaining({ applied: false, reason: 'duplicate' }),
      );
      const mid = await jobRow(id);
      expect(Number(mid.bytes_transferred)).toBe(600);
      expect(Number(mid.progress_percent)).toBe(60);

      const view = (await get(`/api/v1/progress/${id}`)).json();
      expect(view).toEqual(
        expect.objectContaining({
          status: 'Streaming',
          phase: 'Transfer',
          percentage: 60,
          bytes_transferred: 600,
          total_bytes: 1000,
        }),
      );
      expect(view.throughput.current_mbps).toBe(50);
      expect(view.disk_progresses).toEqual([
        expect.objectContaining({ disk_id: diskId, percent: 60, status: 'syncing' }),
      ]);

      expect(
        (
          await push(id, {
            stage: 'PersistChangeIDs',
            status: 'Succeeded',
            disk_id: diskId,
            bytes_transferred: 1000,
            total_bytes: 1000,
          })
        ).json(),
      ).toEqual(expect.objectContaining({ applied: true, status: 'completed', progress_percent: 100 }));
      const after = await context(vm.context_id);
      expect(after.current_status).toBe('ready_for_failover');
      expect(Number(after.successful_jobs)).toBe(Number(before.successful_jobs) + 1);
      expect(Number(after.failed_jobs)).toBe(Number(before.failed_jobs));
      expect(after.last_successful_job_id).toBe(id);
      expect(after.current_job_id).toBeNull();
      expect((await jobRow(id)).completed_at).not.toBeNull();

      // A repeated completion (copier retry) does not count twice.
      expect(
        (
          await push(id, {
            stage: 'PersistChangeIDs',
            status: 'Succeeded',
            bytes_transferred: 1000,
            total_bytes: 1000,
          })
        ).json().reason,
      ).toBe('job_finished');
      expect(Number((await context(vm.context_id)).successful_jobs)).toBe(Number(after.successful_jobs));

      const types = t.events.map((e) => e.type);
      expect(types.filter((x) => x === 'progress_update')).toHaveLength(3);
      expect(types).toContain('job_complete');
      expect(types).not.toContain('job_failed');
    });

    test('disk pushes count against the whole job, not only the disks reported so far', async () => {
      const { id, diskId } = await newJob();
      await t.store.db
        .updateTable('replication_jobs')
        .set({ total_bytes: 4000 })
        .where('id', '=', id)
        .execute();
      const first = await push(id, {
        stage: 'Transfer',
        status: 'Streaming',
        disk_id: diskId,
        bytes_transferred: 1000,
        total_bytes: 1000,
      });
      expect(first.json()).toEqual(expect.objectContaining({ applied: true, progress_percent: 25 }));
      const view = (await get(`/api/v1/progress/${id}`)).json();
      expect(view).toEqual(
        expect.objectContaining({ bytes_transferred: 1000, total_bytes: 4000, percentage: 25 }),
      );
      expect(view.disk_progresses).toEqual([expect.objectContaining({ disk_id: diskId, percent: 100 })]);
    });

    test('a failure push records the error and moves the VM to failed', async () => {
      const { id, vm } = await newJob('replicating');
      const before = await context(vm.context_id);
      t.events.length = 0;
      const res = await push(id, {
        stage: 'Transfer',
        status: 'Failed',
        bytes_transferred: 10,
        total_bytes: 100,
        error_message: 'NBD reset',
        error_classification: 'connection',
      });
      expect(res.json()).toEqual(expect.objectContaining({ applied: true, status: 'failed' }));
      const job = await jobRow(id);
      expect(job).toEqual(
        expect.objectContaining({
          status: 'failed',
          error_message: 'NBD reset',
          vma_error_classification: 'connection',
        }),
      );
      const after = await context(vm.context_id);
      expect(after.current_status).toBe('failed');
      expect(Number(after.failed_jobs)).toBe(Number(before.failed_jobs) + 1);
      expect(t.events.find((e) => e.type === 'job_failed')?.data).toEqual(
        expect.objectContaining({ job_id: id, error_classification: 'connection' }),
      );
      expect((await get(`/api/v1/progress/${id}`)).json()).toEqual(
        expect.objectContaining({ status: 'Failed', last_error: 'NBD reset' }),
      );
    });

    test.each([
      [
        'an unknown field',
        { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2, hacked: true },
      ],
      ['negative bytes', { stage: 'Transfer', status: 'Streaming', bytes_transferred: -1, total_bytes: 2 }],
      ['an unknown stage', { stage: 'Teleport', status: 'Streaming', bytes_transferred: 1, total_bytes: 2 }],
      [
        'a string for bytes',
        { stage: 'Transfer', status: 'Streaming', bytes_transferred: 'lots', total_bytes: 2 },
      ],
      ['a missing status', { stage: 'Transfer', bytes_transferred: 1, total_bytes: 2 }],
      [
        'percent above 100',
        { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2, percent: 140 },
      ],
    ])('rejects a push with %s and changes nothing', async (_name, body) => {
      const { id } = await newJob();
      const before = await jobRow(id);
      const res = await push(id, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(await jobRow(id)).toEqual(before);
    });

    test('rejects malformed JSON, oversized bodies, unknown jobs and readers', async () => {
      const { id } = await newJob();
      const bad = await t.app.inject({
        method: 'POST',
        url: `/api/v1/progress/${id}`,
        headers: { ...bearer('ingest'), 'content-type': 'application/json' },
        payload: '{"stage":',
      });
      expect(bad.statusCode).toBe(400);
      const huge = await push(id, {
        stage: 'Transfer',
        status: 'Failed',
        bytes_transferred: 1,
        total_bytes: 2,
        error_message: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error.code).toBeDefined();
      expect(
        (
          await push('no-such-job', {
            stage: 'Transfer',
            status: 'Streaming',
            bytes_transferred: 1,
            total_bytes: 2,
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await push(
            id,
            { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2 },
            'reader',
          )
        ).statusCode,
      ).toBe(403);
      expect((await jobRow(id)).status).toBe('pending');
      expect((await get('/api/v1/progress/no-such-job')).statusCode).toBe(404);
    });
  });

  describe('networks', () => {
    test('inventory reads back with CloudStack field names and never exposes OSSEA secrets', async () => {
      const res = await get('/api/v1/networks/available');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.success).toBe(true);
      expect(body.data.length).toBeGreaterThan(20);
      expect(body.data[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          name: expect.any(String),
          zone_name: expect.any(String),
          can_use_for_deploy: expect.any(Boolean),
        }),
      );
      const secret = await t.store.db
        .selectFrom('ossea_configs')
        .select(['api_key', 'secret_key'])
        .executeTakeFirstOrThrow();
      for (const url of [
        '/api/v1/networks/available',
        '/api/v1/vm-contexts?limit=1000',
        '/api/v1/debug/health',
      ]) {
        const text = (await get(url)).body;
        expect(text).not.toContain(secret.secret_key);
        expect(text).not.toContain(secret.api_key);
      }
    });

    test('PUT replaces the inventory atomically; bad input leaves it untouched', async () => {
      const original = (await get('/api/v1/networks/available')).json().data;
      const put = (body: unknown, who: Parameters<typeof bearer>[0] = 'writer') =>
        t.app.inject({
          method: 'PUT',
          url: '/api/v1/networks/available',
          headers: bearer(who),
          payload: body as object,
        });

      const dup = await put({ data: [original[0], original[0]] });
      expect(dup.statusCode).toBe(422);
      expect(dup.json().error.details).toEqual([original[0].id]);
      expect((await put({ data: [{ ...original[0], secret: 'x' }] })).statusCode).toBe(400);
      expect((await put({ data: [{ id: '', name: 'x' }] })).statusCode).toBe(400);
      expect((await put([original[0]])).statusCode).toBe(400);
      expect((await put({ data: original }, 'reader')).statusCode).toBe(403);
      expect((await get('/api/v1/networks/available')).json().data).toEqual(original);

      const smaller = await put({ data: original.slice(0, 3) });
      expect(smaller.statusCode).toBe(200);
      expect((await get('/api/v1/networks/available')).json().data).toHaveLength(3);
      expect((await put({ data: original })).statusCode).toBe(200);
      expect((await get('/api/v1/networks/available')).json().data).toHaveLength(original.length);
    });

    test('source networks come from VM NICs with VM counts and mapping coverage', async () => {
      const res = await get('/api/v1/networks/source');
      expect(res.statusCode).toBe(200);
      const { networks, count } = res.json();
      expect(count).toBe(networks.length);
      expect(count).toBeGreaterThan(3);
      const mapped = await t.store.db
        .selectFrom('network_mappings')
        .select(['source_network_name', 'is_test_network', 'vm_context_id'])
        .execute();
      for (const n of networks) {
        expect(n.vm_count).toBeGreaterThan(0);
        expect(n.nic_count).toBeGreaterThanOrEqual(n.vm_count);
        expect(n.mapped_live).toBe(
          new Set(
            mapped
              .filter((m) => m.source_network_name === n.network_name && Number(m.is_test_network) === 0)
              .map((m) => m.vm_context_id),
          ).size,
        );
      }
      const vmsWithDisks = await t.store.db
        .selectFrom('vm_disks')
        .select('vm_context_id')
        .distinct()
        .execute();
      expect(Math.max(...networks.map((n: { vm_count: number }) => n.vm_count))).toBeLessThanOrEqual(
        vmsWithDisks.length,
      );
    });
  });

  describe('network mappings', () => {
    async function vmWithNetwork() {
      const first = await t.store.db
        .selectFrom('vm_disks as d')
        .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
        .select(['c.vm_name', 'c.context_id', 'd.network_config'])
        .orderBy('d.id')
        .executeTakeFirstOrThrow();
      return {
        vm: first.vm_name,
        contextId: first.context_id,
        network: parseNics(first.network_config)[0].network_name!,
      };
    }
    const post = (body: unknown, who: Parameters<typeof bearer>[0] = 'writer') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/network-mappings',
        headers: bearer(who),
        payload: body as object,
      });

    test('create, replace, list, delete with OMA unique keys and an audit trail', async () => {
      const { vm, network } = await vmWithNetwork();
      const destinations = (await get('/api/v1/networks/available')).json().data;
      t.events.length = 0;
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/network-mappings?vm_id=${vm}&source_network_name=${encodeURIComponent(network)}&is_test_network=true`,
        headers: bearer('writer'),
      });

      const created = await post({
        vm_id: vm,
        source_network_name: network,
        destination_network_id: destinations[0].id,
        is_test_network: true,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual(
        expect.objectContaining({
          vm_id: vm,
          is_test_network: true,
          mapping_type: 'test',
          destination_network_name: destinations[0].name,
        }),
      );
      const replaced = await post({
        vm_id: vm,
        source_network_name: network,
        destination_network_id: destinations[1].id,
        is_test_network: true,
      });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json().id).toBe(created.json().id);

      const listed = (await get(`/api/v1/network-mappings?vm_id=${vm}&is_test_network=true`)).json();
      expect(
        listed.mappings.filter((m: { source_network_name: string }) => m.source_network_name === network),
      ).toEqual([expect.objectContaining({ destination_network_id: destinations[1].id })]);

      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/network-mappings?vm_id=${vm}&source_network_name=${encodeURIComponent(network)}&is_test_network=true`,
        headers: bearer('writer'),
      });
      expect(del.statusCode).toBe(200);
      const again = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/network-mappings?vm_id=${vm}&source_network_name=${encodeURIComponent(network)}&is_test_network=true`,
        headers: bearer('writer'),
      });
      expect(again.statusCode).toBe(404);

      const audit = await t.store.db
        .selectFrom('omi_mapping_audit')
        .selectAll()
        .where('vm_id', '=', vm)
        .where('source_network_name', '=', network)
        .orderBy('id')
        .execute();
      expect(audit.slice(-3).map((a) => a.action)).toEqual(['created', 'updated', 'deleted']);
      expect(audit[audit.length - 1].actor).toBe('writer');
      expect(
        t.events
          .filter((e) => e.type === 'mapping_changed')
          .map((e) => (e.data as { action: string }).action),
      ).toEqual(['created', 'updated', 'deleted']);
    });

    test('pages through all mappings with a cursor', async () => {
      const total = Number(
        (
          await t.store.db
            .selectFrom('network_mappings')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const ids = new Set<number>();
      let cursor: string | null = null;
      do {
        const page: { mappings: NetworkMapping[]; next_cursor: string | null } = (
          await get(`/api/v1/network-mappings?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        page.mappings.forEach((m) => ids.add(m.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(ids.size).toBe(total);
      expect((await get('/api/v1/network-mappings?cursor=abc')).statusCode).toBe(400);
    });

    test('bad mappings get clear 4xx answers and write nothing', async () => {
      const { vm, network } = await vmWithNetwork();
      const destination = (await get('/api/v1/networks/available')).json().data[0].id;
      const count = async () =>
        Number(
          (
            await t.store.db
              .selectFrom('network_mappings')
              .select((e) => e.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const auditCount = async () =>
        Number(
          (
            await t.store.db
              .selectFrom('omi_mapping_audit')
              .select((e) => e.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const [rows, audits] = [await count(), await auditCount()];

      const cases: [unknown, number, string][] = [
        [
          { vm_id: 'ghost-vm', source_network_name: network, destination_network_id: destination },
          404,
          'not_found',
        ],
        [
          { vm_id: vm, source_network_name: 'no-such-portgroup', destination_network_id: destination },
          422,
          'source_network_not_on_vm',
        ],
        [
          { vm_id: vm, source_network_name: network, destination_network_id: 'no-such-net' },
          422,
          'unknown_destination_network',
        ],
        [
          { vm_id: vm, source_network_name: network, destination_network_id: destination, extra: 1 },
          400,
          'validation_failed',
        ],
        [{ vm_id: vm, source_network_name: network }, 400, 'validation_failed'],
        [
          { vm_id: 42, source_network_name: network, destination_network_id: destination },
          400,
          'validation_failed',
        ],
        [
          {
            vm_id: "x'; DELETE FROM network_mappings; --",
            source_network_name: network,
            destination_network_id: destination,
          },
          404,
          'not_found',
        ],
      ];
      for (const [body, status, code] of cases) {
        const res = await post(body);
        expect({ body, status: res.statusCode, code: res.json().error?.code }).toEqual({
          body,
          status,
          code,
        });
      }
      expect(
        (
          await post(
            { vm_id: vm, source_network_name: network, destination_network_id: destination },
            'reader',
          )
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await t.app.inject({
            method: 'DELETE',
            url: '/api/v1/network-mappings?vm_id=ghost-vm&source_network_name=x',
            headers: bearer('writer'),
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await t.app.inject({ method: 'DELETE', url: '/api/v1/network-mappings', headers: bearer('writer') }))
          .statusCode,
      ).toBe(400);
      expect(await count()).toBe(rows);
      expect(await auditCount()).toBe(audits);
    });
  });

  describe('auth on every route class', () => {
    const routes: [string, string, string, object | undefined][] = [
      ['read', 'GET', '/api/v1/vm-contexts', undefined],
      ['read', 'GET', '/api/v1/vm-contexts/anything', undefined],
      ['read', 'GET', '/api/v1/progress/anything', undefined],
      ['read', 'GET', '/api/v1/networks/available', undefined],
      ['read', 'GET', '/api/v1/networks/source', undefined],
      ['read', 'GET', '/api/v1/network-mappings', undefined],
      ['write', 'PUT', '/api/v1/networks/available', { data: [] }],
      [
        'write',
        'POST',
        '/api/v1/network-mappings',
        { vm_id: 'a', source_network_name: 'b', destination_network_id: 'c' },
      ],
      ['write', 'DELETE', '/api/v1/network-mappings?vm_id=a&source_network_name=b', undefined],
      [
        'ingest',
        'POST',
        '/api/v1/progress/anything',
        { stage: 'Transfer', status: 'Streaming', bytes_transferred: 1, total_bytes: 2 },
      ],
    ];
    const underScoped = { read: 'ingest', write: 'reader', ingest: 'writer' } as const;

    test.each(routes)(
      '%s route %s %s: 401 without or with a wrong token, 403 without the scope',
      async (scope, method, url, payload) => {
        const none = await t.app.inject({ method: method as 'GET', url, payload });
        expect(none.statusCode).toBe(401);
        expect(none.json().error.code).toBe('unauthorized');
        const wrong = await t.app.inject({
          method: method as 'GET',
          url,
          payload,
          headers: { authorization: 'Bearer not-a-real-token-at-all' },
        });
        expect(wrong.statusCode).toBe(401);
        const basic = await t.app.inject({
          method: method as 'GET',
          url,
          payload,
          headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        });
        expect(basic.statusCode).toBe(401);
        const under = await t.app.inject({
          method: method as 'GET',
          url,
          payload,
          headers: bearer(underScoped[scope as keyof typeof underScoped]),
        });
        expect(under.statusCode).toBe(403);
        expect(under.json().error.message).toContain(scope);
      },
    );
  });

  describe('bad input on every endpoint is a clear 4xx', () => {
    const long = 'x'.repeat(300);
    const cases: [
      string,
      'GET' | 'POST' | 'PUT' | 'DELETE',
      string,
      unknown,
      Parameters<typeof bearer>[0],
      number,
    ][] = [
      ['vm name too long', 'GET', `/api/v1/vm-contexts/${long}`, undefined, 'reader', 400],
      ['detail with unknown parameter', 'GET', '/api/v1/vm-contexts/x?limit=3', undefined, 'reader', 400],
      ['job id too long', 'GET', `/api/v1/progress/${long}`, undefined, 'reader', 400],
      [
        'job id of 10,000 characters',
        'GET',
        `/api/v1/progress/${'j'.repeat(10_000)}`,
        undefined,
        'reader',
        400,
      ],
      ['a push that is not JSON', 'POST', '/api/v1/progress/x', 'not json at all', 'ingest', 400],
      [
        'source networks with an unknown parameter',
        'GET',
        '/api/v1/networks/source?x=1',
        undefined,
        'reader',
        400,
      ],
      [
        'inventory with an unknown parameter',
        'GET',
        '/api/v1/networks/available?zone=a',
        undefined,
        'reader',
        400,
      ],
      ['mappings limit 0', 'GET', '/api/v1/network-mappings?limit=0', undefined, 'reader', 400],
      [
        'mappings non-boolean flag',
        'GET',
        '/api/v1/network-mappings?is_test_network=maybe',
        undefined,
        'reader',
        400,
      ],
      ['mappings unknown filter', 'GET', '/api/v1/network-mappings?vm=abc', undefined, 'reader', 400],

      [
        'inventory with wrong types',
        'PUT',
        '/api/v1/networks/available',
        { data: [{ id: 1, name: true }] },
        'writer',
        400,
      ],
      [
        'inventory too large',
        'PUT',
        '/api/v1/networks/available',
        { data: [{ id: 'a', name: 'b', display_text: 'x'.repeat(9 * 1024 * 1024) }] },
        'writer',
        413,
      ],
      [
        'mapping body too large',
        'POST',
        '/api/v1/network-mappings',
        { vm_id: 'x'.repeat(2 * 1024 * 1024), source_network_name: 'a', destination_network_id: 'b' },
        'writer',
        413,
      ],
      ['mapping as an array', 'POST', '/api/v1/network-mappings', [{ vm_id: 'a' }], 'writer', 400],
      [
        'mapping flag as a string',
        'POST',
        '/api/v1/network-mappings',
        { vm_id: 'a', source_network_name: 'b', destination_network_id: 'c', is_test_network: 'yes' },
        'writer',
        400,
      ],
      [
        'delete with an unknown parameter',
        'DELETE',
        '/api/v1/network-mappings?vm_id=a&source_network_name=b&force=1',
        undefined,
        'writer',
        400,
      ],
    ];
    test.each(cases)('%s', async (_name, method, url, payload, who, status) => {
      const headers: Record<string, string> = { ...bearer(who) };
      if (typeof payload === 'string') headers['content-type'] = 'application/json';
      const res = await t.app.inject({ method, url, headers, payload: payload as string });
      expect(res.statusCode).toBe(status);
      if (status >= 400) {
        expect(res.json().error.code).toEqual(expect.any(String));
        expect(res.json().error.message).toEqual(expect.any(String));
      }
    });
  });

  test('unknown routes are a uniform 404', async () => {
    const res = await get('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  if (isAttachTarget(target)) {
    test('attach mode created only its own tables and never altered an OMA table', async () => {
      const before = t.foreignTables!;
      expect(before.has('vm_replication_contexts')).toBe(true);
      expect([...before.keys()].filter((n) => n.startsWith('omi_'))).toEqual([]);
      const after = await mysqlTableDefinitions(t.store);
      const ours = [...after.keys()].filter((n) => !before.has(n));
      expect(ours).toEqual(
        expect.arrayContaining([
          'omi_cloudstack_networks',
          'omi_mapping_audit',
          'omi_job_progress',
          'omi_disk_progress',
        ]),
      );
      expect(ours.every((n) => n.startsWith('omi_'))).toBe(true);
      expect(ours).not.toContain('omi_oma_schema_migrations');
      for (const [name, definition] of before)
        expect({ name, definition: after.get(name) }).toEqual({ name, definition });
    });
  }

  if (target === 'mysql-oma-dump') {
    test("the real dump's constraints and comments are still there", async () => {
      const create = (await mysqlTableDefinitions(t.store)).get('replication_jobs')!;
      expect(create).toContain('CONSTRAINT `fk_replication_job_context`');
      expect(create).toContain("COMMENT 'VMA detected sync type (initial/incremental)'");
    });
  }
});
