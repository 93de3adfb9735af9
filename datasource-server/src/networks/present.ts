import type { CloudStackNetwork, NetworkMapping } from '@oma-insights/contracts';
import type { CloudstackNetworkRow, NetworkMappingRow, OmiCloudstackNetworksTable } from '../db/schema';
import type { DbTime } from '../db/time';
import { parseJson } from '../oma/rows';

export function presentMapping(row: NetworkMappingRow, time: DbTime): NetworkMapping {
  return {
    id: Number(row.id),
    vm_id: row.vm_id,
    source_network_name: row.source_network_name,
    destination_network_id: row.destination_network_id,
    destination_network_name: row.destination_network_name,
    is_test_network: Number(row.is_test_network ?? 0) === 1,
    vm_context_id: row.vm_context_id,
    vmware_vm_id: row.vmware_vm_id,
    validation_status: row.validation_status as NetworkMapping['validation_status'],
    mapping_type: row.mapping_type as NetworkMapping['mapping_type'],
    network_strategy: row.network_strategy,
    last_validated: time.toIso(row.last_validated),
    created_at: time.toIso(row.created_at),
    updated_at: time.toIso(row.updated_at),
  };
}

const flag = (value: boolean | undefined, fallback: boolean) => ((value ?? fallback) ? 1 : 0);

export function networkToRow(network: CloudStackNetwork, updatedAt: string): OmiCloudstackNetworksTable {
  return {
    id: network.id,
    name: network.name,
    display_text: network.display_text ?? null,
    state: network.state ?? null,
    zone_id: network.zone_id ?? null,
    zone_name: network.zone_name ?? null,
    network_type: network.network_type ?? null,
    traffic_type: network.traffic_type ?? null,
    gateway: network.gateway ?? null,
    netmask: network.netmask ?? null,
    cidr: network.cidr ?? null,
    vlan: network.vlan ?? null,
    broadcast_uri: network.broadcast_uri ?? null,
    is_default: flag(network.is_default, false),
    is_shared: flag(network.is_shared, false),
    can_use_for_deploy: flag(network.can_use_for_deploy, true),
    is_system: flag(network.is_system, false),
    tags: network.tags === undefined ? null : JSON.stringify(network.tags),
    updated_at: updatedAt,
  };
}

export function presentNetwork(row: CloudstackNetworkRow): CloudStackNetwork {
  const optional = <T>(value: T | null) => (value === null ? undefined : value);
  const network: CloudStackNetwork = {
    id: row.id,
    name: row.name,
    display_text: optional(row.display_text),
    state: optional(row.state),
    zone_id: optional(row.zone_id),
    zone_name: optional(row.zone_name),
    network_type: optional(row.network_type),
    traffic_type: optional(row.traffic_type),
    gateway: optional(row.gateway),
    netmask: optional(row.netmask),
    cidr: optional(row.cidr),
    vlan: optional(row.vlan),
    broadcast_uri: optional(row.broadcast_uri),
    is_default: row.is_default === 1,
    is_shared: row.is_shared === 1,
    can_use_for_deploy: row.can_use_for_deploy === 1,
    is_system: row.is_system === 1,
    tags: (parseJson(row.tags) as CloudStackNetwork['tags']) ?? undefined,
  };
  return network;
}
