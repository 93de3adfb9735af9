// Source networks -> destination networks exactly as the mappings say, counting distinct VMs. Pure.
import type { FailoverType, Topology, TopologyEdge, TopologyNode } from '@oma-insights/contracts';
import { isTestMapping, type MappingFact } from './inventory';
import { nameFeatures, type DestinationFacts } from './recommend/features';
import type { VmNetworks } from './source-networks';

export const sourceNodeId = (network: string) => `src:${network}`;
export const destinationNodeId = (id: string) => `dst:${id}`;

function edgeStatus(statuses: (string | null)[]): TopologyEdge['validation_status'] {
  if (statuses.some((s) => s === 'invalid')) return 'invalid';
  if (statuses.every((s) => s === 'valid')) return 'valid';
  if (statuses.every((s) => s !== 'valid')) return 'pending';
  return 'mixed';
}

function vlanInName(name: string): string | null {
  const f = nameFeatures(name);
  const vlan = [...f.explicitVlans][0] ?? f.trailingVlan;
  return vlan ? String(vlan) : null;
}

export interface TopologyInput {
  /** The VMs in scope (already filtered by vCenter/datacenter). */
  vms: VmNetworks[];
  mappings: MappingFact[];
  destinations: DestinationFacts[];
  failoverType: FailoverType;
  /** Whether VMs were filtered: then a mapping whose VM is unknown is out of scope. */
  filtered: boolean;
}

export function buildTopology({
  vms,
  mappings,
  destinations,
  failoverType,
  filtered,
}: TopologyInput): Topology {
  const vmByKey = new Map<string, VmNetworks>();
  for (const vm of vms) {
    // Older OMA rows name their VM in vm_id by name or VMware UUID, without a context id.
    vmByKey.set(vm.context_id, vm);
    vmByKey.set(vm.vm_name, vm);
    vmByKey.set(vm.vmware_vm_id, vm);
  }
  // Source network -> VMs on it (by a stable owner key).
  const sources = new Map<string, Set<string>>();
  const onNetwork = (network: string) => {
    let set = sources.get(network);
    if (!set) sources.set(network, (set = new Set()));
    return set;
  };
  for (const vm of vms) for (const network of vm.networks) onNetwork(network).add(vm.context_id);

  const mappedBySource = new Map<string, Set<string>>();
  const edges = new Map<
    string,
    { source: string; target: string; vms: Set<string>; statuses: (string | null)[] }
  >();
  const destinationVms = new Map<string, Set<string>>();
  const missing = new Map<string, string>();
  const known = new Map(destinations.map((d) => [d.id, d]));
  for (const m of mappings) {
    if (isTestMapping(m) !== (failoverType === 'test')) continue;
    const vm = (m.vm_context_id && vmByKey.get(m.vm_context_id)) || vmByKey.get(m.vm_id);
    if (!vm && filtered) continue;
    const owner = vm?.context_id ?? m.vm_context_id ?? m.vm_id;
    onNetwork(m.source_network_name).add(owner);
    const mapped = mappedBySource.get(m.source_network_name) ?? new Set<string>();
    mapped.add(owner);
    mappedBySource.set(m.source_network_name, mapped);
    if (!known.has(m.destination_network_id))
      missing.set(m.destination_network_id, m.destination_network_name);
    const id = `${sourceNodeId(m.source_network_name)}->${destinationNodeId(m.destination_network_id)}`;
    let edge = edges.get(id);
    if (!edge) {
      edge = {
        source: sourceNodeId(m.source_network_name),
        target: destinationNodeId(m.destination_network_id),
        vms: new Set(),
        statuses: [],
      };
      edges.set(id, edge);
    }
    edge.vms.add(owner);
    edge.statuses.push(m.validation_status);
    const onDestination = destinationVms.get(m.destination_network_id) ?? new Set<string>();
    onDestination.add(owner);
    destinationVms.set(m.destination_network_id, onDestination);
  }

  const nodes: TopologyNode[] = [];
  const unmapped: Topology['unmapped'] = [];
  for (const [network, owners] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    const mapped = mappedBySource.get(network)?.size ?? 0;
    const missingVms = [...owners].filter((o) => !mappedBySource.get(network)?.has(o)).length;
    if (missingVms > 0) unmapped.push({ source_network: network, vm_count: missingVms });
    nodes.push({
      id: sourceNodeId(network),
      kind: 'source',
      name: network,
      vm_count: owners.size,
      vlan: vlanInName(network),
      zone: null,
      state: missingVms === 0 ? 'mapped' : mapped === 0 ? 'unmapped' : 'partial',
    });
  }
  for (const d of destinations) {
    if (d.is_system) continue;
    nodes.push({
      id: destinationNodeId(d.id),
      kind: 'destination',
      name: d.name,
      vm_count: destinationVms.get(d.id)?.size ?? 0,
      vlan: d.vlan ?? d.broadcast_uri ?? null,
      zone: d.zone_name ?? d.zone_id ?? null,
      state: d.state,
    });
  }
  for (const [id, name] of missing) {
    nodes.push({
      id: destinationNodeId(id),
      kind: 'destination',
      name,
      vm_count: destinationVms.get(id)?.size ?? 0,
      vlan: null,
      zone: null,
      state: 'missing',
    });
  }
  return {
    failover_type: failoverType,
    nodes,
    edges: [...edges].map(([id, e]) => ({
      id,
      source: e.source,
      target: e.target,
      vm_count: e.vms.size,
      is_test_network: failoverType === 'test',
      validation_status: edgeStatus(e.statuses),
    })),
    unmapped: unmapped.sort(
      (a, b) => b.vm_count - a.vm_count || a.source_network.localeCompare(b.source_network),
    ),
  };
}
