// Recommendations for every source network: the evidence each one has (mapping history, zone)
// gathered from the loaded inventory, then ranked by score.ts. Pure; `loadRecommender` loads.
import type { Kysely } from 'kysely';
import type { Candidate, FailoverType, Recommendation } from '@oma-insights/contracts';
import type { Database } from '../../db/schema';
import {
  activeZone,
  isTestMapping,
  loadDestinations,
  loadMappings,
  loadVmNetworks,
  type MappingFact,
} from '../inventory';
import type { VmNetworks } from '../source-networks';
import { prepareDestinations, rankDestinations, type PreparedDestination } from './score';

export interface RecommenderInput {
  vms: VmNetworks[];
  mappings: MappingFact[];
  destinations: PreparedDestination[];
  /** The active CloudStack configuration's zone, used where a datacenter has no mappings yet. */
  fallbackZone: string | null;
}

export interface RecommendOptions {
  failoverType: FailoverType;
  sourceNetwork?: string;
  /** Only the networks of these VMs (context ids). */
  vmContextIds?: Set<string>;
  unmappedOnly?: boolean;
  limit: number;
}

const count = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

function mostCommon<K>(counts: Map<K, number>): K | null {
  let best: K | null = null;
  let bestCount = 0;
  for (const [key, n] of counts) if (n > bestCount) [best, bestCount] = [key, n];
  return best;
}

/** Ranks destinations for any (source network, failover type), each worked out once. */
export class Recommender {
  private readonly history = new Map<string, Map<string, number>>();
  /** Per (failover type, source network): context ids and names of VMs with a mapping. */
  private readonly mappedOwners = new Map<string, Set<string>>();
  private readonly vmsByNetwork = new Map<string, VmNetworks[]>();
  private readonly zoneOfDatacenter = new Map<string, string>();
  private readonly rankings = new Map<string, (Candidate & { destination: PreparedDestination })[]>();
  private readonly destinationById: Map<string, PreparedDestination>;

  constructor(private readonly input: RecommenderInput) {
    this.destinationById = new Map(input.destinations.map((d) => [d.id, d]));
    const vmByKey = new Map<string, VmNetworks>();
    for (const vm of input.vms) {
      vmByKey.set(vm.context_id, vm);
      vmByKey.set(vm.vm_name, vm);
      vmByKey.set(vm.vmware_vm_id, vm);
      for (const network of vm.networks) {
        const list = this.vmsByNetwork.get(network) ?? [];
        list.push(vm);
        this.vmsByNetwork.set(network, list);
      }
    }
    const zonesByDatacenter = new Map<string, Map<string, number>>();
    for (const m of input.mappings) {
      const type: FailoverType = isTestMapping(m) ? 'test' : 'live';
      const key = `${type}\u0000${m.source_network_name}`;
      const perDestination = this.history.get(key) ?? new Map<string, number>();
      count(perDestination, m.destination_network_id);
      this.history.set(key, perDestination);
      const owners = this.mappedOwners.get(key) ?? new Set<string>();
      owners.add(m.vm_id);
      if (m.vm_context_id) owners.add(m.vm_context_id);
      this.mappedOwners.set(key, owners);
      const vm = (m.vm_context_id && vmByKey.get(m.vm_context_id)) || vmByKey.get(m.vm_id);
      const zone = this.destinationById.get(m.destination_network_id)?.zone_name;
      if (vm && zone && type === 'live') {
        const zones = zonesByDatacenter.get(vm.datacenter) ?? new Map<string, number>();
        count(zones, zone);
        zonesByDatacenter.set(vm.datacenter, zones);
      }
    }
    for (const [datacenter, zones] of zonesByDatacenter) {
      const zone = mostCommon(zones);
      if (zone) this.zoneOfDatacenter.set(datacenter, zone);
    }
  }

  historyOf(sourceNetwork: string, type: FailoverType): Map<string, number> {
    return this.history.get(`${type}\u0000${sourceNetwork}`) ?? new Map();
  }

  /** The zone VMs on this network go to: where their datacenters' mappings go, else the configured one. */
  zoneOf(sourceNetwork: string): string | null {
    const zones = new Map<string, number>();
    for (const vm of this.vmsByNetwork.get(sourceNetwork) ?? []) {
      const zone = this.zoneOfDatacenter.get(vm.datacenter);
      if (zone) count(zones, zone);
    }
    return mostCommon(zones) ?? this.input.fallbackZone;
  }

  isMapped(
    vm: Pick<VmNetworks, 'context_id' | 'vm_name' | 'vmware_vm_id'>,
    network: string,
    type: FailoverType,
  ): boolean {
    const owners = this.mappedOwners.get(`${type}\u0000${network}`);
    return !!owners && (owners.has(vm.context_id) || owners.has(vm.vm_name) || owners.has(vm.vmware_vm_id));
  }

  /** Every destination, best first. */
  ranking(sourceNetwork: string, type: FailoverType) {
    const key = `${type}\u0000${sourceNetwork}`;
    let ranked = this.rankings.get(key);
    if (!ranked) {
      ranked = rankDestinations(
        {
          name: sourceNetwork,
          history: this.historyOf(sourceNetwork, type),
          liveHistory: this.historyOf(sourceNetwork, 'live'),
          zone: this.zoneOf(sourceNetwork),
        },
        this.input.destinations,
        type,
      );
      this.rankings.set(key, ranked);
    }
    return ranked;
  }

  /** 1-based rank of a destination for this network, or null when it is not a candidate. */
  rankOf(sourceNetwork: string, type: FailoverType, destinationId: string): number | null {
    const index = this.ranking(sourceNetwork, type).findIndex((c) => c.network_id === destinationId);
    return index < 0 ? null : index + 1;
  }

  recommend(options: RecommendOptions): Recommendation[] {
    const { failoverType, limit } = options;
    const out: Recommendation[] = [];
    for (const [network, allVms] of [...this.vmsByNetwork].sort(([a], [b]) => a.localeCompare(b))) {
      if (options.sourceNetwork && network !== options.sourceNetwork) continue;
      const vms = options.vmContextIds
        ? allVms.filter((vm) => options.vmContextIds!.has(vm.context_id))
        : allVms;
      if (vms.length === 0) continue;
      const history = this.historyOf(network, failoverType);
      if (options.unmappedOnly && vms.every((vm) => this.isMapped(vm, network, failoverType))) continue;
      const currentId = mostCommon(history);
      const current = currentId
        ? {
            network_id: currentId,
            network_name: this.destinationById.get(currentId)?.name ?? currentId,
            vm_count: history.get(currentId) ?? 0,
          }
        : null;
      out.push({
        source_network: network,
        vm_count: vms.length,
        current,
        candidates: this.ranking(network, failoverType)
          .slice(0, limit)
          .map(({ network_id, network_name, score, reasons }) => ({
            network_id,
            network_name,
            score,
            reasons,
          })),
      });
    }
    return out.sort((a, b) => b.vm_count - a.vm_count || a.source_network.localeCompare(b.source_network));
  }
}

/** Loads everything a Recommender needs, in parallel. */
export async function loadRecommender(db: Kysely<Database>): Promise<Recommender> {
  const [vms, mappings, destinations, zone] = await Promise.all([
    loadVmNetworks(db),
    loadMappings(db),
    loadDestinations(db),
    activeZone(db),
  ]);
  return new Recommender({
    vms,
    mappings,
    destinations: prepareDestinations(destinations),
    fallbackZone: zone,
  });
}
