// Network mapping query types: the same views as the REST endpoints, as data frames. Topology
// comes in the Node Graph panel's layout so Grafana's built-in panel draws it.
import type { Adoption, WireFrame } from '@oma-insights/contracts';
import { loadDestinations, loadMappings, loadVmNetworks, MappingIndex } from '../networks/inventory';
import { adoption } from '../networks/adoption';
import { loadRecommender } from '../networks/recommend/recommendations';
import { buildTopology } from '../networks/topology';
import { toFrame, type Column } from './frames';
import type { QueryContext } from './handlers';
import { listOf, type QueryOf } from './query-types';

const NODE_GRAPH = { preferredVisualisationType: 'nodeGraph' };
const COLOURS = { ok: 'green', problem: 'red', pending: 'text', partial: 'orange' };
const DEFAULT_VM_ROWS = 5000;

export async function networkTopology(
  { db }: QueryContext,
  q: QueryOf<'networkTopology'>,
): Promise<WireFrame[]> {
  const vcenters = listOf(q.vcenter);
  const datacenters = listOf(q.datacenter);
  const failoverType = q.failoverType ?? 'live';
  const [vms, mappings, destinations] = await Promise.all([
    loadVmNetworks(db, { vcenters, datacenters }),
    loadMappings(db, failoverType),
    loadDestinations(db),
  ]);
  const topology = buildTopology({
    vms,
    mappings,
    destinations,
    failoverType,
    filtered: vcenters.length > 0 || datacenters.length > 0,
  });
  const unmappedBy = new Map(topology.unmapped.map((u) => [u.source_network, u.vm_count]));
  type Node = (typeof topology.nodes)[number];
  const unmappedOf = (n: Node) => (n.kind === 'source' ? (unmappedBy.get(n.name) ?? 0) : 0);
  const share = (n: Node, part: number) => (n.vm_count > 0 ? part / n.vm_count : 0);
  const nodeColumns: Column<Node>[] = [
    { name: 'id', type: 'string', value: (n) => n.id },
    { name: 'title', type: 'string', value: (n) => n.name },
    {
      name: 'subtitle',
      type: 'string',
      value: (n) =>
        n.kind === 'source'
          ? `VMware${n.vlan ? ` · VLAN ${n.vlan}` : ''}`
          : `CloudStack${n.zone ? ` · ${n.zone}` : ''}${n.state && n.state !== 'Implemented' ? ` · ${n.state}` : ''}`,
    },
    { name: 'mainstat', type: 'number', value: (n) => n.vm_count, config: { displayName: 'VMs' } },
    { name: 'secondarystat', type: 'number', value: unmappedOf, config: { displayName: 'Unmapped VMs' } },
    {
      name: 'arc__mapped',
      type: 'number',
      value: (n) => (n.kind === 'source' ? share(n, n.vm_count - unmappedOf(n)) : n.vm_count > 0 ? 1 : 0),
      config: { displayName: 'Mapped', color: { mode: 'fixed', fixedColor: COLOURS.ok } },
    },
    {
      name: 'arc__unmapped',
      type: 'number',
      value: (n) => share(n, unmappedOf(n)),
      config: { displayName: 'Unmapped', color: { mode: 'fixed', fixedColor: COLOURS.problem } },
    },
    { name: 'detail__kind', type: 'string', value: (n) => n.kind, config: { displayName: 'Kind' } },
    { name: 'detail__state', type: 'string', value: (n) => n.state, config: { displayName: 'State' } },
    { name: 'detail__vlan', type: 'string', value: (n) => n.vlan, config: { displayName: 'VLAN' } },
    { name: 'detail__zone', type: 'string', value: (n) => n.zone, config: { displayName: 'Zone' } },
  ];
  type Edge = (typeof topology.edges)[number];
  const edgeColumns: Column<Edge>[] = [
    { name: 'id', type: 'string', value: (e) => e.id },
    { name: 'source', type: 'string', value: (e) => e.source },
    { name: 'target', type: 'string', value: (e) => e.target },
    { name: 'mainstat', type: 'number', value: (e) => e.vm_count, config: { displayName: 'VMs' } },
    {
      name: 'color',
      type: 'string',
      value: (e) =>
        e.validation_status === 'invalid'
          ? COLOURS.problem
          : e.validation_status === 'valid'
            ? COLOURS.ok
            : e.validation_status === 'mixed'
              ? COLOURS.partial
              : COLOURS.pending,
    },
    {
      name: 'detail__validation_status',
      type: 'string',
      value: (e) => e.validation_status,
      config: { displayName: 'Validation' },
    },
    {
      name: 'detail__is_test_network',
      type: 'boolean',
      value: (e) => e.is_test_network,
      config: { displayName: 'Test network' },
    },
  ];
  return [
    toFrame('nodes', q.refId, nodeColumns, topology.nodes, NODE_GRAPH),
    toFrame('edges', q.refId, edgeColumns, topology.edges, NODE_GRAPH),
  ];
}

