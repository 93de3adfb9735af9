import type { Kysely, Transaction } from 'kysely';
import type { CreateNetworkMapping } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { forUpdate, inTransaction, upsert } from '../db/dialect';
import type { Database, NetworkMappingRow } from '../db/schema';
import { ApiError, notFound } from '../http/errors';
import { parseNics } from '../oma/rows';

export interface MappingChange {
  action: 'created' | 'updated';
  mapping: NetworkMappingRow;
  previousDestination: string | null;
  previousDestinationName: string | null;
  target: MappingTarget;
}

/** A VM named by `vm_id` (its name, or its VMware UUID as some OMA rows hold). */
export async function resolveVm(db: Kysely<Database>, vmId: string) {
  const matches = await db
    .selectFrom('vm_replication_contexts')
    .select(['context_id', 'vm_name', 'vmware_vm_id', 'vcenter_host'])
    .where((eb) => eb.or([eb('vm_name', '=', vmId), eb('vmware_vm_id', '=', vmId)]))
    .limit(5)
    .execute();
  if (matches.length === 0) throw notFound('VM', vmId);
  if (matches.length > 1) {
    throw new ApiError(
      409,
      'ambiguous_vm_name',
      `"${vmId}" names VMs in several vCenters; use the VMware UUID`,
      matches.map((m) => m.vmware_vm_id),
    );
  }
  return matches[0];
}

/** A mapping's unique key with its owner: older OMA rows carry only `vm_id`, newer ones a context id too. */
const mappingKey = (owner: string, sourceNetwork: string, isTest: number | boolean | null) =>
  `${owner}\u0000${sourceNetwork}\u0000${Number(isTest) === 1 ? 1 : 0}`;

export type ResolvedVm = Awaited<ReturnType<typeof resolveVm>>;

/** One mapping to create or replace: (VM, source network, test flag) -> destination. */
export interface MappingTarget {
  vm: ResolvedVm;
  source_network_name: string;
  is_test_network: boolean;
  destination: { id: string; name: string };
  network_strategy: string | null;
  /** Rank of the destination among the recommendations when it was chosen (null: not among them). */
  recommendation_rank?: number | null;
}

/** Who makes a change and in which request: recorded with every audit row. */
export interface Provenance {
  actor: string;
  requestId?: string | null;
}

const LOOKUP_CHUNK = 500;
const UPSERT_CHUNK = 500;

/**
 * Creates or replaces mappings inside the caller's transaction, with one audit row each. Existing
 * rows are read with a lock first, so the audit's "before" is what this change replaced; the
 * write is the dialect's upsert, so a concurrent creator of the same key makes this an update,
 * never a duplicate-key error. Bulk mapping calls this with thousands of targets.
 */
