// Parallel writers of the same rows: no 500, no lost update, and an audit (or event) for every
// change. On MariaDB these requests really run at once on separate pooled connections.
import { parseNics } from '../src/oma/rows';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, TARGETS, type TestApp } from './helper';

const PARALLEL = 6;

describe.each(TARGETS)('concurrent writes on %s', (target) => {
  let t: TestApp;
  let vm: string;
  let network: string;
  let destinations: string[];

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: 6, days: 5 });
    const first = await t.store.db
      .selectFrom('vm_disks as d')
      .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
      .select(['c.vm_name', 'd.network_config'])
      .orderBy('d.id')
      .executeTakeFirstOrThrow();
    vm = first.vm_name;
    network = parseNics(first.network_config)[0].network_name!;
    destinations = (
      await t.store.db.selectFrom('omi_cloudstack_networks').select('id').orderBy('id').execute()
    ).map((r) => r.id);
  });
  afterAll(async () => t?.dispose());

  const postMapping = (destination: string, isTest: boolean) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/network-mappings',
      headers: bearer('writer'),
      payload: {
        vm_id: vm,
        source_network_name: network,
        destination_network_id: destination,
        is_test_network: isTest,
      },
    });
  const audit = (isTest: boolean) =>
    t.store.db
      .selectFrom('omi_mapping_audit')
      .selectAll()
      .where('vm_id', '=', vm)
      .where('source_network_name', '=', network)
      .where('is_test_network', '=', isTest ? 1 : 0)
      .orderBy('id')
      .execute();

  test(`${PARALLEL} identical create-or-replace requests: one 201, the rest 200, one row, ${PARALLEL} audit rows`, async () => {
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, () => postMapping(destinations[0], false)),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([...Array(PARALLEL - 1).fill(200), 201]);
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    const rows = await audit(false);
    expect(rows.map((r) => r.action)).toEqual(['created', ...Array(PARALLEL - 1).fill('updated')]);
    expect(rows[0].old_destination_network_id).toBeNull();
    expect(rows.slice(1).every((r) => r.old_destination_network_id === destinations[0])).toBe(true);
  });

  test('parallel replacements with different destinations lose no update: the audit chains and ends at the row', async () => {
    const wanted = Array.from({ length: PARALLEL }, (_, i) => destinations[i % destinations.length]);
    const responses = await Promise.all(wanted.map((d) => postMapping(d, true)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([...Array(PARALLEL - 1).fill(200), 201]);
    const rows = await audit(true);
    expect(rows).toHaveLength(PARALLEL);
    // Each change replaced exactly what the previous one wrote.
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].old_destination_network_id).toBe(rows[i - 1].new_destination_network_id);
    }
    expect(rows.map((r) => r.new_destination_network_id).sort()).toEqual([...wanted].sort());
    const [row] = await t.store.db
      .selectFrom('network_mappings')
      .selectAll()
      .where('vm_id', '=', vm)
      .where('source_network_name', '=', network)
      .where('is_test_network', '=', 1)
      .execute();
    expect(row.destination_network_id).toBe(rows.at(-1)!.new_destination_network_id);
  });

  test('parallel progress pushes for one job: no 500, no lost update, one event per applied push', async () => {
    const { db, time } = t.store;
    const context = await db
      .selectFrom('vm_replication_contexts')
      .selectAll()
      .orderBy('vm_name')
      .executeTakeFirstOrThrow();
    const disks = (
      await db
        .selectFrom('vm_disks')
        .select('disk_id')
        .where('vm_context_id', '=', context.context_id)
        .execute()
    ).map((d) => d.disk_id);
    const jobId = `concurrent-${target}`;
    await db
      .insertInto('replication_jobs')
      .values(
        newJobRow(context, jobId, time.toDb(Date.now()), { status: 'replicating', total_bytes: 1_000_000 }),
      )
      .execute();
    t.events.length = 0;
    const pushes = Array.from({ length: 4 * PARALLEL }, (_, i) => ({
      stage: 'Transfer',
      status: 'Streaming',
      bytes_transferred: (i + 1) * 1000,
      total_bytes: 500_000,
      throughput_bps: 1_000_000,
      disk_id: disks[i % disks.length],
    }));
    const responses = await Promise.all(
      pushes.map((payload) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/progress/${jobId}`,
          headers: bearer('ingest'),
          payload,
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode).every((s) => s === 200)).toBe(true);
    const applied = responses.filter((r) => r.json().applied).length;
    const events = t.events.filter((e) => e.type === 'progress_update' && e.data.job_id === jobId);
    expect(events).toHaveLength(applied);

    // Per disk, the stored bytes are the largest applied push; the job's bytes are their sum.
    const stored = await db.selectFrom('omi_disk_progress').selectAll().where('job_id', '=', jobId).execute();
    const appliedBytes = new Map<string, number>();
    responses.forEach((r, i) => {
      if (!r.json().applied) return;
      const { disk_id, bytes_transferred } = pushes[i];
      appliedBytes.set(disk_id, Math.max(appliedBytes.get(disk_id) ?? 0, bytes_transferred));
    });
    expect(Object.fromEntries(stored.map((d) => [d.disk_id, Number(d.bytes_transferred)]))).toEqual(
      Object.fromEntries(appliedBytes),
    );
    const job = await db
      .selectFrom('replication_jobs')
      .selectAll()
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(Number(job.bytes_transferred)).toBe([...appliedBytes.values()].reduce((a, b) => a + b, 0));
  });
});
