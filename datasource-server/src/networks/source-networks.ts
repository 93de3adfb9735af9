// VMware networks seen on VM NICs. The OMA reads a VM's NICs from its first disk row, so do we.
import type { Kysely } from 'kysely';
import type { SourceNetwork } from '@oma-insights/contracts';
import type { Database } from '../db/schema';
import { parseNics } from '../oma/rows';

export interface VmNics {
  context_id: string;
  vcenter_host: string;
  network_config: string | null;
}

export interface MappingKey {
  vm_context_id: string | null;
  source_network_name: string;
  is_test_network: number | null;
}

/** Pure aggregation: VM NIC lists + existing mappings -> per-network counts. */
export function summarizeSourceNetworks(vms: VmNics[], mappings: MappingKey[]): SourceNetwork[] {
  const byName = new Map<
    string,
    { vms: Set<string>; nics: number; vcenters: Set<string>; live: Set<string>; test: Set<string> }
  >();
  for (const vm of vms) {
    for (const nic of parseNics(vm.network_config)) {
      const name = nic.network_name?.trim();
      if (!name) continue;
      let entry = byName.get(name);
      if (!entry)
        byName.set(
          name,
          (entry = { vms: new Set(), nics: 0, vcenters: new Set(), live: new Set(), test: new Set() }),
        );
      entry.vms.add(vm.context_id);
      entry.nics += 1;
      entry.vcenters.add(vm.vcenter_host);
    }
  }
  for (const mapping of mappings) {
    const entry = byName.get(mapping.source_network_name);
    if (!entry || !mapping.vm_context_id || !entry.vms.has(mapping.vm_context_id)) continue;
    (Number(mapping.is_test_network) === 1 ? entry.test : entry.live).add(mapping.vm_context_id);
  }
  return [...byName.entries()]
    .map(([network_name, e]) => ({
      network_name,
      vm_count: e.vms.size,
      nic_count: e.nics,
      vcenters: [...e.vcenters].sort(),
      mapped_live: e.live.size,
      mapped_test: e.test.size,
    }))
    .sort((a, b) => b.vm_count - a.vm_count || a.network_name.localeCompare(b.network_name));
}

/** Each VM's NIC list from its first disk row. */
export function vmNicLists(db: Kysely<Database>, filter: VmFilter = {}) {
  let query = db
    .selectFrom('vm_disks as d')
    .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
    .select([
      'c.context_id',
      'c.vm_name',
      'c.vmware_vm_id',
      'c.vcenter_host',
      'c.datacenter',
      'c.current_status',
      'd.network_config',
    ])
    .where('d.id', 'in', (eb) =>
      eb
        .selectFrom('vm_disks')
        .select((e) => e.fn.min('id').as('id'))
        .groupBy('vm_context_id'),
    );
  if (filter.vcenters?.length) query = query.where('c.vcenter_host', 'in', filter.vcenters);
  if (filter.datacenters?.length) query = query.where('c.datacenter', 'in', filter.datacenters);
  return query.orderBy('c.vm_name').execute();
}

export interface VmFilter {
  vcenters?: string[];
  datacenters?: string[];
}

export type VmNicRow = Awaited<ReturnType<typeof vmNicLists>>[number];

/** A VM with the distinct network names of its NICs. */
export interface VmNetworks {
  context_id: string;
  vm_name: string;
  vmware_vm_id: string;
  vcenter_host: string;
  datacenter: string;
  current_status: string;
  networks: string[];
}

export function toVmNetworks(row: VmNicRow): VmNetworks {
  const { network_config, ...vm } = row;
  const names = parseNics(network_config).flatMap((n) =>
    n.network_name?.trim() ? [n.network_name.trim()] : [],
  );
  return { ...vm, networks: [...new Set(names)] };
}

export async function sourceNetworks(db: Kysely<Database>) {
  const [vms, mappings] = await Promise.all([
    vmNicLists(db),
    db
      .selectFrom('network_mappings')
      .select(['vm_context_id', 'source_network_name', 'is_test_network'])
      .execute(),
  ]);
  return summarizeSourceNetworks(vms, mappings);
}
