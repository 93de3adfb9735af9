// The destination inventory (omi_cloudstack_networks), replaced as a whole by
// PUT /networks/available and by the CloudStack sync; and what the network features read:
// destination networks, mappings and the VMs' NICs, loaded once per request and indexed in
// memory (thousands of VMs, hundreds of networks).
import type { Kysely } from 'kysely';
import type { CloudStackNetwork, FailoverType } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { inTransaction } from '../db/dialect';
import type { Database, NetworkMappingRow, OmiCloudstackNetworksTable } from '../db/schema';
import { parseJson } from '../oma/rows';
import type { DestinationFacts } from './recommend/features';
import { networkToRow } from './present';
import { toVmNetworks, vmNicLists, type VmFilter, type VmNetworks } from './source-networks';

const INSERT_CHUNK = 200;

/**
 * Replaces the inventory in one transaction: readers see the old list or the new one, never a
 * mix, and a failure leaves the old one. Network ids must be unique (callers check).
 */
export async function replaceInventory(
  store: Db,
  networks: readonly CloudStackNetwork[],
): Promise<OmiCloudstackNetworksTable[]> {
  const now = store.time.toDb(Date.now());
  const rows = networks.map((n) => networkToRow(n, now));
  await inTransaction(store, async (trx) => {
    await trx.deleteFrom('omi_cloudstack_networks').execute();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('omi_cloudstack_networks')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  });
  return rows;
}

/** CloudStack tags, stored as listNetworks gives them ([{key, value}]) or as a plain object. */
function tagsOf(text: string | null): Record<string, string> {
  const value = parseJson(text);
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.flatMap((t) =>
        t && typeof t === 'object' && typeof t.key === 'string' ? [[t.key, String(t.value ?? '')]] : [],
      ),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  }
  return {};
}

export async function loadDestinations(db: Kysely<Database>): Promise<DestinationFacts[]> {
  const rows = await db.selectFrom('omi_cloudstack_networks').selectAll().orderBy('name').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    display_text: r.display_text,
    state: r.state,
    zone_id: r.zone_id,
    zone_name: r.zone_name,
    network_type: r.network_type,
    traffic_type: r.traffic_type,
    cidr: r.cidr,
    vlan: r.vlan,
    broadcast_uri: r.broadcast_uri,
    is_default: Number(r.is_default) === 1,
    can_use_for_deploy: Number(r.can_use_for_deploy) === 1,
    is_system: Number(r.is_system) === 1,
    tags: tagsOf(r.tags),
  }));
}

/** The zone of the active CloudStack configuration (OMA `ossea_configs`), if there is one. */
export async function activeZone(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('ossea_configs')
    .select('zone')
    .where('is_active', '=', 1)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.zone?.trim() || null;
}

export type MappingFact = Pick<
  NetworkMappingRow,
  | 'id'
  | 'vm_id'
  | 'vm_context_id'
  | 'source_network_name'
  | 'destination_network_id'
  | 'destination_network_name'
  | 'is_test_network'
  | 'validation_status'
>;

export async function loadMappings(
  db: Kysely<Database>,
  failoverType?: FailoverType,
): Promise<MappingFact[]> {
  let query = db
    .selectFrom('network_mappings')
    .select([
      'id',
      'vm_id',
      'vm_context_id',
      'source_network_name',
      'destination_network_id',
      'destination_network_name',
      'is_test_network',
      'validation_status',
    ]);
  // A NULL test flag is the column's default meaning: live.
  if (failoverType === 'test') query = query.where('is_test_network', '=', 1);
  if (failoverType === 'live')
    query = query.where((eb) => eb.or([eb('is_test_network', '=', 0), eb('is_test_network', 'is', null)]));
  return query.execute();
}

export const isTestMapping = (m: Pick<MappingFact, 'is_test_network'>) => Number(m.is_test_network) === 1;

/**
 * Mappings indexed by the VM they belong to (context id, or the VM name older rows carry) and
 * source network. `owner(vm)` finds a VM's mapping for a network and failover type.
 */
export class MappingIndex {
  private readonly byKey = new Map<string, MappingFact>();

  constructor(readonly mappings: MappingFact[]) {
    for (const m of mappings) {
      const type = isTestMapping(m) ? 'test' : 'live';
      // Rows with a context id win over name-only rows of the same VM.
      this.byKey.set(`${m.vm_id}\u0000${m.source_network_name}\u0000${type}`, m);
      if (m.vm_context_id) this.byKey.set(`${m.vm_context_id}\u0000${m.source_network_name}\u0000${type}`, m);
    }
  }

  of(
    vm: Pick<VmNetworks, 'context_id' | 'vm_name' | 'vmware_vm_id'>,
    network: string,
    type: FailoverType,
  ): MappingFact | undefined {
    return (
      this.byKey.get(`${vm.context_id}\u0000${network}\u0000${type}`) ??
      this.byKey.get(`${vm.vm_name}\u0000${network}\u0000${type}`) ??
      this.byKey.get(`${vm.vmware_vm_id}\u0000${network}\u0000${type}`)
    );
  }
}

export async function loadVmNetworks(db: Kysely<Database>, filter: VmFilter = {}): Promise<VmNetworks[]> {
  return (await vmNicLists(db, filter)).map(toVmNetworks);
}
