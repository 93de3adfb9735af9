import type { Kysely } from 'kysely';
import type { CreateNetworkMapping } from '@oma-insights/contracts';
import type { Database, NetworkMappingRow } from '../db/schema';
import { toDbTime } from '../db/time';
import { ApiError, notFound } from '../http/errors';
import { parseNics } from '../oma/rows';

export interface MappingChange {
  action: 'created' | 'updated';
  mapping: NetworkMappingRow;
  previousDestination: string | null;
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

/** Older OMA rows carry only `vm_id` (no context id), so match either. */
function findMapping(
  db: Kysely<Database>,
  vm: { context_id: string; vm_name: string },
  sourceNetwork: string,
  isTest: number,
) {
  return db
    .selectFrom('network_mappings')
    .selectAll()
    .where((eb) => eb.or([eb('vm_context_id', '=', vm.context_id), eb('vm_id', '=', vm.vm_name)]))
    .where('source_network_name', '=', sourceNetwork)
    .where('is_test_network', '=', isTest)
    .executeTakeFirst();
}

/** Creates or replaces the mapping for (VM, source network, test flag), with an audit row. */
export async function upsertMapping(
  db: Kysely<Database>,
  input: CreateNetworkMapping,
  actor: string,
): Promise<MappingChange> {
  const isTest = input.is_test_network ? 1 : 0;
  return db.transaction().execute(async (trx) => {
    const vm = await resolveVm(trx, input.vm_id);
    const firstDisk = await trx
      .selectFrom('vm_disks')
      .select('network_config')
      .where('vm_context_id', '=', vm.context_id)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const vmNetworks = parseNics(firstDisk?.network_config).flatMap((n) =>
      n.network_name ? [n.network_name] : [],
    );
    if (!vmNetworks.includes(input.source_network_name)) {
      throw new ApiError(
        422,
        'source_network_not_on_vm',
        `VM "${vm.vm_name}" has no NIC on network "${input.source_network_name}"`,
        vmNetworks,
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

    const now = toDbTime(new Date());
    const existing = await findMapping(trx, vm, input.source_network_name, isTest);
    const values = {
      destination_network_id: destination.id,
      destination_network_name: input.destination_network_name ?? destination.name,
      network_strategy: input.network_strategy ?? null,
      validation_status: 'pending',
      updated_at: now,
    };
    if (existing) {
      await trx.updateTable('network_mappings').set(values).where('id', '=', existing.id).execute();
    } else {
      await trx
        .insertInto('network_mappings')
        .values({
          ...values,
          vm_id: vm.vm_name,
          source_network_name: input.source_network_name,
          is_test_network: isTest,
          vm_context_id: vm.context_id,
          vmware_vm_id: vm.vmware_vm_id,
          mapping_type: isTest ? 'test' : 'live',
          created_at: now,
        })
        .execute();
    }
    const mapping = (await findMapping(trx, vm, input.source_network_name, isTest))!;
    await trx
      .insertInto('omi_mapping_audit')
      .values({
        action: existing ? 'updated' : 'created',
        vm_id: mapping.vm_id,
        source_network_name: mapping.source_network_name,
        is_test_network: isTest,
        old_destination_network_id: existing?.destination_network_id ?? null,
        new_destination_network_id: mapping.destination_network_id,
        actor,
        created_at: now,
      })
      .execute();
    return {
      action: existing ? 'updated' : 'created',
      mapping,
      previousDestination: existing?.destination_network_id ?? null,
    };
  });
}

export async function deleteMapping(
  db: Kysely<Database>,
  key: { vm_id: string; source_network_name: string; is_test_network?: boolean },
  actor: string,
): Promise<NetworkMappingRow> {
  const isTest = key.is_test_network ? 1 : 0;
  return db.transaction().execute(async (trx) => {
    const vm = await resolveVm(trx, key.vm_id);
    const existing = await findMapping(trx, vm, key.source_network_name, isTest);
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
        created_at: toDbTime(new Date()),
      })
      .execute();
    return existing;
  });
}
