import { dst, edgesFrame, nodesFrame, src, vmsFrame, type VmRow } from '../test-utils/frames';
import { buildTopologyModel } from './topology-model';
import { isVmsFrame, readVmRows, vmsBehind } from './vms';

const rows: VmRow[] = [
  // web-02 has two NICs: on PG-App and on PG-Backup.
  {
    vm_name: 'web-02',
    source_network: 'PG-App',
    live_network_id: 'n1',
    live_network_name: 'app',
    live_validation: 'valid',
    test_network_id: 't1',
    test_network_name: 'app-test',
  },
  { vm_name: 'web-02', source_network: 'PG-Backup', live_network_id: 'n2', live_network_name: 'backup' },
  {
    vm_name: 'web-01',
    source_network: 'PG-App',
    vcenter: 'vc1',
    datacenter: 'DC1',
    status: 'replicating',
    live_network_id: 'n1',
    live_network_name: 'app',
    live_validation: 'invalid',
  },
  {
    vm_name: 'db-01',
    source_network: 'PG-App',
    live_network_id: 'n2',
    live_network_name: 'backup',
    test_network_id: 't1',
  },
  { vm_name: 'dev-01', source_network: 'PG-Dev' },
];

const model = buildTopologyModel(
  [
    nodesFrame([
      src('PG-App', 3),
      src('PG-Backup', 1),
      src('PG-Dev', 1, 'unmapped'),
      dst('n1', 'app', 2),
      dst('n2', 'backup', 2),
    ]),
    edgesFrame([
      { source: 'src:PG-App', target: 'dst:n1', vm_count: 2 },
      { source: 'src:PG-App', target: 'dst:n2', vm_count: 1 },
      { source: 'src:PG-Backup', target: 'dst:n2', vm_count: 1 },
    ]),
  ],
  { minScore: 0 },
);
const node = (id: string) => [...model.sources, ...model.destinations].find((n) => n.id === id)!;
const names = (list: Array<{ vmName: string }>) => list.map((v) => v.vmName);

describe('readVmRows', () => {
  it('recognises the networkVms table and reads every NIC row', () => {
    const frame = vmsFrame(rows);
    expect(isVmsFrame(frame)).toBe(true);
    expect(isVmsFrame(nodesFrame([]))).toBe(false);
    expect(readVmRows([nodesFrame([]), frame])).toHaveLength(5);
  });

  it('is undefined without a networkVms frame (the panel then asks for that query)', () => {
    expect(readVmRows([nodesFrame([])])).toBeUndefined();
  });

  it('skips rows without a VM name or source network', () => {
    const frame = vmsFrame([
      { vm_name: '', source_network: 'x' },
      { vm_name: 'a', source_network: '' },
      rows[0],
    ]);
    expect(readVmRows([frame])).toHaveLength(1);
  });
});

describe('vmsBehind', () => {
  const all = readVmRows([vmsFrame(rows)])!;

  it('a source network: every VM with a NIC on it, sorted, with its mapping for the failover shown', () => {
    const vms = vmsBehind(all, { type: 'node', node: node('src:PG-App') }, 'live');
    expect(names(vms)).toEqual(['db-01', 'web-01', 'web-02']);
    expect(vms[1]).toEqual({
      vmName: 'web-01',
      vcenter: 'vc1',
      datacenter: 'DC1',
      status: 'replicating',
      sourceNetwork: 'PG-App',
      networkId: 'n1',
      networkName: 'app',
      validation: 'invalid',
    });
  });

  it('a destination network: the VMs mapped to it for that failover type', () => {
    expect(names(vmsBehind(all, { type: 'node', node: node('dst:n2') }, 'live'))).toEqual([
      'db-01',
      'web-02',
    ]);
    expect(
      vmsBehind(all, { type: 'node', node: node('dst:n2') }, 'live').map((v) => v.sourceNetwork),
    ).toEqual(['PG-App', 'PG-Backup']);
    expect(names(vmsBehind(all, { type: 'node', node: node('dst:n1') }, 'test'))).toEqual([]);
  });

  it('a mapping edge: the VMs of its source network mapped to its destination', () => {
    const edge = model.mappings.find((e) => e.id === 'src:PG-App->dst:n2')!;
    const sel = {
      type: 'edge' as const,
      edge,
      sourceNetwork: 'PG-App',
      networkId: 'n2',
      networkName: 'backup',
    };
    expect(names(vmsBehind(all, sel, 'live'))).toEqual(['db-01']);
    const toN1 = model.mappings.find((e) => e.id === 'src:PG-App->dst:n1')!;
    expect(
      names(
        vmsBehind(
          all,
          { type: 'edge', edge: toN1, sourceNetwork: 'PG-App', networkId: 'n1', networkName: 'app' },
          'live',
        ),
      ),
    ).toEqual(['web-01', 'web-02']);
  });

  it('a recommendation: every VM of its source network, mapped or not', () => {
    const edge = {
      kind: 'recommendation' as const,
      id: 'r',
      source: 'src:PG-Dev',
      target: 'dst:n1',
      sourceNetwork: 'PG-Dev',
      networkId: 'n1',
      networkName: 'app',
      score: 0.5,
      reasons: [],
      vmCount: 1,
    };
    const vms = vmsBehind(
      all,
      { type: 'edge', edge, sourceNetwork: 'PG-Dev', networkId: 'n1', networkName: 'app' },
      'test',
    );
    expect(vms).toEqual([expect.objectContaining({ vmName: 'dev-01', networkId: null, networkName: null })]);
  });
});