export async function networkRecommendations(
  { db }: QueryContext,
  q: QueryOf<'networkRecommendations'>,
): Promise<WireFrame[]> {
  const recommender = await loadRecommender(db);
  const recommendations = recommender.recommend({
    failoverType: q.failoverType ?? 'live',
    sourceNetwork: q.sourceNetwork || undefined,
    unmappedOnly: q.unmappedOnly,
    limit: q.candidates ?? 3,
  });
  const rows = recommendations.flatMap((r) => r.candidates.map((c, i) => ({ r, c, rank: i + 1 })));
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    {
      name: 'source_network',
      type: 'string',
      value: (x) => x.r.source_network,
      config: { displayName: 'Source network' },
    },
    { name: 'vm_count', type: 'number', value: (x) => x.r.vm_count, config: { displayName: 'VMs' } },
    {
      name: 'current_network_id',
      type: 'string',
      value: (x) => x.r.current?.network_id ?? null,
      config: { displayName: 'Current' },
    },
    { name: 'rank', type: 'number', value: (x) => x.rank, config: { displayName: 'Rank' } },
    { name: 'network_id', type: 'string', value: (x) => x.c.network_id },
    {
      name: 'network_name',
      type: 'string',
      value: (x) => x.c.network_name,
      config: { displayName: 'Destination' },
    },
    {
      name: 'score',
      type: 'number',
      value: (x) => x.c.score,
      config: { displayName: 'Score', unit: 'percentunit', min: 0, max: 1, decimals: 2 },
    },
    {
      name: 'reasons',
      type: 'string',
      value: (x) => x.c.reasons.join('; '),
      config: { displayName: 'Reasons' },
    },
  ];
  return [
    toFrame('recommendations', q.refId, columns, rows, {
      custom: { failoverType: q.failoverType ?? 'live' },
    }),
  ];
}

