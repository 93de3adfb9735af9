// POST /networks/validate, probe targets and GET /networks/performance on every target, against
// rows written for each case (no seeded world: every expected code and number is known).
import net from 'node:net';
import {
  MAX_SELECTOR_VMS,
  VALIDATION_CODES,
  type CloudStackNetwork,
  type NetworkPerformance,
  type ValidationReport,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { newJobRow } from '../src/vm-contexts/new-job';
import { bearer, buildTestApp, TARGETS, type TestApp } from './helper';

const ZONE_A = { zone_id: 'zone-a-id', zone_name: 'zone-a' };
const network = (id: string, extra: Partial<CloudStackNetwork> = {}): CloudStackNetwork => ({
  id,
  name: `guest ${id.replace(/-/g, ' ')}`,
  state: 'Implemented',
  ...ZONE_A,
  network_type: 'Shared',
  can_use_for_deploy: true,
  ...extra,
});
const INVENTORY: CloudStackNetwork[] = [
  network('net-a', { name: 'Web A' }),
  network('net-b', { name: 'Db B' }),
  network('bubble-a', { name: 'Web bubble', network_type: 'Isolated', tags: { purpose: 'test' } }),
  network('bubble-b', { name: 'Db bubble', network_type: 'Isolated', tags: { purpose: 'test' } }),
  network('retired', { name: 'Web old', state: 'Shutdown', can_use_for_deploy: false }),
  network('far', { name: 'Web far', zone_id: 'zone-b-id', zone_name: 'zone-b' }),
  network('probe-open', { name: 'Probe open' }),
  network('probe-closed', { name: 'Probe closed' }),
];

interface VmCase {
  nics?: string[] | null; // null: no disk row at all
  live?: Record<string, string>;
  test?: Record<string, string>;
  /** Write the live mappings the way older OMA versions did: vm_id only, no context id. */
  legacy?: boolean;
  /** OSSEA config: 'primary' (zone-a, active) by default; 'zoneless' has no zone. */
  config?: 'primary' | 'zoneless';
}

const VMS: Record<string, VmCase> = {
  'vm-good': {
    nics: ['pg-web', 'pg-db'],
    live: { 'pg-web': 'net-a', 'pg-db': 'net-b' },
    test: { 'pg-web': 'bubble-a', 'pg-db': 'bubble-b' },
  },
  'vm-legacy': { nics: ['pg-web'], live: { 'pg-web': 'net-b' }, legacy: true },
  'vm-unmapped': { nics: ['pg-web', 'pg-app'], live: { 'pg-web': 'net-a' } },
  'vm-missing': { nics: ['pg-web'], live: { 'pg-web': 'no-such-network' } },
  'vm-retired': { nics: ['pg-web'], live: { 'pg-web': 'retired' } },
  'vm-far': { nics: ['pg-web'], live: { 'pg-web': 'far' } },
  'vm-spread': { nics: ['pg-web', 'pg-db'], live: { 'pg-web': 'net-a', 'pg-db': 'far' }, config: 'zoneless' },
  'vm-test-on-live': { nics: ['pg-web'], live: { 'pg-web': 'net-a' }, test: { 'pg-web': 'net-a' } },
  'vm-live-on-test': { nics: ['pg-web'], live: { 'pg-web': 'bubble-a' } },
  'vm-dup': { nics: ['pg-web', 'pg-db'], live: { 'pg-web': 'net-a', 'pg-db': 'net-a' } },
  'vm-no-nics': { nics: [], live: {} },
  'vm-no-disk': { nics: null },
  'vm-probe-ok': { nics: ['pg-web'], live: { 'pg-web': 'probe-open' } },
  'vm-probe-bad': { nics: ['pg-web'], live: { 'pg-web': 'probe-closed' } },
  'vm-probe-bad-2': { nics: ['pg-app'], live: { 'pg-app': 'probe-closed' } },
};

/** The issue codes each VM must get on live failover (probe codes only with probe: true). */
const LIVE_CODES: Record<string, string[]> = {
  'vm-good': [],
  'vm-legacy': [],
  'vm-unmapped': ['UNMAPPED_NETWORK'],
  'vm-missing': ['DESTINATION_NOT_FOUND'],
  'vm-retired': ['DESTINATION_NOT_DEPLOYABLE'],
  'vm-far': ['ZONE_MISMATCH'],
  'vm-spread': ['ZONE_MISMATCH'],
  'vm-test-on-live': [],
  'vm-live-on-test': ['LIVE_FAILOVER_ON_TEST_NETWORK'],
  'vm-dup': ['DUPLICATE_TARGET'],
  'vm-no-nics': ['NO_NICS'],
  'vm-no-disk': ['NO_NICS'],
  'vm-probe-ok': [],
  'vm-probe-bad': [],
  'vm-probe-bad-2': [],
};

const contextId = (vm: string) => `ctx-${vm}`;
const MINUTE = 60_000;

const column = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe.each(TARGETS)('network validation on %s', (target) => {
  let t: TestApp;
  let configIds: Record<'primary' | 'zoneless', number>;
  const validate = (body: unknown, who: Parameters<typeof bearer>[0] = 'reader') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/networks/validate',
      headers: bearer(who),
      payload: body as object,
    });
  const report = async (body: unknown, who: Parameters<typeof bearer>[0] = 'reader') => {
    const res = await validate(body, who);
    expect(res.statusCode).toBe(200);
    return res.json() as ValidationReport;
  };
  const byVm = (r: ValidationReport) => new Map(r.results.map((x) => [x.vm_name, x]));
  const putTarget = (id: string, body: unknown, who: Parameters<typeof bearer>[0] = 'writer') =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/networks/${encodeURIComponent(id)}/probe-target`,
      headers: bearer(who),
      payload: body as object,
    });

  beforeAll(async () => {
    t = await buildTestApp(target);
    const { db } = t.store;
    const now = t.store.time.toDb(Date.now());
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/networks/available',
      headers: bearer('writer'),
      payload: { data: INVENTORY },
    });
    expect(put.statusCode).toBe(200);
    const config = (name: string, zone: string, active: number) =>
      db
        .insertInto('ossea_configs')
        .values({
          name,
          api_url: 'https://cs.invalid/api',
          api_key: `k-${name}`,
          secret_key: `s-${name}`,
          zone,
          created_at: now,
          updated_at: now,
          is_active: active,
        })
        .executeTakeFirstOrThrow();
    const primary = await config('primary', 'zone-a', 1);
    const zoneless = await config('zoneless', '', 0);
    configIds = { primary: Number(primary.insertId), zoneless: Number(zoneless.insertId) };

    for (const [name, spec] of Object.entries(VMS)) {
      const vm = {
        context_id: contextId(name),
        vm_name: name,
        vmware_vm_id: `uuid-${name}`,
        vm_path: `/dc/vm/${name}`,
        vcenter_host: 'vc.example.com',
        datacenter: 'dc',
        ossea_config_id: configIds[spec.config ?? 'primary'],
      };
      await db
        .insertInto('vm_replication_contexts')
        .values({ ...vm, current_status: 'discovered', created_at: now, updated_at: now })
        .execute();
      await db
        .insertInto('replication_jobs')
        .values(newJobRow(vm, `job-${name}`, now))
        .execute();
      if (spec.nics !== null) {
        // Two disk rows: the OMA reads NICs from the first one only, so the second must not count.
        for (const [i, nics] of [spec.nics ?? [], ['pg-ignored']].entries()) {
          await db
            .insertInto('vm_disks')
            .values({
              vm_context_id: vm.context_id,
              job_id: `job-${name}`,
              disk_id: `disk-${i}`,
              vm_dk_path: `[ds] ${name}/${name}_${i}.vmdk`,
              size_gb: 10,
              network_config: JSON.stringify(
                nics.map((n, k) => ({ name: `Network adapter ${k + 1}`, network_name: n })),
              ),
              created_at: now,
              updated_at: now,
            })
            .execute();
        }
      }
      for (const [isTest, pairs] of [
        [0, spec.live],
        [1, spec.test],
      ] as const) {
        for (const [source, destination] of Object.entries(pairs ?? {})) {
          await db
            .insertInto('network_mappings')
            .values({
              vm_id: name,
              source_network_name: source,
              destination_network_id: destination,
              destination_network_name: INVENTORY.find((n) => n.id === destination)?.name ?? destination,
              is_test_network: isTest,
              vm_context_id: spec.legacy ? null : vm.context_id,
              vmware_vm_id: vm.vmware_vm_id,
              validation_status: 'pending',
              mapping_type: isTest ? 'test' : 'live',
              created_at: '2026-01-01 00:00:00.000',
              updated_at: '2026-01-01 00:00:00.000',
            })
            .execute();
        }
      }
    }
  });
  afterAll(async () => t?.dispose());

  describe('POST /networks/validate', () => {
    test('every VM gets exactly the codes its rows call for (live failover, all VMs)', async () => {
      const r = await report({ failover_type: 'live' });
      expect(r.failover_type).toBe('live');
      expect(r.results.map((x) => x.vm_name)).toEqual(Object.keys(VMS).sort());
      const got = Object.fromEntries(r.results.map((x) => [x.vm_name, x.issues.map((i) => i.code).sort()]));
      expect(got).toEqual(LIVE_CODES);
      const results = byVm(r);
      expect(results.get('vm-good')!.status).toBe('valid');
      expect(results.get('vm-dup')!.status).toBe('warning');
      expect(results.get('vm-missing')!.status).toBe('invalid');
      expect(r.valid).toBe(false);
      expect(r.summary).toEqual({ vms: 15, valid: 6, invalid: 8, warnings: 1 });

      expect(results.get('vm-unmapped')!.issues[0]).toEqual({
        code: 'UNMAPPED_NETWORK',
        severity: 'error',
        message: 'Network "pg-app" has no live mapping',
        source_network: 'pg-app',
        destination_network_id: null,
      });
      expect(results.get('vm-missing')!.issues[0]).toEqual(
        expect.objectContaining({ destination_network_id: 'no-such-network', source_network: 'pg-web' }),
      );
      expect(results.get('vm-far')!.issues[0].message).toContain('OSSEA config "primary"');
      // A VM whose config has no zone: the spread over zones is what is wrong.
      expect(results.get('vm-spread')!.issues[0]).toEqual(
        expect.objectContaining({ source_network: null, message: expect.stringContaining('zone-a') }),
      );
      expect(results.get('vm-dup')!.issues[0]).toEqual(
        expect.objectContaining({ severity: 'warning', destination_network_id: 'net-a' }),
      );
    });

    test('test failover: test-network mappings are valid, a live network is a warning, unmapped is an error', async () => {
      const r = byVm(
        await report({ failover_type: 'test', vm_names: ['vm-good', 'vm-test-on-live', 'vm-legacy'] }),
      );
      expect(r.get('vm-good')).toEqual({ vm_name: 'vm-good', status: 'valid', issues: [] });
      expect(r.get('vm-test-on-live')!.status).toBe('warning');
      expect(r.get('vm-test-on-live')!.issues).toEqual([
        expect.objectContaining({
          code: 'TEST_FAILOVER_ON_LIVE_NETWORK',
          severity: 'warning',
          source_network: 'pg-web',
          destination_network_id: 'net-a',
        }),
      ]);
      // Its live mapping does not count for test failover.
      expect(r.get('vm-legacy')!.issues.map((i) => i.code)).toEqual(['UNMAPPED_NETWORK']);
    });

    test('failover_type defaults to live; vm_names narrows and repeats count once', async () => {
      const r = await report({ vm_names: ['vm-good', 'vm-good', 'vm-retired'] });
      expect(r.failover_type).toBe('live');
      expect(r.results.map((x) => x.vm_name)).toEqual(['vm-good', 'vm-retired']);
      expect(r.summary).toEqual({ vms: 2, valid: 1, invalid: 1, warnings: 0 });
    });

    test('the inventory being replaced turns a mapping into DESTINATION_NOT_FOUND', async () => {
      const without = INVENTORY.filter((n) => n.id !== 'net-b');
      const put = (data: CloudStackNetwork[]) =>
        t.app.inject({
          method: 'PUT',
          url: '/api/v1/networks/available',
          headers: bearer('writer'),
          payload: { data },
        });
      expect((await put(without)).statusCode).toBe(200);
      try {
        const r = byVm(await report({ vm_names: ['vm-good'] }));
        expect(r.get('vm-good')!.issues).toEqual([
          expect.objectContaining({
            code: 'DESTINATION_NOT_FOUND',
            source_network: 'pg-db',
            destination_network_id: 'net-b',
          }),
        ]);
      } finally {
        expect((await put(INVENTORY)).statusCode).toBe(200);
      }
    });

    test('bad input is a clear 4xx, never a 500', async () => {
      const cases: [unknown, number, string][] = [
        [{ vm_names: [] }, 400, 'validation_failed'],
        [{ vm_names: [''] }, 400, 'validation_failed'],
        [{ vm_names: ['x'.repeat(256)] }, 400, 'validation_failed'],
        [{ failover_type: 'drill' }, 400, 'validation_failed'],
        [{ vm_names: 'vm-good' }, 400, 'validation_failed'],
        [{ persist: 'yes' }, 400, 'validation_failed'],
        [{ extra: 1 }, 400, 'validation_failed'],
        [[], 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const res = await validate(body);
        expect({ body, status: res.statusCode, code: res.json().error?.code }).toEqual({
          body,
          status,
          code,
        });
      }
    });

    test('unknown VM names are a 404 that lists them, and nothing is validated', async () => {
      const res = await validate({ vm_names: ['vm-good', 'ghost-1', 'ghost-2'] });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toEqual({
        code: 'not_found',
        message: '2 VMs not found: "ghost-1", "ghost-2"',
        details: ['ghost-1', 'ghost-2'],
      });
    });

    test("names compare as the database does: MariaDB's collation ignores case, SQLite's does not", async () => {
      const res = await validate({ vm_names: ['VM-GOOD'] });
      if (target === 'sqlite') {
        expect(res.statusCode).toBe(404);
        expect(res.json().error.details).toEqual(['VM-GOOD']);
      } else {
        expect(res.statusCode).toBe(200);
        expect(res.json().results.map((r: { vm_name: string }) => r.vm_name)).toEqual(['vm-good']);
      }
      // Two spellings of one VM: validated once.
      const both = await report({ vm_names: ['VM-GOOD', 'vm-good'] });
      expect(both.results.map((r) => r.vm_name)).toEqual(['vm-good']);
    });

    test(`${MAX_SELECTOR_VMS.toLocaleString('en')} names are handled in chunks: a 404 with a capped list, not a 500`, async () => {
      const names = Array.from({ length: MAX_SELECTOR_VMS }, (_, i) => `ghost-${i}`);
      names[MAX_SELECTOR_VMS - 1] = 'vm-good';
      const res = await validate({ vm_names: names });
      expect(res.statusCode).toBe(404);
      const { error } = res.json();
      expect(error.message).toMatch(/^99999 VMs not found: "ghost-0", .* and 99989 more$/);
      expect(error.details).toHaveLength(1000);
      expect(error.details[0]).toBe('ghost-0');
      expect((await validate({ vm_names: Array(MAX_SELECTOR_VMS + 1).fill('vm-good') })).statusCode).toBe(
        400,
      );
    });

    test('a selector of many known names validates them all', async () => {
      const names = Object.keys(VMS);
      const repeated = Array.from({ length: 5000 }, (_, i) => names[i % names.length]);
      const r = await report({ vm_names: repeated });
      expect(r.summary.vms).toBe(names.length);
    });

    test('persist needs the write scope: a reader gets 403, counted by the rate limiter, and nothing is stored', async () => {
      const first = await validate({ vm_names: ['vm-good'], persist: true }, 'reader');
      expect(first.statusCode).toBe(403);
      expect(first.json().error.message).toContain('"write" scope that persist: true needs');
      const second = await validate({ vm_names: ['vm-good'], persist: true }, 'reader');
      expect(Number(second.headers['x-ratelimit-remaining'])).toBe(
        Number(first.headers['x-ratelimit-remaining']) - 1,
      );
      const rows = await t.store.db
        .selectFrom('network_mappings')
        .select(['validation_status', 'last_validated'])
        .where('vm_context_id', '=', contextId('vm-good'))
        .execute();
      expect(rows.every((row) => row.validation_status === 'pending' && row.last_validated === null)).toBe(
        true,
      );
      // Without persist a reader may validate.
      expect((await validate({ vm_names: ['vm-good'], persist: false }, 'reader')).statusCode).toBe(200);
    });

    test('persist stores valid/invalid and last_validated on the rows of that failover type, audits status changes, keeps updated_at', async () => {
      const { db } = t.store;
      const vms = ['vm-good', 'vm-legacy', 'vm-unmapped', 'vm-retired', 'vm-spread', 'vm-dup'];
      const before = Date.now();
      const r = await report({ vm_names: vms, persist: true }, 'writer');
      expect(r.summary).toEqual({ vms: 6, valid: 2, invalid: 3, warnings: 1 });
      const rows = await db
        .selectFrom('network_mappings')
        .select([
          'vm_id',
          'source_network_name',
          'is_test_network',
          'validation_status',
          'last_validated',
          'updated_at',
        ])
        .where('vm_id', 'in', vms)
        .orderBy('vm_id')
        .orderBy('source_network_name')
        .orderBy('is_test_network')
        .execute();
      const status = Object.fromEntries(
        rows.map((row) => [
          `${row.vm_id}/${row.source_network_name}/${Number(row.is_test_network) ? 'test' : 'live'}`,
          row.validation_status,
        ]),
      );
      expect(status).toEqual({
        'vm-dup/pg-db/live': 'valid', // DUPLICATE_TARGET is a warning
        'vm-dup/pg-web/live': 'valid',
        'vm-good/pg-db/live': 'valid',
        'vm-good/pg-db/test': 'pending', // test rows are not touched by a live validation
        'vm-good/pg-web/live': 'valid',
        'vm-good/pg-web/test': 'pending',
        'vm-legacy/pg-web/live': 'valid', // found through vm_id alone
        'vm-retired/pg-web/live': 'invalid',
        'vm-spread/pg-db/live': 'invalid', // a VM-wide error fails every row
        'vm-spread/pg-web/live': 'invalid',
        'vm-unmapped/pg-web/live': 'valid', // its mapped NIC is fine; the unmapped one has no row
      });
      for (const row of rows) {
        expect(row.updated_at).toMatch(/^2026-01-01 00:00:00/);
        if (row.validation_status === 'pending') expect(row.last_validated).toBeNull();
        else
          expect(t.store.time.toMs(row.last_validated)!).toBeGreaterThanOrEqual(
            Math.floor(before / 1000) * 1000,
          );
      }
      const audit = await db
        .selectFrom('omi_mapping_audit')
        .selectAll()
        .where('action', '=', 'validated')
        .execute();
      expect(audit).toHaveLength(9);
      expect(
        audit.every(
          (a) => a.actor === 'writer' && a.old_destination_network_id === a.new_destination_network_id,
        ),
      ).toBe(true);

      // Again: the statuses do not change, so no new audit rows; last_validated moves on (to the
      // next second: the OMA's TIMESTAMP column holds whole seconds).
      await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
      await report({ vm_names: vms, persist: true }, 'writer');
      expect(
        await db.selectFrom('omi_mapping_audit').select('id').where('action', '=', 'validated').execute(),
      ).toHaveLength(9);
      const again = await db
        .selectFrom('network_mappings')
        .select(['vm_id', 'source_network_name', 'last_validated'])
        .where('vm_id', '=', 'vm-good')
        .where('is_test_network', '=', 0)
        .execute();
      const first = new Map(
        rows.map((row) => [
          `${row.vm_id}/${row.source_network_name}/${row.is_test_network}`,
          row.last_validated,
        ]),
      );
      for (const row of again)
        expect(row.last_validated! > first.get(`vm-good/${row.source_network_name}/0`)!).toBe(true);
    });
  });

  describe('probe targets', () => {
    test('set, list, replace and delete; bad input and the read scope refused', async () => {
      expect((await putTarget('no-such-network', { host: '127.0.0.1', port: 22 })).statusCode).toBe(404);
      const badHost = await putTarget('net-a', { host: 'not a host!', port: 22 });
      expect(badHost.statusCode).toBe(422);
      expect(badHost.json().error.code).toBe('invalid_probe_host');
      for (const body of [
        { host: '127.0.0.1', port: 0 },
        { host: '127.0.0.1', port: 70000 },
        { host: '127.0.0.1' },
        { host: '127.0.0.1', port: 22, timeout_ms: 10 },
        { host: '127.0.0.1', port: 22, attempts: 11 },
        { host: '127.0.0.1', port: 22, extra: true },
      ])
        expect({ body, status: (await putTarget('net-a', body)).statusCode }).toEqual({ body, status: 400 });
      expect((await putTarget('net-a', { host: '127.0.0.1', port: 22 }, 'reader')).statusCode).toBe(403);

      const created = await putTarget('net-a', { host: 'probe.example.com', port: 22 });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual(
        expect.objectContaining({
          network_id: 'net-a',
          network_name: 'Web A',
          host: 'probe.example.com',
          port: 22,
          timeout_ms: 1000,
          attempts: 3,
          updated_by: 'writer',
        }),
      );
      const replaced = await putTarget('net-a', {
        host: '10.1.2.3',
        port: 443,
        timeout_ms: 200,
        attempts: 1,
      });
      expect(replaced.statusCode).toBe(200);
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/v1/networks/probe-targets',
        headers: bearer('reader'),
      });
      expect(list.json().data).toEqual([
        expect.objectContaining({
          network_id: 'net-a',
          host: '10.1.2.3',
          port: 443,
          timeout_ms: 200,
          attempts: 1,
        }),
      ]);

      // Replacing the inventory keeps the target, and says the network is gone.
      const put = (data: CloudStackNetwork[]) =>
        t.app.inject({
          method: 'PUT',
          url: '/api/v1/networks/available',
          headers: bearer('writer'),
          payload: { data },
        });
      await put(INVENTORY.filter((n) => n.id !== 'net-a'));
      const kept = await t.app.inject({
        method: 'GET',
        url: '/api/v1/networks/probe-targets',
        headers: bearer('reader'),
      });
      expect(kept.json().data).toEqual([
        expect.objectContaining({ network_id: 'net-a', network_name: null }),
      ]);
      await put(INVENTORY);

      const del = (who: Parameters<typeof bearer>[0] = 'writer') =>
        t.app.inject({ method: 'DELETE', url: '/api/v1/networks/net-a/probe-target', headers: bearer(who) });
      expect((await del('reader')).statusCode).toBe(403);
      const removed = await del();
      expect(removed.statusCode).toBe(200);
      expect(removed.json().host).toBe('10.1.2.3');
      expect((await del()).statusCode).toBe(404);
    });

    test('probe: true connects once per destination network: a listener answers, a closed port fails', async () => {
      const connections: net.Socket[] = [];
      const server = net.createServer((socket) => {
        connections.push(socket);
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const openPort = (server.address() as net.AddressInfo).port;
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as net.AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      try {
        expect(
          (await putTarget('probe-open', { host: '127.0.0.1', port: openPort, attempts: 3 })).statusCode,
        ).toBe(201);
        expect(
          (await putTarget('probe-closed', { host: '127.0.0.1', port: closedPort, attempts: 2 })).statusCode,
        ).toBe(201);
        const { db } = t.store;
        const metricsBefore = await db.selectFrom('omi_network_performance_metrics').select('id').execute();

        // Without probe: no connection, no PROBE_FAILED.
        const quiet = byVm(await report({ vm_names: ['vm-probe-ok', 'vm-probe-bad'] }));
        expect(quiet.get('vm-probe-bad')!.status).toBe('valid');
        expect(connections).toHaveLength(0);

        const r = byVm(
          await report({
            vm_names: ['vm-probe-ok', 'vm-probe-bad', 'vm-probe-bad-2', 'vm-good'],
            probe: true,
          }),
        );
        expect(r.get('vm-probe-ok')!.issues).toEqual([]);
        expect(r.get('vm-good')!.issues).toEqual([]); // no probe target: not probed
        for (const vm of ['vm-probe-bad', 'vm-probe-bad-2']) {
          expect(r.get(vm)!.issues).toEqual([
            expect.objectContaining({
              code: 'PROBE_FAILED',
              severity: 'error',
              destination_network_id: 'probe-closed',
              message: expect.stringContaining(`127.0.0.1:${closedPort}`),
            }),
          ]);
        }
        // The server side may see the last accept a tick after the client's connect.
        for (let i = 0; i < 100 && connections.length < 3; i++) await new Promise(setImmediate);
        expect(connections).toHaveLength(3); // three attempts, once for the network

        const metrics = await db
          .selectFrom('omi_network_performance_metrics')
          .selectAll()
          .where('id', 'not in', metricsBefore.length ? metricsBefore.map((m) => m.id) : [-1])
          .orderBy('network_id')
          .execute();
        expect(metrics.map((m) => m.network_id)).toEqual(['probe-closed', 'probe-open']);
        const [bad, ok] = metrics;
        expect({
          loss: Number(bad.loss_percent),
          latency: bad.latency_ms,
          attempts: Number(bad.attempts),
          target: bad.target,
        }).toEqual({
          loss: 100,
          latency: null,
          attempts: 2,
          target: `127.0.0.1:${closedPort}`,
        });
        expect(Number(ok.loss_percent)).toBe(0);
        expect(Number(ok.attempts)).toBe(3);
        expect(Number(ok.latency_ms)).toBeGreaterThanOrEqual(0);
        expect(ok.latency_ms).not.toBeNull();
        expect(Math.abs(t.store.time.toMs(ok.measured_at)! - Date.now())).toBeLessThan(10 * MINUTE);

        // Persisting with a failed probe marks that mapping invalid.
        await report({ vm_names: ['vm-probe-bad'], probe: true, persist: true }, 'writer');
        const row = await db
          .selectFrom('network_mappings')
          .select('validation_status')
          .where('vm_context_id', '=', contextId('vm-probe-bad'))
          .executeTakeFirstOrThrow();
        expect(row.validation_status).toBe('invalid');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('GET /networks/performance', () => {
    const jan = (day: number, hour = 0) =>
      `2020-01-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:00:00.000`;
    const RANGE = 'from=2020-01-01T00:00:00Z&to=2020-01-31T00:00:00Z';
    const get = (query: string, who: Parameters<typeof bearer>[0] = 'reader') =>
      t.app.inject({ method: 'GET', url: `/api/v1/networks/performance?${query}`, headers: bearer(who) });

    beforeAll(async () => {
      const { db, time } = t.store;
      // Datetimes written as the store's zone sees these UTC instants.
      const at = (text: string) => time.toDb(Date.parse(`${text.replace(' ', 'T')}Z`));
      const vm = async (name: string) =>
        db
          .selectFrom('vm_replication_contexts')
          .selectAll()
          .where('vm_name', '=', name)
          .executeTakeFirstOrThrow();
      const job = async (
        name: string,
        id: string,
        start: string,
        end: string | null,
        bps: number,
        mbps = 0,
      ) =>
        db
          .insertInto('replication_jobs')
          .values(
            newJobRow(await vm(name), id, at(start), {
              started_at: at(start),
              completed_at: end ? at(end) : null,
              updated_at: at(end ?? start),
              status: end ? 'completed' : 'replicating',
              transfer_speed_bps: bps,
              vma_throughput_mbps: mbps,
            }),
          )
          .execute();
      // vm-good: pg-web -> net-a, pg-db -> net-b (live)
      await job('vm-good', 'perf-1', jan(10), jan(10, 1), 100e6);
      await job('vm-good', 'perf-2', jan(12), jan(12, 2), 0, 50); // VMA reading: 50 MB/s
      await job('vm-good', 'perf-3', '2019-12-31 23:00:00.000', jan(1, 1), 10e6); // overlaps the start
      await job('vm-good', 'perf-4', jan(20), jan(20, 1), 0, 0); // no reading: a job, no throughput
      await job('vm-good', 'perf-out', '2020-03-01 00:00:00.000', '2020-03-01 01:00:00.000', 999e6);
      // vm-dup: both NICs -> net-a: its job counts once there.
      await job('vm-dup', 'perf-5', jan(15), jan(15, 3), 300e6);
      // vm-legacy (vm_id only) -> net-b; still running.
      await job('vm-legacy', 'perf-6', jan(30), null, 20e6);
      // vm-good's test mappings (bubble-b) are not live: nothing counts there.

      const sample = (network_id: string, when: string, latency: number | null, loss: number) => ({
        network_id,
        measured_at: at(when),
        latency_ms: latency,
        loss_percent: loss,
        attempts: 4,
        target: '10.0.0.1:22',
      });
      await db
        .insertInto('omi_network_performance_metrics')
        .values([
          sample('net-a', jan(5), 10, 0),
          sample('net-a', jan(6), 20, 25),
          sample('net-a', jan(7), null, 100),
          sample('net-a', '2020-02-15 00:00:00.000', 99, 0), // outside the range
          sample('gone-network', jan(8), 5, 0), // probed, no longer mapped or in the inventory
        ])
        .execute();
    });

    test('jobs, throughput and probe figures per destination network match the rows', async () => {
      const res = await get(RANGE);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.from).toBe('2020-01-01T00:00:00.000Z');
      expect(body.to).toBe('2020-01-31T00:00:00.000Z');
      const by = new Map<string, NetworkPerformance>(
        body.data.map((n: NetworkPerformance) => [n.network_id, n]),
      );
      expect(by.get('net-a')).toEqual({
        network_id: 'net-a',
        network_name: 'Web A',
        jobs: 5, // perf-1..4 (vm-good) + perf-5 (vm-dup, once)
        avg_throughput_bps: 115e6, // (100 + 50 + 10 + 300) / 4 MB/s; perf-4 has no reading
        peak_throughput_bps: 300e6,
        probes: 3,
        avg_latency_ms: 15,
        loss_percent: 41.67,
        samples: [
          { time: '2020-01-05T00:00:00.000Z', latency_ms: 10, loss_percent: 0 },
          { time: '2020-01-06T00:00:00.000Z', latency_ms: 20, loss_percent: 25 },
          { time: '2020-01-07T00:00:00.000Z', latency_ms: null, loss_percent: 100 },
        ],
      });
      expect(by.get('net-b')).toEqual(
        expect.objectContaining({
          jobs: 5, // perf-1..4 (vm-good) + perf-6 (vm-legacy, running)
          avg_throughput_bps: 45e6, // (100 + 50 + 10 + 20) / 4
          peak_throughput_bps: 100e6,
          probes: 0,
          avg_latency_ms: null,
          loss_percent: null,
          samples: [],
        }),
      );
      expect(by.get('gone-network')).toEqual(
        expect.objectContaining({
          network_name: 'gone-network',
          jobs: 0,
          avg_throughput_bps: null,
          probes: 1,
        }),
      );
      expect(by.has('bubble-b')).toBe(false); // mapped for test failover only
      expect(by.get('far')).toEqual(expect.objectContaining({ jobs: 0, probes: 0 }));
      // Sorted by name.
      const names = body.data.map((n: NetworkPerformance) => n.network_name);
      expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
    });

    test('a narrower range counts only the jobs that ran in it; epoch-ms bounds work', async () => {
      const from = Date.parse('2020-01-11T00:00:00Z');
      const to = Date.parse('2020-01-16T00:00:00Z');
      const body = (await get(`from=${from}&to=${to}`)).json();
      const netA = body.data.find((n: NetworkPerformance) => n.network_id === 'net-a');
      expect(netA).toEqual(
        expect.objectContaining({
          jobs: 2,
          avg_throughput_bps: 175e6,
          peak_throughput_bps: 300e6,
          probes: 0,
        }),
      );
    });

    test('the range defaults to the 7 days before "to" (or now); bad ranges are a 400', async () => {
      const body = (await get('to=2020-01-13T00:00:00Z')).json();
      expect(body.from).toBe('2020-01-06T00:00:00.000Z');
      expect(body.data.find((n: NetworkPerformance) => n.network_id === 'net-a')).toEqual(
        expect.objectContaining({ jobs: 2, probes: 2 }), // perf-1, perf-2; samples of the 6th and 7th
      );
      const now = (await get('')).json();
      expect(Date.parse(now.to) - Date.parse(now.from)).toBe(7 * 86_400_000);
      expect(Math.abs(Date.parse(now.to) - Date.now())).toBeLessThan(10 * MINUTE);
      for (const query of [
        'from=yesterday',
        'to=2020-13-45',
        'from=2020-02-01T00:00:00Z&to=2020-01-01T00:00:00Z',
        'extra=1',
      ]) {
        const res = await get(query);
        expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
        expect(res.json().error.message).toEqual(expect.any(String));
      }
      expect((await get('to=2020-13-45')).json().error.message).toMatch(/^"to" must be/);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/networks/performance' })).statusCode).toBe(
        401,
      );
    });

    test('/query networkPerformance: networks and probes frames over the query range', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer('reader'),
        payload: {
          range: { from: '2020-01-01T00:00:00Z', to: '2020-01-31T00:00:00Z' },
          queries: [{ refId: 'P', queryType: 'networkPerformance' }],
        },
      });
      const result = res.json().results.P as WireQueryResult;
      expect(result.error).toBeUndefined();
      const [networks, probes] = result.frames;
      expect(networks.name).toBe('networks');
      const ids = column(networks, 'network_id') as string[];
      const row = ids.indexOf('net-a');
      expect(column(networks, 'jobs')[row]).toBe(5);
      expect(column(networks, 'avg_throughput_bps')[row]).toBe(115e6);
      expect(networks.fields.find((f) => f.name === 'avg_throughput_bps')!.config).toEqual(
        expect.objectContaining({ unit: 'Bps' }),
      );
      expect(probes.name).toBe('probes');
      expect(probes.fields.map((f) => [f.name, f.type])).toEqual([
        ['time', 'time'],
        ['network', 'string'],
        ['latency_ms', 'number'],
        ['loss_percent', 'number'],
      ]);
      expect(column(probes, 'time')).toEqual(
        ['2020-01-05', '2020-01-06', '2020-01-07', '2020-01-08'].map((d) => Date.parse(`${d}T00:00:00Z`)),
      );
      expect(column(probes, 'network')).toEqual(['Web A', 'Web A', 'Web A', 'gone-network']);
    });
  });

  test('/query networkValidation: summary and issues frames; unknown names become a notice', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer('reader'),
      payload: {
        range: { from: 0, to: Date.now() },
        queries: [
          { refId: 'V', queryType: 'networkValidation', vmNames: 'vm-good, vm-retired,vm-dup,ghost' },
          { refId: 'T', queryType: 'networkValidation', failoverType: 'test' },
          { refId: 'X', queryType: 'networkValidation', failoverType: 'drill' },
        ],
      },
    });
    const { V, T, X } = res.json().results as Record<string, WireQueryResult>;
    expect(V.error).toBeUndefined();
    const [summary, issues] = V.frames;
    expect(summary.name).toBe('summary');
    expect(Object.fromEntries(summary.fields.map((f) => [f.name, f.values[0]]))).toEqual({
      vms: 3,
      valid: 1,
      invalid: 1,
      warnings: 1,
    });
    expect(summary.meta).toEqual(
      expect.objectContaining({ notices: [{ severity: 'warning', text: '1 VM name not found: ghost' }] }),
    );
    expect(issues.fields.map((f) => f.name)).toEqual([
      'vm_name',
      'status',
      'code',
      'severity',
      'message',
      'source_network',
      'destination_network_id',
    ]);
    expect(column(issues, 'vm_name')).toEqual(['vm-dup', 'vm-retired']);
    expect(column(issues, 'code')).toEqual(['DUPLICATE_TARGET', 'DESTINATION_NOT_DEPLOYABLE']);
    // Every VM, test failover.
    expect(T.frames[0].fields.find((f) => f.name === 'vms')!.values[0]).toBe(Object.keys(VMS).length);
    expect(T.frames[0].meta).toEqual(
      expect.objectContaining({ custom: { failover_type: 'test', valid: false } }),
    );
    expect(X).toEqual(
      expect.objectContaining({ status: 400, error: expect.stringContaining('failoverType') }),
    );
  });

  test('every validation code was produced through the API above', () => {
    // LIVE_CODES plus the codes asserted in the test-failover and probe cases.
    const seen = new Set([
      ...Object.values(LIVE_CODES).flat(),
      'TEST_FAILOVER_ON_LIVE_NETWORK',
      'PROBE_FAILED',
    ]);
    expect([...seen].sort()).toEqual([...VALIDATION_CODES].sort());
  });
});
