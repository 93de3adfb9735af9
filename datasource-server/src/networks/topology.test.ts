import type { MappingFact } from './inventory';
import type { DestinationFacts } from './recommend/features';
import type { VmNetworks } from './source-networks';
import { buildTopology } from './topology';

const vm = (name: string, networks: string[], datacenter = 'dc1'): VmNetworks => ({
  context_id: `ctx-${name}`,
  vm_name: name,
  vmware_vm_id: `uuid-${name}`,
  vcenter_host: 'vc1',
  datacenter,
  current_status: 'replicating',
  networks,
});

let id = 0;
const mapping = (
  vmName: string,
  source: string,
  destination: string,
  more: Partial<MappingFact> = {},
): MappingFact => ({
  id: ++id,
  vm_id: vmName,
  vm_context_id: `ctx-${vmName}`,
  source_network_name: source,
  destination_network_id: destination,
  destination_network_name: `name-${destination}`,
  is_test_network: 0,
  validation_status: 'valid',
  ...more,
});

const dest = (idValue: string, more: Partial<DestinationFacts> = {}): DestinationFacts => ({
  id: idValue,
  name: `Net ${idValue}`,
  state: 'Implemented',
  zone_id: 'z',
  zone_name: 'zone-1',
  network_type: 'Shared',
  cidr: null,
  vlan: 'vlan://10',
  broadcast_uri: null,
  is_default: false,
  can_use_for_deploy: true,
  is_system: false,
  tags: {},
  ...more,
});

describe('buildTopology', () => {
  const vms = [vm('a', ['web', 'db']), vm('b', ['web']), vm('c', ['web', 'db'], 'dc2')];
  const destinations = [dest('d1'), dest('d2'), dest('sys', { is_system: true })];
  const mappings = [
    mapping('a', 'web', 'd1'),
    mapping('b', 'web', 'd1', { validation_status: 'invalid' }),
    mapping('a', 'db', 'd2', { validation_status: 'pending' }),
    mapping('a', 'web', 'd2', { is_test_network: 1 }),
    // An older row that names its VM only by name, no context id.
    mapping('c', 'web', 'd2', { vm_context_id: null }),
  ];

  test('edges count distinct VMs and carry the worst validation status', () => {
    const t = buildTopology({ vms, mappings, destinations, failoverType: 'live', filtered: false });
    const edges = Object.fromEntries(t.edges.map((e) => [e.id, [e.vm_count, e.validation_status]]));
    expect(edges).toEqual({
      'src:web->dst:d1': [2, 'invalid'],
      'src:db->dst:d2': [1, 'pending'],
      'src:web->dst:d2': [1, 'valid'],
    });
  });

  test('nodes: sources with VM counts and mapped state, destinations without system networks', () => {
    const t = buildTopology({ vms, mappings, destinations, failoverType: 'live', filtered: false });
    const nodes = Object.fromEntries(t.nodes.map((n) => [n.id, [n.kind, n.vm_count, n.state]]));
    expect(nodes).toEqual({
      'src:db': ['source', 2, 'partial'],
      'src:web': ['source', 3, 'mapped'],
      'dst:d1': ['destination', 2, 'Implemented'],
      'dst:d2': ['destination', 2, 'Implemented'],
    });
    expect(t.unmapped).toEqual([{ source_network: 'db', vm_count: 1 }]);
  });

  test('test failover reads only test mappings', () => {
    const t = buildTopology({ vms, mappings, destinations, failoverType: 'test', filtered: false });
    expect(t.edges.map((e) => [e.id, e.is_test_network])).toEqual([['src:web->dst:d2', true]]);
    // a's web NIC has a test mapping; nothing else does. Ties sort by name.
    expect(t.unmapped).toEqual([
      { source_network: 'db', vm_count: 2 },
      { source_network: 'web', vm_count: 2 },
    ]);
  });

  test('a mapping to a network missing from the inventory shows as a missing node', () => {
    const t = buildTopology({
      vms,
      mappings: [mapping('a', 'web', 'gone')],
      destinations,
      failoverType: 'live',
      filtered: false,
    });
    expect(t.nodes.find((n) => n.id === 'dst:gone')).toMatchObject({
      state: 'missing',
      name: 'name-gone',
      vm_count: 1,
    });
  });

  test('when VMs are filtered, mappings of other VMs stay out', () => {
    const t = buildTopology({
      vms: vms.filter((v) => v.datacenter === 'dc1'),
      mappings,
      destinations,
      failoverType: 'live',
      filtered: true,
    });
    expect(t.edges.map((e) => e.id).sort()).toEqual(['src:db->dst:d2', 'src:web->dst:d1']);
  });

  test('older rows: a NULL test flag is live, a VMware UUID in vm_id finds its VM', () => {
    const t = buildTopology({
      vms,
      mappings: [mapping('uuid-b', 'web', 'd1', { vm_context_id: null, is_test_network: null })],
      destinations,
      failoverType: 'live',
      filtered: true,
    });
    expect(t.edges.map((e) => [e.id, e.vm_count])).toEqual([['src:web->dst:d1', 1]]);
    expect(t.unmapped.find((u) => u.source_network === 'web')?.vm_count).toBe(2);
  });
});
