// Bulk mapping: many VMs' NICs mapped in one transaction (all or nothing), with a dry run that
// does the same work and rolls it back, and Idempotency-Key replay for retried requests.
import { createHash } from 'node:crypto';
import type {
  BulkChange,
  BulkMappingRequest,
  BulkMappingResult,
  FailoverType,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { inTransaction } from '../../db/dialect';
import { ApiError } from '../../http/errors';
import { activeZone, loadDestinations, loadMappings, loadVmNetworks } from '../inventory';
import { writeMappings, type MappingChange, type MappingTarget, type Provenance } from '../mappings';
import { prepareDestinations } from '../recommend/score';
import { Recommender } from '../recommend/recommendations';
import type { VmNetworks } from '../source-networks';
import { validateVms } from '../validation/validate';
import { checkMode, indexRules, listed, nameMatcher, planTargets } from './plan';

export interface BulkOutcome {
  result: BulkMappingResult;
  /** The mappings written (empty for a dry run or a replay): published as mapping_changed. */
  changes: MappingChange[];
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** Thrown inside the transaction to roll a dry run back with its result. */
class DryRunRollback extends Error {
  constructor(readonly result: BulkMappingResult) {
    super('dry run');
  }
}

/** VMs the selector picks, with their NIC networks. Every given field must match. */
function selectVms(all: VmNetworks[], selector: BulkMappingRequest['selector']): VmNetworks[] {
  const matches = nameMatcher(selector.name_pattern);
  let named: Set<string> | null = null;
  if (selector.vm_names) {
    named = new Set(selector.vm_names);
    const known = new Set(all.map((vm) => vm.vm_name));
    const unknown = [...named].filter((name) => !known.has(name));
    if (unknown.length) {
      throw new ApiError(
        422,
        'unknown_vms',
        `${unknown.length} of the vm_names are not OMA VMs with disks (their NICs are read from vm_disks): ${listed(unknown)}`,
        unknown.slice(0, 1000),
      );
    }
  }
  return all.filter(
    (vm) =>
      (!named || named.has(vm.vm_name)) &&
      (!selector.vcenter || vm.vcenter_host === selector.vcenter) &&
      (!selector.datacenter || vm.datacenter === selector.datacenter) &&
      (!selector.status || vm.current_status === selector.status) &&
      (!selector.source_network || vm.networks.includes(selector.source_network)) &&
      (!matches || matches(vm.vm_name)),
  );
}

const requestHash = (request: BulkMappingRequest) =>
  createHash('sha256').update(JSON.stringify(request)).digest('hex');

async function storedAnswer(
  store: Db,
  actor: string,
  key: string,
  hash: string,
): Promise<BulkMappingResult | null> {
  const row = await store.db
    .selectFrom('omi_idempotency_keys')
    .select(['request_hash', 'response'])
    .where('actor', '=', actor)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
  return JSON.parse(row.response) as BulkMappingResult;
}

const isDuplicateKey = (err: unknown) =>
  ['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'].includes(
    (err as { code?: string }).code ?? '',
  );

export async function bulkMapping(
  store: Db,
  request: BulkMappingRequest,
  provenance: Provenance & { actor: string },
  idempotencyKey?: string,
): Promise<BulkOutcome> {
  const mode = checkMode(request);
  const rules = indexRules(request.rules ?? []);
  const failoverType: FailoverType = request.failover_type ?? 'live';
  const dryRun = request.dry_run ?? false;
  const hash = requestHash(request);
  // Keys guard changes; a dry run changes nothing, so it neither needs nor uses one.
  const useKey = idempotencyKey !== undefined && !dryRun;
  if (useKey) {
    const stored = await storedAnswer(store, provenance.actor, idempotencyKey, hash);
    if (stored) return { result: stored, changes: [], replayed: true };
  }

  const [allVms, destinations, mappings, zone] = await Promise.all([
    loadVmNetworks(store.db),
    loadDestinations(store.db),
    loadMappings(store.db),
    activeZone(store.db),
  ]);
  const vms = selectVms(allVms, request.selector);
  if (vms.length === 0) {
    throw new ApiError(
      422,
      'no_vms_matched',
      'The selector matches no VM; widen it (see GET /api/v1/vm-contexts)',
    );
  }
  const known = new Map(destinations.map((d) => [d.id, d]));
  const unknownDestinations = [...rules.values()]
    .map((r) => r.destination_network_id)
    .filter((id) => !known.has(id));
  if (unknownDestinations.length) {
    throw new ApiError(
      422,
      'unknown_destination_network',
      `Not in the CloudStack network inventory: ${listed([...new Set(unknownDestinations)])}; see GET /api/v1/networks/available`,
    );
  }
  // The same evidence GET /networks/recommendations uses, so recorded ranks match what operators saw.
  const recommender = new Recommender({
    vms: allVms,
    mappings,
    destinations: prepareDestinations(destinations),
    fallbackZone: zone,
  });
  const planned = planTargets(
    vms,
    mode,
    rules,
    failoverType,
    (network, type) => recommender.ranking(network, type)[0],
  );
  // One lock order for every request: parallel bulk requests on overlapping VMs queue, not deadlock.
  planned.sort(
    (a, b) =>
      a.vm.vm_name.localeCompare(b.vm.vm_name) ||
      a.sourceNetwork.localeCompare(b.sourceNetwork) ||
      Number(a.isTest) - Number(b.isTest),
  );
  const targets: MappingTarget[] = planned.map((p) => ({
    vm: {
      context_id: p.vm.context_id,
      vm_name: p.vm.vm_name,
      vmware_vm_id: p.vm.vmware_vm_id,
      vcenter_host: p.vm.vcenter_host,
    },
    source_network_name: p.sourceNetwork,
    is_test_network: p.isTest,
    destination: { id: p.destinationId, name: known.get(p.destinationId)!.name },
    network_strategy: null,
    recommendation_rank: recommender.rankOf(p.sourceNetwork, p.isTest ? 'test' : 'live', p.destinationId),
  }));
  const validatedType: FailoverType =
    mode === 'rules' && planned.every((p) => p.isTest) && planned.length > 0 ? 'test' : failoverType;

  try {
    const { result, changes } = await inTransaction(store, async (trx) => {
      const changes = await writeMappings(trx, store, targets, provenance, { skipUnchanged: true });
      const validation = await validateVms(trx, store, {
        contextIds: vms.map((vm) => vm.context_id),
        failoverType: validatedType,
        lockMappingsFor: store.dialect,
      });
      const created = changes.filter((c) => c.action === 'created').length;
      const result: BulkMappingResult = {
        dry_run: dryRun,
        applied: !dryRun,
        summary: {
          vms_matched: vms.length,
          created,
          updated: changes.length - created,
          unchanged: targets.length - changes.length,
        },
        changes: changes.map(presentChange),
        validation,
      };
      if (dryRun) throw new DryRunRollback(result);
      if (useKey) {
        await trx
          .insertInto('omi_idempotency_keys')
          .values({
            actor: provenance.actor,
            idempotency_key: idempotencyKey,
            request_hash: hash,
            response: JSON.stringify(result),
            created_at: store.time.toDb(Date.now()),
          })
          .execute();
      }
      return { result, changes };
    });
    return { result, changes, replayed: false };
  } catch (err) {
    if (err instanceof DryRunRollback) return { result: err.result, changes: [], replayed: false };
    // The same key committed by a concurrent request first: this one rolled back; answer with that one's result.
    if (useKey && isDuplicateKey(err)) {
      const stored = await storedAnswer(store, provenance.actor, idempotencyKey, hash);
      if (stored) return { result: stored, changes: [], replayed: true };
    }
    throw err;
  }
}

function presentChange(c: MappingChange): BulkChange {
  return {
    vm_name: c.target.vm.vm_name,
    source_network: c.mapping.source_network_name,
    is_test_network: Number(c.mapping.is_test_network) === 1,
    before:
      c.previousDestination === null
        ? null
        : {
            network_id: c.previousDestination,
            network_name: c.previousDestinationName ?? c.previousDestination,
          },
    after: { network_id: c.mapping.destination_network_id, network_name: c.mapping.destination_network_name },
    recommendation_rank: c.target.recommendation_rank ?? null,
  };
}