export async function writeMappings(
  trx: Transaction<Database>,
  store: Pick<Db, 'dialect' | 'time'>,
  targets: MappingTarget[],
  { actor, requestId = null }: Provenance,
  /** Leave targets whose row already points at their destination alone (no write, no audit). */
  { skipUnchanged = false }: { skipUnchanged?: boolean } = {},
): Promise<MappingChange[]> {
  const now = store.time.toDb(Date.now());
  const existing: NetworkMappingRow[] = [];
  for (let i = 0; i < targets.length; i += LOOKUP_CHUNK) {
    const chunk = targets.slice(i, i + LOOKUP_CHUNK);
    const query = trx
      .selectFrom('network_mappings')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('vm_context_id', 'in', [...new Set(chunk.map((t) => t.vm.context_id))]),
          eb('vm_id', 'in', [...new Set(chunk.map((t) => t.vm.vm_name))]),
        ]),
      )
      .where('source_network_name', 'in', [...new Set(chunk.map((t) => t.source_network_name))]);
    existing.push(...(await forUpdate(query, store.dialect).execute()));
  }
  // Indexed by owner (context id, or vm_id for older rows), network and flag: bulk mapping
  // passes thousands of targets, which a scan per target would make quadratic.
  const byOwner = new Map<string, NetworkMappingRow>();
  for (const r of existing) {
    if (r.vm_context_id)
      byOwner.set(mappingKey(r.vm_context_id, r.source_network_name, r.is_test_network), r);
    byOwner.set(mappingKey(r.vm_id, r.source_network_name, r.is_test_network), r);
  }
  const existingOf = (t: MappingTarget) =>
    byOwner.get(mappingKey(t.vm.context_id, t.source_network_name, t.is_test_network)) ??
    byOwner.get(mappingKey(t.vm.vm_name, t.source_network_name, t.is_test_network));
  if (skipUnchanged) {
    targets = targets.filter((t) => existingOf(t)?.destination_network_id !== t.destination.id);
  }
  const before = targets.map(existingOf);

  const rows = targets.map((t, i) => ({
    // Replacing keeps the row's own vm_id, so the upsert meets it on the same unique key.
    vm_id: before[i]?.vm_id ?? t.vm.vm_name,
    source_network_name: t.source_network_name,
    is_test_network: t.is_test_network ? 1 : 0,
    destination_network_id: t.destination.id,
    destination_network_name: t.destination.name,
    network_strategy: t.network_strategy,
    validation_status: 'pending',
    vm_context_id: t.vm.context_id,
    vmware_vm_id: t.vm.vmware_vm_id,
    mapping_type: t.is_test_network ? 'test' : 'live',
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    await upsert(
      trx.insertInto('network_mappings').values(rows.slice(i, i + UPSERT_CHUNK)),
      store.dialect,
      ['vm_id', 'source_network_name', 'is_test_network'],
      [
        'destination_network_id',
        'destination_network_name',
        'network_strategy',
        'validation_status',
        'vm_context_id',
        'vmware_vm_id',
        'updated_at',
      ],
    ).execute();
  }

  // A locking read again: a plain one would see this transaction's snapshot, which predates a
  // row that a concurrent writer committed and this upsert then met.
  const written: NetworkMappingRow[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
    const chunk = rows.slice(i, i + LOOKUP_CHUNK);
    const query = trx
      .selectFrom('network_mappings')
      .selectAll()
      .where('vm_id', 'in', [...new Set(chunk.map((r) => r.vm_id))])
      .where('source_network_name', 'in', [...new Set(chunk.map((r) => r.source_network_name))]);
    written.push(...(await forUpdate(query, store.dialect).execute()));
  }
  const byVmId = new Map(
    written.map((r) => [mappingKey(r.vm_id, r.source_network_name, r.is_test_network), r]),
  );
  const changes = targets.map((t, i): MappingChange => {
    const mapping = byVmId.get(mappingKey(rows[i].vm_id, t.source_network_name, t.is_test_network));
    if (!mapping)
      throw new Error(`mapping of ${t.vm.vm_name}/${t.source_network_name} vanished while written`);
    return {
      action: before[i] ? 'updated' : 'created',
      mapping,
      previousDestination: before[i]?.destination_network_id ?? null,
      previousDestinationName: before[i]?.destination_network_name ?? null,
      target: t,
    };
  });
  for (let i = 0; i < changes.length; i += UPSERT_CHUNK) {
    await trx
      .insertInto('omi_mapping_audit')
      .values(
        changes.slice(i, i + UPSERT_CHUNK).map((c, j) => ({
          action: c.action,
          vm_id: c.mapping.vm_id,
          source_network_name: c.mapping.source_network_name,
          is_test_network: Number(c.mapping.is_test_network),
          old_destination_network_id: c.previousDestination,
          new_destination_network_id: c.mapping.destination_network_id,
          actor,
          created_at: now,
          request_id: requestId,
          recommendation_rank: targets[i + j].recommendation_rank ?? null,
        })),
      )
      .execute();
  }
  return changes;
}

/** The NIC networks of a VM, from its first disk row (where the OMA keeps network_config). */
async function vmNetworks(trx: Transaction<Database>, contextId: string): Promise<string[]> {
  const firstDisk = await trx
    .selectFrom('vm_disks')
    .select('network_config')
    .where('vm_context_id', '=', contextId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return parseNics(firstDisk?.network_config).flatMap((n) => (n.network_name ? [n.network_name] : []));
}

/** Creates or replaces the mapping for (VM, source network, test flag), with an audit row. */
export async function upsertMapping(
  store: Db,
  input: CreateNetworkMapping,
  provenance: Provenance,
  /** Where the destination stands among the recommendations (null: not among them). */
  recommendationRank: number | null = null,
): Promise<MappingChange> {
  return inTransaction(store, async (trx) => {
    const vm = await resolveVm(trx, input.vm_id);
    const networks = await vmNetworks(trx, vm.context_id);
    if (!networks.includes(input.source_network_name)) {
      throw new ApiError(
        422,
        'source_network_not_on_vm',
        `VM "${vm.vm_name}" has no NIC on network "${input.source_network_name}"`,
        networks,
      );
    }
    const destination = await trx
      .selectFrom('omi_cloudstack_networks')
      .select(['id', 'name'])
      .where('id', '=', input.destination_network_id)
      .executeTakeFirst();
    if (!destination) {
      throw new ApiError(
        422,
        'unknown_destination_network',
        `CloudStack network "${input.destination_network_id}" is not in the inventory; PUT /api/v1/networks/available first`,
      );
    }
    const [change] = await writeMappings(
      trx,
      store,
      [
        {
          vm,
          source_network_name: input.source_network_name,
          is_test_network: input.is_test_network ?? false,
          destination: { id: destination.id, name: input.destination_network_name ?? destination.name },
          network_strategy: input.network_strategy ?? null,
          recommendation_rank: recommendationRank,
        },
      ],
      provenance,
    );
    return change;
  });
}

export async function deleteMapping(
  store: Db,
  key: { vm_id: string; source_network_name: string; is_test_network?: boolean },
  { actor, requestId = null }: Provenance,
): Promise<NetworkMappingRow> {
  const isTest = key.is_test_network ? 1 : 0;
  return inTransaction(store, async (trx) => {
    const vm = await resolveVm(trx, key.vm_id);
    const query = trx
      .selectFrom('network_mappings')
      .selectAll()
      .where((eb) => eb.or([eb('vm_context_id', '=', vm.context_id), eb('vm_id', '=', vm.vm_name)]))
      .where('source_network_name', '=', key.source_network_name)
      .where('is_test_network', '=', isTest);
    const existing = await forUpdate(query, store.dialect).executeTakeFirst();
    if (!existing) {
      throw new ApiError(
        404,
        'not_found',
        `VM "${vm.vm_name}" has no ${isTest ? 'test' : 'live'} mapping for network "${key.source_network_name}"`,
      );
    }
    await trx.deleteFrom('network_mappings').where('id', '=', existing.id).execute();
    await trx
      .insertInto('omi_mapping_audit')
      .values({
        action: 'deleted',
        vm_id: existing.vm_id,
        source_network_name: existing.source_network_name,
        is_test_network: isTest,
        old_destination_network_id: existing.destination_network_id,
        new_destination_network_id: null,
        actor,
        created_at: store.time.toDb(Date.now()),
        request_id: requestId,
        recommendation_rank: null,
      })
      .execute();
    return existing;
  });
}
