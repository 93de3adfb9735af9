import { Value } from '@sinclair/typebox/value';
import { CloudStackNetwork } from '@oma-insights/contracts';
import { inventoryFrom, shorten } from './networks';

// A shared network as CloudStack 4.x lists it (field names from its listNetworks response),
// including fields the inventory does not keep.
const shared = {
  id: '8d7bd7a6-1b6e-4a0e-9d3e-2a7c1b6f0a11',
  name: 'PROD-WEB-VLAN120',
  displaytext: 'Production web tier',
  broadcastdomaintype: 'Vlan',
  traffictype: 'Guest',
  gateway: '10.20.120.1',
  netmask: '255.255.255.0',
  cidr: '10.20.120.0/24',
  zoneid: 'zone-a',
  zonename: 'Zone A',
  networkofferingid: 'c4b6…',
  networkofferingname: 'DefaultSharedNetworkOffering',
  state: 'Setup',
  related: '8d7bd7a6-1b6e-4a0e-9d3e-2a7c1b6f0a11',
  broadcasturi: 'vlan://120',
  dns1: '10.0.0.2',
  type: 'Shared',
  vlan: '120',
  acltype: 'Domain',
  domainid: 'd-1',
  domain: 'ROOT',
  isdefault: false,
  issystem: false,
  canusefordeploy: true,
  service: [{ name: 'Dhcp' }],
  tags: [
    { key: 'env', value: 'prod', resourcetype: 'Network', resourceid: 'x', account: 'admin', domain: 'ROOT' },
    { key: 'role', value: 'web', resourcetype: 'Network', resourceid: 'x', account: 'admin', domain: 'ROOT' },
  ],
};

const isolated = {
  id: 'f00d',
  name: 'app tier',
  displaytext: 'app tier',
  traffictype: 'Guest',
  zoneid: 'zone-b',
  state: 'Implemented',
  type: 'Isolated',
  acltype: 'Account',
  isdefault: true,
  issystem: false,
  canusefordeploy: false,
};

describe('inventoryFrom (listNetworks -> CloudStackNetwork)', () => {
  test('maps every kept field of a shared network and drops the rest', () => {
    const { networks, skipped, adjusted } = inventoryFrom([shared]);
    expect(skipped).toEqual([]);
    expect(adjusted).toBe(0);
    expect(networks).toEqual([
      {
        id: shared.id,
        name: 'PROD-WEB-VLAN120',
        display_text: 'Production web tier',
        state: 'Setup',
        zone_id: 'zone-a',
        zone_name: 'Zone A',
        network_type: 'Shared',
        traffic_type: 'Guest',
        gateway: '10.20.120.1',
        netmask: '255.255.255.0',
        cidr: '10.20.120.0/24',
        vlan: '120',
        broadcast_uri: 'vlan://120',
        is_default: false,
        is_shared: true,
        can_use_for_deploy: true,
        is_system: false,
        tags: [
          { key: 'env', value: 'prod' },
          { key: 'role', value: 'web' },
        ],
      },
    ]);
    expect(Value.Check(CloudStackNetwork, networks[0])).toBe(true);
  });

  test('an isolated network is not shared; a missing zone name comes from listZones; absent stays absent', () => {
    const { networks } = inventoryFrom([isolated], [{ id: 'zone-b', name: 'Zone B' }, { id: 'zone-a' }]);
    expect(networks).toEqual([
      {
        id: 'f00d',
        name: 'app tier',
        display_text: 'app tier',
        state: 'Implemented',
        zone_id: 'zone-b',
        zone_name: 'Zone B',
        network_type: 'Isolated',
        traffic_type: 'Guest',
        is_default: true,
        is_shared: false,
        can_use_for_deploy: false,
        is_system: false,
      },
    ]);
    expect(Object.keys(networks[0])).not.toContain('gateway');
  });

  test('without a type, a domain-wide ACL means shared and an account ACL does not', () => {
    const { networks } = inventoryFrom([
      { id: '1', name: 'a', acltype: 'Domain' },
      { id: '2', name: 'b', acltype: 'Account' },
      { id: '3', name: 'c' },
    ]);
    expect(networks.map((n) => n.is_shared)).toEqual([true, false, undefined]);
  });

  test('shortens free text, leaves out identifiers and addresses that would not fit, and counts both', () => {
    const long = {
      ...shared,
      name: 'n'.repeat(300),
      displaytext: 'd'.repeat(2000),
      cidr: 'c'.repeat(65),
      broadcasturi: `vlan://${'9'.repeat(300)}`,
      tags: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}${'x'.repeat(200)}`, value: 'v' })),
    };
    const { networks, skipped, adjusted } = inventoryFrom([long]);
    expect(skipped).toEqual([]);
    const [n] = networks;
    expect(n.name).toBe('n'.repeat(255));
    expect(n.display_text).toHaveLength(1024);
    expect(n).not.toHaveProperty('cidr');
    expect(n).not.toHaveProperty('broadcast_uri');
    expect(n.gateway).toBe(shared.gateway);
    expect(n.tags).toHaveLength(32);
    expect((n.tags as { key: string }[])[0].key).toHaveLength(128);
    // name, display text, cidr, broadcast URI, the tag overflow, and 32 tag keys
    expect(adjusted).toBe(4 + 1 + 32);
    expect(Value.Check(CloudStackNetwork, n)).toBe(true);
  });

  test('skips what cannot be a network, with a reason each', () => {
    const { networks, skipped } = inventoryFrom([
      'text',
      null,
      { name: 'no id' },
      { id: '  ', name: 'blank id' },
      { id: 'x'.repeat(256), name: 'long id' },
      { id: 'no-name' },
      { id: 'ok', name: 'first' },
      { id: 'ok', name: 'again' },
    ]);
    expect(networks.map((n) => n.name)).toEqual(['first']);
    expect(skipped).toEqual([
      { id: null, reason: 'not an object' },
      { id: null, reason: 'not an object' },
      { id: null, reason: 'no id' },
      { id: '  ', reason: 'no id' },
      { id: 'x'.repeat(80), reason: 'id longer than 255 characters' },
      { id: 'no-name', reason: 'no name' },
      { id: 'ok', reason: 'listed twice' },
    ]);
  });

  test('takes numbers and "true"/"false" strings, ignores other types', () => {
    const { networks } = inventoryFrom([
      { id: 42, name: 'n', vlan: 120, isdefault: 'true', canusefordeploy: 'no', issystem: 1, tags: 'x' },
    ]);
    expect(networks[0]).toEqual({ id: '42', name: 'n', vlan: '120', is_default: true });
  });

  test('unicode survives and is never cut inside a character', () => {
    const name = `${'a'.repeat(254)}🚀`; // the rocket is two UTF-16 units: 256 in all
    const { networks } = inventoryFrom([{ id: 'u', name, displaytext: 'Zürich 東京' }]);
    expect(networks[0].name).toBe('a'.repeat(254));
    expect(networks[0].display_text).toBe('Zürich 東京');
    expect(Value.Check(CloudStackNetwork, networks[0])).toBe(true);
    expect(shorten('ab🚀', 3)).toBe('ab');
    expect(shorten('ab🚀', 4)).toBe('ab🚀');
  });
});
