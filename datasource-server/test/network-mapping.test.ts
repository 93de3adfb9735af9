// Network mapping through the API on every target: topology exactly as the rows say,
// recommendations against the demo world's ground truth, adoption, bulk mapping (dry run, apply,
// idempotency, audit, events), bad input that changes nothing, and parallel bulk requests.
import type { BulkMappingResult, RecommendationList, Topology } from '@oma-insights/contracts';
import { buildWorld } from '../src/demo/world';
import { parseNics } from '../src/oma/rows';
import { bearer, buildTestApp, fingerprint, TARGETS, type TestApp } from './helper';

const SEED_VMS = 40;

describe.each(TARGETS)('network mapping on %s', (target) => {
  let t: TestApp;
  /** VM name -> its NIC networks, read straight from vm_disks. */
  let nicsOf: Map<string, string[]>;

  beforeAll(async () => {
    t = await buildTestApp(target, { vms: SEED_VMS, days: 3 });
    const rows = await t.store.db
      .selectFrom('vm_disks as d')
      .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
      .select(['c.vm_name', 'd.network_config', 'd.id'])
      .orderBy('d.id')
      .execute();
    nicsOf = new Map();
    for (const r of rows) {
      if (nicsOf.has(r.vm_name)) continue;
      nicsOf.set(r.vm_name, [
        ...new Set(
          parseNics(r.network_config)
            .map((n) => n.network_name!)
            .filter(Boolean),
        ),
      ]);
    }
  });
  afterAll(async () => t?.dispose());

  const get = <T>(url: string, who: 'reader' | 'writer' = 'reader') =>
    t.app.inject({ url, headers: bearer(who) }).then((r) => ({ status: r.statusCode, body: r.json() as T }));
  const bulk = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/networks/bulk-mapping',
      headers: { ...bearer('writer'), ...headers },
      payload: payload as object,
    });
  const liveMappings = () =>
    t.store.db
      .selectFrom('network_mappings')
      .select(['vm_id', 'source_network_name', 'destination_network_id', 'is_test_network'])
      .execute();

  describe('topology', () => {
    test('edges and counts are exactly what the mapping rows say (distinct VMs)', async () => {
      const { status, body } = await get<Topology>('/api/v1/networks/topology?failover_type=live');
      expect(status).toBe(200);
      const rows = (await liveMappings()).filter((m) => Number(m.is_test_network) === 0);
      const expected = new Map<string, Set<string>>();
      for (const m of rows) {
        const key = `src:${m.source_network_name}->dst:${m.destination_network_id}`;
        expected.set(key, (expected.get(key) ?? new Set()).add(m.vm_id));
      }
      expect(Object.fromEntries(body.edges.map((e) => [e.id, e.vm_count]))).toEqual(
        Object.fromEntries([...expected].map(([k, v]) => [k, v.size])),
      );
      // Every source network on a NIC is a node, with its distinct VM count.
      const onNics = new Map<string, number>();
      for (const networks of nicsOf.values())
        for (const n of networks) onNics.set(n, (onNics.get(n) ?? 0) + 1);
      for (const [network, count] of onNics) {
        expect(body.nodes.find((n) => n.id === `src:${network}`)?.vm_count).toBe(count);
      }
      const unmappedTotal = body.unmapped.reduce((a, u) => a + u.vm_count, 0);
      const mappedPairs = new Set(rows.map((m) => `${m.vm_id}\u0000${m.source_network_name}`));
      let expectedUnmapped = 0;
      for (const [vm, networks] of nicsOf)
        for (const n of networks) if (!mappedPairs.has(`${vm}\u0000${n}`)) expectedUnmapped++;
      expect(unmappedTotal).toBe(expectedUnmapped);
    });

    test('the Node Graph frames carry the same nodes and edges', async () => {
      const rest = (await get<Topology>('/api/v1/networks/topology?failover_type=test')).body;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer('reader'),
        payload: {
          range: { from: 0, to: Date.now() },
          queries: [{ refId: 'A', queryType: 'networkTopology', failoverType: 'test' }],
        },
      });
      const [nodes, edges] = res.json().results.A.frames;
      expect([nodes.name, edges.name]).toEqual(['nodes', 'edges']);
      expect(nodes.meta.preferredVisualisationType).toBe('nodeGraph');
      const field = (frame: { fields: { name: string; values: unknown[] }[] }, name: string) =>
        frame.fields.find((f) => f.name === name)!.values;
      expect(field(nodes, 'id')).toEqual(rest.nodes.map((n) => n.id));
      expect(field(nodes, 'mainstat')).toEqual(rest.nodes.map((n) => n.vm_count));
      expect(field(edges, 'source')).toEqual(rest.edges.map((e) => e.source));
      expect(field(edges, 'mainstat')).toEqual(rest.edges.map((e) => e.vm_count));
      // arc__ fields of a node sum to 1 (or 0 for a node without VMs), as the Node Graph expects.
      const mapped = field(nodes, 'arc__mapped') as number[];
      const unmapped = field(nodes, 'arc__unmapped') as number[];
      mapped.forEach((m, i) => expect([0, 1]).toContainEqual(Math.round((m + unmapped[i]) * 1e6) / 1e6));
    });

    test('bad filters are a 400', async () => {
      expect((await get('/api/v1/networks/topology?failover_type=both')).status).toBe(400);
      expect((await get(`/api/v1/networks/topology?vcenter=${'x'.repeat(256)}`)).status).toBe(400);
    });
  });

  describe('recommendations', () => {
    test('on the demo world, names alone put the prepared network first for nearly every port group', async () => {
      const world = buildWorld(7);
      // History would make this trivial: judge names alone.
      const saved = await t.store.db.selectFrom('network_mappings').selectAll().execute();
      await t.store.db.deleteFrom('network_mappings').execute();
      try {
        const { body } = await get<RecommendationList>('/api/v1/networks/recommendations?limit=3');
        let judged = 0;
        let top1 = 0;
        for (const r of body.data) {
          const pg = world.datacenters.flatMap((d) => d.portGroups).find((p) => p.name === r.source_network);
          if (!pg?.liveNetworkId) continue;
          judged++;
          if (r.candidates[0]?.network_id === pg.liveNetworkId) top1++;
        }
        expect(judged).toBeGreaterThan(10);
        expect(top1 / judged).toBeGreaterThanOrEqual(0.9);
      } finally {
        for (let i = 0; i < saved.length; i += 200) {
          await t.store.db
            .insertInto('network_mappings')
            .values(saved.slice(i, i + 200).map(({ id: _id, ...row }) => row))
            .execute();
        }
      }
    });

    test('candidates are best first, scores in 0..1, with reasons; filters work', async () => {
      const [vm, networks] = [...nicsOf].find(([, n]) => n.length > 0)!;
      const { status, body } = await get<RecommendationList>(
        `/api/v1/networks/recommendations?failover_type=test&vm=${encodeURIComponent(vm)}&limit=5`,
      );
      expect(status).toBe(200);
      expect(body.failover_type).toBe('test');
      expect(body.data.map((r) => r.source_network).sort()).toEqual([...networks].sort());
      for (const r of body.data) {
        expect(r.candidates.length).toBeLessThanOrEqual(5);
        const scores = r.candidates.map((c) => c.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        for (const c of r.candidates) expect(c.score).toBeGreaterThanOrEqual(0);
        expect(scores.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.001);
        expect(r.candidates[0].reasons.length).toBeGreaterThan(0);
      }
      const one = await get<RecommendationList>(
        `/api/v1/networks/recommendations?source_network=${encodeURIComponent(networks[0])}`,
      );
      expect(one.body.data.map((r) => r.source_network)).toEqual([networks[0]]);
    });

    test('an unknown VM is a 404; bad parameters are a 400', async () => {
      expect((await get('/api/v1/networks/recommendations?vm=no-such-vm')).status).toBe(404);
      expect((await get('/api/v1/networks/recommendations?limit=0')).status).toBe(400);
      expect((await get('/api/v1/networks/recommendations?unmapped_only=perhaps')).status).toBe(400);
    });
  });

  describe('bulk mapping', () => {
    /** A VM with at least one NIC and the top live candidate of its first network. */
    async function pick() {
      const [vm, networks] = [...nicsOf].find(([, n]) => n.length > 0)!;
      const recs = (
        await get<RecommendationList>(
          `/api/v1/networks/recommendations?source_network=${encodeURIComponent(networks[0])}`,
        )
      ).body;
      const destinations = (
        await t.store.db.selectFrom('omi_cloudstack_networks').select(['id', 'name']).orderBy('id').execute()
      ).map((d) => d.id);
      return { vm, network: networks[0], top: recs.data[0].candidates[0].network_id, destinations };
    }

    test('a dry run reports the diff and validation and changes nothing', async () => {
      const { network, destinations } = await pick();
      const before = await fingerprint(t);
      const res = await bulk({
        selector: { source_network: network },
        rules: [{ source_network: network, destination_network_id: destinations[0] }],
        dry_run: true,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<BulkMappingResult>();
      expect(body).toMatchObject({ dry_run: true, applied: false });
      const onNetwork = [...nicsOf].filter(([, n]) => n.includes(network)).length;
      expect(body.summary.vms_matched).toBe(onNetwork);
      expect(body.summary.created + body.summary.updated + body.summary.unchanged).toBe(onNetwork);
      expect(body.changes.length).toBe(body.summary.created + body.summary.updated);
      expect(body.validation.summary.vms).toBe(onNetwork);
      expect(await fingerprint(t)).toBe(before);
    });

    test('apply writes every change in one go, audits it with the request id, and publishes events', async () => {
      const { network, destinations } = await pick();
      const destination = destinations[1];
      t.events.length = 0;
      const res = await bulk({
        selector: { source_network: network },
        rules: [
          { source_network: network, destination_network_id: destination },
          { source_network: network, destination_network_id: destinations[2], is_test_network: true },
        ],
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<BulkMappingResult>();
      expect(body).toMatchObject({ dry_run: false, applied: true });
      const vms = [...nicsOf].filter(([, n]) => n.includes(network)).map(([vm]) => vm);
      const rows = (await liveMappings()).filter((m) => m.source_network_name === network);
      for (const vm of vms) {
        expect(
          rows.find((m) => m.vm_id === vm && Number(m.is_test_network) === 0)?.destination_network_id,
        ).toBe(destination);
        expect(
          rows.find((m) => m.vm_id === vm && Number(m.is_test_network) === 1)?.destination_network_id,
        ).toBe(destinations[2]);
      }
      const audit = await get<{ entries: { request_id: string | null; after: string; actor: string }[] }>(
        `/api/v1/network-mappings/audit?source_network_name=${encodeURIComponent(network)}&limit=1000`,
      );
      const requestIds = new Set(audit.body.entries.slice(0, body.changes.length).map((e) => e.request_id));
      expect(requestIds.size).toBe(1);
      const [requestId] = requestIds;
      const byRequest = await get<{ entries: unknown[] }>(
        `/api/v1/network-mappings/audit?request_id=${requestId}`,
      );
      expect(byRequest.body.entries).toHaveLength(body.changes.length);
      expect(audit.body.entries[0].actor).toBe('writer');
      expect(t.events.filter((e) => e.type === 'mapping_changed')).toHaveLength(body.changes.length);

      // The same request again changes nothing.
      const again = (
        await bulk({
          selector: { source_network: network },
          rules: [
            { source_network: network, destination_network_id: destination },
            { source_network: network, destination_network_id: destinations[2], is_test_network: true },
          ],
        })
      ).json<BulkMappingResult>();
      expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: vms.length * 2 });
    });

    test('use_recommendations maps to the top candidate and records rank 1 (adoption)', async () => {
      // A VM NIC whose network has a likely top candidate, unmapped first so the bulk request must create it.
      const recs = (await get<RecommendationList>('/api/v1/networks/recommendations?limit=1')).body.data;
      const likely = recs.find((r) => r.candidates[0]?.score >= 0.5)!;
      const vm = [...nicsOf].find(([, n]) => n.includes(likely.source_network))![0];
      await t.store.db
        .deleteFrom('network_mappings')
        .where('vm_id', '=', vm)
        .where('source_network_name', '=', likely.source_network)
        .where('is_test_network', '=', 0)
        .execute();
      const res = await bulk({
        selector: { vm_names: [vm] },
        use_recommendations: true,
        failover_type: 'live',
      });
      expect(res.statusCode).toBe(200);
      const change = res
        .json<BulkMappingResult>()
        .changes.find((c) => c.source_network === likely.source_network);
      expect(change).toMatchObject({
        vm_name: vm,
        before: null,
        after: { network_id: likely.candidates[0].network_id },
        recommendation_rank: 1,
      });
      const adoption = await get<{
        overall: { changes: number; top1: number };
        by_source_network: { source_network: string; top1: number }[];
      }>('/api/v1/networks/recommendations/adoption');
      expect(adoption.status).toBe(200);
      expect(adoption.body.overall.top1).toBeGreaterThan(0);
      expect(
        adoption.body.by_source_network.find((b) => b.source_network === likely.source_network)?.top1,
      ).toBeGreaterThan(0);
      // The same figures as frames, over a /query time range that covers the change.
      const frames = await t.app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer('reader'),
        payload: {
          range: { from: Date.now() - 86_400_000, to: Date.now() + 60_000 },
          queries: [{ refId: 'A', queryType: 'networkAdoption' }],
        },
      });
      const [overall, byDay, bySource] = frames.json().results.A.frames;
      const value = (frame: { fields: { name: string; values: unknown[] }[] }, name: string) =>
        frame.fields.find((f) => f.name === name)!.values;
      expect([overall.name, byDay.name, bySource.name]).toEqual([
        'adoption',
        'adoption_by_day',
        'adoption_by_source',
      ]);
      expect(value(overall, 'top1')[0]).toBeGreaterThan(0);
      expect((value(byDay, 'changes') as number[]).reduce((a, b) => a + b, 0)).toBe(
        value(overall, 'changes')[0],
      );
      expect(value(bySource, 'source_network')).toContain(likely.source_network);
    });

    test('a retried request with the same Idempotency-Key returns the first answer and changes nothing', async () => {
      const { network, destinations } = await pick();
      const payload = {
        selector: { source_network: network },
        rules: [{ source_network: network, destination_network_id: destinations[3] }],
      };
      const first = await bulk(payload, { 'idempotency-key': `key-${target}-1` });
      expect(first.statusCode).toBe(200);
      const afterFirst = await fingerprint(t);
      const second = await bulk(payload, { 'idempotency-key': `key-${target}-1` });
      expect(second.statusCode).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json()).toEqual(first.json());
      expect(await fingerprint(t)).toBe(afterFirst);
      const reused = await bulk(
        { ...payload, dry_run: false, failover_type: 'test' },
        { 'idempotency-key': `key-${target}-1` },
      );
      expect(reused.statusCode).toBe(422);
      expect(reused.json().error.code).toBe('idempotency_key_reused');
      expect(await fingerprint(t)).toBe(afterFirst);
    });

    test('bad input gets a 4xx that says what is wrong, and nothing changes', async () => {
      const { vm, network, destinations } = await pick();
      const rule = { source_network: network, destination_network_id: destinations[0] };
      const cases: [unknown, number, string][] = [
        [{ selector: {}, rules: [rule] }, 400, ''],
        [{ selector: { vm_names: [] }, rules: [rule] }, 400, ''],
        [{ selector: { vm_names: [vm] } }, 422, 'no_rules'],
        [{ selector: { vm_names: [vm] }, rules: [rule], use_recommendations: true }, 422, 'ambiguous_mode'],
        [{ selector: { vm_names: [vm, 'ghost-vm'] }, rules: [rule] }, 422, 'unknown_vms'],
        [
          { selector: { vm_names: [vm] }, rules: [{ ...rule, destination_network_id: 'no-such-net' }] },
          422,
          'unknown_destination_network',
        ],
        [
          { selector: { vm_names: [vm] }, rules: [{ ...rule, source_network: 'no-such-pg' }] },
          422,
          'rule_matches_no_nic',
        ],
        [
          {
            selector: { vm_names: [vm] },
            rules: [rule, { ...rule, destination_network_id: destinations[1] }],
          },
          422,
          'conflicting_rules',
        ],
        [
          { selector: { name_pattern: { match: 'regex', value: '([a-z' } }, rules: [rule] },
          422,
          'invalid_regex',
        ],
        [
          { selector: { name_pattern: { match: 'regex', value: '(a+)+$' } }, rules: [rule] },
          422,
          'unsafe_regex',
        ],
        [{ selector: { name_pattern: { match: 'glob', value: '*' } }, rules: [rule] }, 400, ''],
        [
          { selector: { name_pattern: { match: 'exact', value: 'nobody-has-this-name' } }, rules: [rule] },
          422,
          'no_vms_matched',
        ],
        [{ selector: { vm_names: [vm] }, rules: [rule], failover_type: 'both' }, 400, ''],
        [{ selector: { vm_names: [vm] }, rules: [rule], extra: 1 }, 400, ''],
      ];
      const before = await fingerprint(t);
      for (const [payload, status, code] of cases) {
        const res = await bulk(payload);
        expect({ payload, status: res.statusCode }).toEqual({ payload, status });
        if (code) expect(res.json().error.code).toBe(code);
        expect(res.json().error.message.length).toBeGreaterThan(10);
      }
      const viewer = await t.app.inject({
        method: 'POST',
        url: '/api/v1/networks/bulk-mapping',
        headers: bearer('reader'),
        payload: { selector: { vm_names: [vm] }, rules: [rule] },
      });
      expect(viewer.statusCode).toBe(403);
      expect(await fingerprint(t)).toBe(before);
    });

    test('the audit pages newest first by its cursor, and refuses a cursor it did not issue', async () => {
      type Page = { entries: { id: number }[]; next_cursor: string | null };
      const all = (await get<Page>('/api/v1/network-mappings/audit?limit=5000')).body.entries.map(
        (e) => e.id,
      );
      expect(all.length).toBeGreaterThan(2);
      const first = (await get<Page>('/api/v1/network-mappings/audit?limit=2')).body;
      const second = (
        await get<Page>(
          `/api/v1/network-mappings/audit?limit=2&cursor=${encodeURIComponent(first.next_cursor!)}`,
        )
      ).body;
      expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(all.slice(0, 4));
      for (const cursor of ['garbage', Buffer.from(JSON.stringify(['v1', 'x'])).toString('base64url')]) {
        const res = await get<{ error: { code: string } }>(`/api/v1/network-mappings/audit?cursor=${cursor}`);
        expect([res.status, res.body.error.code]).toEqual([400, 'invalid_cursor']);
      }
    });

    test('a 100,000-name selector is answered with a 422 listing a few unknown names, not a 500', async () => {
      const { vm, network, destinations } = await pick();
      const names = [vm, ...Array.from({ length: 99_999 }, (_, i) => `ghost-${i}`)];
      const before = await fingerprint(t);
      const res = await bulk({
        selector: { vm_names: names },
        rules: [{ source_network: network, destination_network_id: destinations[0] }],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('unknown_vms');
      expect(res.json().error.message).toMatch(/^99999 of the vm_names/);
      expect(await fingerprint(t)).toBe(before);
      const tooMany = await bulk({
        selector: { vm_names: [...names, 'one-more'] },
        rules: [{ source_network: network, destination_network_id: destinations[0] }],
      });
      expect(tooMany.statusCode).toBe(400);
    });

    test('parallel bulk requests on overlapping VMs: no 500, no lost update, every change audited', async () => {
      const destinations = (
        await t.store.db.selectFrom('omi_cloudstack_networks').select('id').orderBy('id').execute()
      ).map((d) => d.id);
      const networks = [...new Set([...nicsOf.values()].flat())].sort();
      const auditBefore = Number(
        (
          await t.store.db
            .selectFrom('omi_mapping_audit')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      // Each request maps every network of all VMs to its own destination.
      const requests = destinations.slice(0, 5).map((destination) =>
        bulk({
          selector: { name_pattern: { match: 'contains', value: '-' } },
          rules: networks.map((n) => ({ source_network: n, destination_network_id: destination })),
        }),
      );
      const results = await Promise.all(requests);
      for (const r of results) expect(r.statusCode).toBe(200);
      const reported = results.reduce((a, r) => a + r.json<BulkMappingResult>().changes.length, 0);
      const auditAfter = Number(
        (
          await t.store.db
            .selectFrom('omi_mapping_audit')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(auditAfter - auditBefore).toBe(reported);
      // Requests ran one after another on these rows: every live mapping of every NIC holds the
      // destination of whichever request committed last, the same for all of them.
      const rows = (await liveMappings()).filter((m) => Number(m.is_test_network) === 0);
      const finals = new Set(
        [...nicsOf].flatMap(([vm, nics]) =>
          nics.map(
            (n) => rows.find((m) => m.vm_id === vm && m.source_network_name === n)?.destination_network_id,
          ),
        ),
      );
      expect(finals.size).toBe(1);
      expect(destinations.slice(0, 5)).toContain([...finals][0]);
    });
  });
});