export async function networkVms({ db }: QueryContext, q: QueryOf<'networkVms'>): Promise<WireFrame[]> {
  const [vms, mappings, destinations] = await Promise.all([
    loadVmNetworks(db, { vcenters: listOf(q.vcenter), datacenters: listOf(q.datacenter) }),
    loadMappings(db),
    loadDestinations(db),
  ]);
  const index = new MappingIndex(mappings);
  const names = new Map(destinations.map((d) => [d.id, d.name]));
  const sourceNetworks = new Set(listOf(q.sourceNetwork));
  const search = q.search?.toLowerCase();
  const exactNames = new Set(listOf(q.vm));
  const limit = q.limit ?? DEFAULT_VM_ROWS;
  const rows = [];
  outer: for (const vm of vms) {
    if (search && !vm.vm_name.toLowerCase().includes(search)) continue;
    if (exactNames.size && !exactNames.has(vm.vm_name)) continue;
    for (const network of vm.networks) {
      if (sourceNetworks.size && !sourceNetworks.has(network)) continue;
      if (rows.length >= limit) break outer;
      rows.push({ vm, network, live: index.of(vm, network, 'live'), test: index.of(vm, network, 'test') });
    }
  }
  type Row = (typeof rows)[number];
  const destinationName = (m: Row['live']) =>
    m ? (names.get(m.destination_network_id) ?? m.destination_network_name) : null;
  const columns: Column<Row>[] = [
    { name: 'vm_name', type: 'string', value: (r) => r.vm.vm_name, config: { displayName: 'VM' } },
    { name: 'vcenter', type: 'string', value: (r) => r.vm.vcenter_host, config: { displayName: 'vCenter' } },
    {
      name: 'datacenter',
      type: 'string',
      value: (r) => r.vm.datacenter,
      config: { displayName: 'Datacenter' },
    },
    { name: 'status', type: 'string', value: (r) => r.vm.current_status, config: { displayName: 'Status' } },
    {
      name: 'source_network',
      type: 'string',
      value: (r) => r.network,
      config: { displayName: 'Source network' },
    },
    { name: 'live_network_id', type: 'string', value: (r) => r.live?.destination_network_id ?? null },
    {
      name: 'live_network_name',
      type: 'string',
      value: (r) => destinationName(r.live),
      config: { displayName: 'Live' },
    },
    { name: 'live_validation', type: 'string', value: (r) => r.live?.validation_status ?? null },
    { name: 'test_network_id', type: 'string', value: (r) => r.test?.destination_network_id ?? null },
    {
      name: 'test_network_name',
      type: 'string',
      value: (r) => destinationName(r.test),
      config: { displayName: 'Test' },
    },
    { name: 'test_validation', type: 'string', value: (r) => r.test?.validation_status ?? null },
  ];
  return [toFrame('network_vms', q.refId, columns, rows, { custom: { truncated: rows.length >= limit } })];
}

/** Adoption of recommendations over the query's time range: overall, by UTC day, by source network. */
export async function networkAdoption(
  { db, time, range }: QueryContext,
  q: QueryOf<'networkAdoption'>,
): Promise<WireFrame[]> {
  const a = await adoption(db, time, range);
  type Counts = Adoption['overall'];
  const rate: Column<Counts> = {
    name: 'rate',
    type: 'number',
    value: (c) => c.rate,
    config: { displayName: 'Took the top recommendation', unit: 'percentunit', min: 0, max: 1 },
  };
  const counts: Column<Counts>[] = [
    { name: 'changes', type: 'number', value: (c) => c.changes, config: { displayName: 'Mapping changes' } },
    { name: 'top1', type: 'number', value: (c) => c.top1, config: { displayName: 'Top recommendation' } },
    { name: 'in_top3', type: 'number', value: (c) => c.in_top3, config: { displayName: 'Among the top 3' } },
  ];
  type Day = Adoption['by_day'][number];
  type Source = Adoption['by_source_network'][number];
  return [
    // A display name of its own, so a stat panel can pick it out of the three frames.
    toFrame(
      'adoption',
      q.refId,
      [
        { ...rate, name: 'overall_rate', config: { ...rate.config, displayName: 'Overall adoption' } },
        ...counts,
      ],
      [a.overall],
    ),
    toFrame(
      'adoption_by_day',
      q.refId,
      [
        { name: 'time', type: 'time', value: (d: Day) => Date.parse(`${d.day}T00:00:00Z`) },
        rate as Column<Day>,
        ...(counts.slice(0, 2) as Column<Day>[]),
      ],
      a.by_day,
    ),
    toFrame(
      'adoption_by_source',
      q.refId,
      [
        {
          name: 'source_network',
          type: 'string',
          value: (s: Source) => s.source_network,
          config: { displayName: 'Source network' },
        },
        rate as Column<Source>,
        ...(counts as Column<Source>[]),
      ],
      a.by_source_network,
    ),
  ];
}
