// Validation against the database: load the VMs' NICs, their mappings of one failover type, the
// destination networks and the OSSEA zone, run the rules (rules.ts), optionally probe (probe.ts)
// and store the outcome on the mapping rows. Every IN list is chunked: a selector may name
// 100,000 VMs, far beyond what one statement may carry.
import type { Insertable, Kysely } from 'kysely';
import type { FailoverType, ValidationReport } from '@oma-insights/contracts';
import type { Db, DialectName } from '../../db/connect';
import { forUpdate, inTransaction } from '../../db/dialect';
import type { Database, OmiMappingAuditTable } from '../../db/schema';
import { ApiError } from '../../http/errors';
import { parseNics } from '../../oma/rows';
import { probeNetworks } from './probe';
import {
  mappingStatus,
  summarize,
  validateVm,
  type Destination,
  type ExpectedZone,
  type ProbeOutcome,
  type VmUnderValidation,
} from './rules';

export interface VmSelector {
  /** VM names (vm_replication_contexts.vm_name); unknown names are a 404. */
  vmNames?: string[];
  /** VM context ids; unknown ids are a 404. Neither given: every VM. */
  contextIds?: string[];
  /** 'skip': leave unknown names out (listed in ValidationInput.unknown) instead of a 404. */
  unknownVms?: 'reject' | 'skip';
}

export interface ValidateOptions extends VmSelector {
  failoverType: FailoverType;
  /** TCP-probe the destinations first (takes seconds: never inside a transaction). */
  probe?: boolean;
  /** Probe outcomes already taken, by destination network id. */
  probes?: ReadonlyMap<string, ProbeOutcome>;
  /**
   * The store's dialect, to read the mapping rows with a lock (FOR UPDATE on MariaDB): for a
   * transaction that then writes them.
   */
  lockMappingsFor?: DialectName;
}

interface MappingRow {
  id: number;
  vm_id: string;
  vm_context_id: string | null;
  source_network_name: string;
  destination_network_id: string;
  validation_status: string | null;
}

export interface LoadedVm extends VmUnderValidation {
  vmware_vm_id: string;
  ossea_config_id: number | null;
  /** Mappings of the failover type, by source network. */
  mappings: Map<string, MappingRow>;
}

export interface ValidationInput {
  failoverType: FailoverType;
  vms: LoadedVm[];
  /** Selected names or ids that matched no VM (only with unknownVms: 'skip'). */
  unknown: string[];
  destinations: Map<string, Destination>;
  inventoryEmpty: boolean;
  zoneOf: (vm: LoadedVm) => ExpectedZone | null;
}

const CHUNK = 1000;
const UPDATE_CHUNK = 500;
/** Unknown names listed in a 404's details: enough to act on, not a 100k-entry body. */
const MAX_LISTED_UNKNOWN = 1000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function unknownVms(kind: string, missing: string[]): ApiError {
  const shown = missing.slice(0, 10).map((n) => `"${n}"`);
  const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : '';
  return new ApiError(
    404,
    'not_found',
    `${missing.length} ${kind}${missing.length === 1 ? '' : 's'} not found: ${shown.join(', ')}${more}`,
    missing.slice(0, MAX_LISTED_UNKNOWN),
  );
}

/**
 * How MariaDB's default collation compares names (case, accents and trailing spaces ignored), so
 * a name the database matched is not reported as unknown. On SQLite this only ever errs towards
 * "found" for a name that another selected name already matched.
 */
const collationKey = (text: string) => text.trimEnd().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

type ContextRow = Pick<
  Database['vm_replication_contexts'],
  'context_id' | 'vm_name' | 'vmware_vm_id' | 'ossea_config_id'
>;

async function loadContexts(
  db: Kysely<Database>,
  selector: VmSelector,
): Promise<{ rows: ContextRow[]; unknown: string[] }> {
  const base = () =>
    db
      .selectFrom('vm_replication_contexts')
      .select(['context_id', 'vm_name', 'vmware_vm_id', 'ossea_config_id']);
  const bySelector = async (column: 'vm_name' | 'context_id', values: string[], kind: string) => {
    const wanted = [...new Set(values)];
    const found = new Map<string, ContextRow>();
    for (const chunk of chunks(wanted)) {
      for (const row of await base().where(column, 'in', chunk).execute()) found.set(row.context_id, row);
    }
    const rows = [...found.values()];
    const seen = new Set(rows.map((r) => collationKey(r[column])));
    const missing = wanted.filter((v) => !seen.has(collationKey(v)));
    if (missing.length && selector.unknownVms !== 'skip') throw unknownVms(kind, missing);
    return { rows, unknown: missing };
  };
  const { rows, unknown } = selector.vmNames
    ? await bySelector('vm_name', selector.vmNames, 'VM')
    : selector.contextIds
      ? await bySelector('context_id', selector.contextIds, 'VM context')
      : { rows: await base().execute(), unknown: [] };
  rows.sort((a, b) => a.vm_name.localeCompare(b.vm_name) || a.context_id.localeCompare(b.context_id));
  return { rows, unknown };
}

/** The NIC networks of each context, from its first disk row (where the OMA keeps network_config). */
async function loadNics(db: Kysely<Database>, contextIds: string[]): Promise<Map<string, string[]>> {
  const nics = new Map<string, string[]>();
  for (const chunk of chunks(contextIds)) {
    const rows = await db
      .selectFrom('vm_disks')
      .select(['vm_context_id', 'network_config'])
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('vm_disks')
          .select((e) => e.fn.min('id').as('id'))
          .where('vm_context_id', 'in', chunk)
          .groupBy('vm_context_id'),
      )
      .execute();
    for (const row of rows) {
      const names = parseNics(row.network_config).flatMap((n) => {
        const name = n.network_name?.trim();
        return name ? [name] : [];
      });
      nics.set(row.vm_context_id!, names);
    }
  }
  return nics;
}

async function loadMappings(
  db: Kysely<Database>,
  vms: LoadedVm[],
  failoverType: FailoverType,
  lockFor: DialectName | undefined,
) {
  const byContext = new Map(vms.map((vm) => [vm.context_id, vm]));
  for (const chunk of chunks(vms)) {
    // Older OMA rows have no context id and name the VM by name or VMware UUID in vm_id.
    const owners = new Map<string, LoadedVm[]>();
    for (const vm of chunk) {
      for (const key of new Set([vm.vm_name, vm.vmware_vm_id]))
        owners.set(key, [...(owners.get(key) ?? []), vm]);
    }
    let query = db
      .selectFrom('network_mappings')
      .select([
        'id',
        'vm_id',
        'vm_context_id',
        'source_network_name',
        'destination_network_id',
        'validation_status',
      ])
      .where((eb) =>
        eb.or([
          eb(
            'vm_context_id',
            'in',
            chunk.map((vm) => vm.context_id),
          ),
          eb('vm_id', 'in', [...owners.keys()]),
        ]),
      );
    query =
      failoverType === 'test'
        ? query.where('is_test_network', '=', 1)
        : query.where((eb) => eb.or([eb('is_test_network', '=', 0), eb('is_test_network', 'is', null)]));
    const rows = await (lockFor ? forUpdate(query, lockFor) : query).execute();
    // A row that names its context belongs to that VM alone and wins over an older vm_id row.
    for (const row of rows.filter((r) => !r.vm_context_id)) {
      for (const vm of owners.get(row.vm_id) ?? [])
        if (!vm.mappings.has(row.source_network_name)) vm.mappings.set(row.source_network_name, row);
    }
    for (const row of rows.filter((r) => r.vm_context_id)) {
      byContext.get(row.vm_context_id!)?.mappings.set(row.source_network_name, row);
    }
  }
}

async function loadDestinations(db: Kysely<Database>, ids: string[]) {
  const destinations = new Map<string, Destination>();
  for (const chunk of chunks(ids)) {
    const rows = await db
      .selectFrom('omi_cloudstack_networks')
      .select([
        'id',
        'name',
        'display_text',
        'state',
        'zone_id',
        'zone_name',
        'network_type',
        'can_use_for_deploy',
        'tags',
      ])
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) destinations.set(row.id, row);
  }
  const inventoryEmpty =
    destinations.size === 0 &&
    (await db.selectFrom('omi_cloudstack_networks').select('id').limit(1).executeTakeFirst()) === undefined;
  return { destinations, inventoryEmpty };
}

/** The zone each VM deploys to: its own OSSEA config's, else the active config's. Never reads keys. */
async function loadZones(db: Kysely<Database>): Promise<(vm: LoadedVm) => ExpectedZone | null> {
  const configs = await db
    .selectFrom('ossea_configs')
    .select(['id', 'name', 'zone', 'is_active'])
    .orderBy('id')
    .execute();
  const byId = new Map(configs.map((c) => [Number(c.id), c]));
  const active = configs.find((c) => Number(c.is_active) === 1);
  return (vm) => {
    const config = (vm.ossea_config_id !== null && byId.get(Number(vm.ossea_config_id))) || active;
    const zone = config?.zone?.trim();
    return config && zone ? { zone, config_name: config.name } : null;
  };
}

/** Everything the rules need for the selected VMs, read through `db` (a Kysely or a transaction). */
export async function loadValidationInput(
  db: Kysely<Database>,
  options: ValidateOptions,
): Promise<ValidationInput> {
  const { rows: contexts, unknown } = await loadContexts(db, options);
  const nics = await loadNics(
    db,
    contexts.map((c) => c.context_id),
  );
  const vms: LoadedVm[] = contexts.map((c) => ({
    context_id: c.context_id,
    vm_name: c.vm_name,
    vmware_vm_id: c.vmware_vm_id,
    ossea_config_id: c.ossea_config_id,
    nics: nics.get(c.context_id) ?? [],
    mappings: new Map(),
  }));
  await loadMappings(db, vms, options.failoverType, options.lockMappingsFor);
  const { destinations, inventoryEmpty } = await loadDestinations(db, destinationIds(vms));
  return {
    failoverType: options.failoverType,
    vms,
    unknown,
    destinations,
    inventoryEmpty,
    zoneOf: await loadZones(db),
  };
}

/** Destination ids the VMs' NICs are mapped to (stale mappings of removed NICs left out). */
export function destinationIds(vms: LoadedVm[]): string[] {
  const ids = new Set<string>();
  for (const vm of vms) {
    for (const nic of vm.nics) {
      const mapping = vm.mappings.get(nic);
      if (mapping) ids.add(mapping.destination_network_id);
    }
  }
  return [...ids];
}

/** The rules over loaded input. Results are in `input.vms` order. Pure. */
export function evaluate(
  input: ValidationInput,
  probes?: ReadonlyMap<string, ProbeOutcome>,
): ValidationReport {
  const ctx = {
    failoverType: input.failoverType,
    destinations: input.destinations,
    inventoryEmpty: input.inventoryEmpty,
    probes,
  };
  return summarize(
    input.failoverType,
    input.vms.map((vm) => validateVm(vm, vm.mappings, input.zoneOf(vm), ctx)),
  );
}

/**
 * Validates the selected VMs' mappings of one failover type. `db` may be the store's Kysely or a
 * transaction of the caller (bulk mapping validates what it just wrote, before committing).
 */
export async function validateVms(
  db: Kysely<Database>,
  store: Pick<Db, 'time'>,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const input = await loadValidationInput(db, options);
  const probes =
    options.probes ?? (options.probe ? await probeNetworks(db, store, destinationIds(input.vms)) : undefined);
  return evaluate(input, probes);
}

/**
 * Stores each validated mapping row's outcome (valid/invalid) and the time, in the caller's
 * transaction; a row whose status changes gets an audit row ("validated"). Mappings of networks
 * the VM no longer has a NIC on are not part of its failover and stay untouched.
 */
export async function persistValidation(
  trx: Kysely<Database>,
  store: Pick<Db, 'time'>,
  input: ValidationInput,
  report: ValidationReport,
  actor: string,
): Promise<void> {
  const now = store.time.toDb(Date.now());
  const ids = { valid: [] as number[], invalid: [] as number[] };
  const audit: Insertable<OmiMappingAuditTable>[] = [];
  input.vms.forEach((vm, i) => {
    for (const source of new Set(vm.nics)) {
      const row = vm.mappings.get(source);
      if (!row) continue;
      const status = mappingStatus(report.results[i], source);
      ids[status].push(Number(row.id));
      if (row.validation_status !== status) {
        audit.push({
          action: 'validated',
          vm_id: row.vm_id,
          source_network_name: row.source_network_name,
          is_test_network: input.failoverType === 'test' ? 1 : 0,
          old_destination_network_id: row.destination_network_id,
          new_destination_network_id: row.destination_network_id,
          actor,
          created_at: now,
        });
      }
    }
  });
  for (const status of ['valid', 'invalid'] as const) {
    for (const chunk of chunks(ids[status], UPDATE_CHUNK)) {
      await trx
        .updateTable('network_mappings')
        // Not a change of the mapping: keep updated_at (the OMA's column auto-updates otherwise).
        .set((eb) => ({ validation_status: status, last_validated: now, updated_at: eb.ref('updated_at') }))
        .where('id', 'in', chunk)
        .execute();
    }
  }
  for (const chunk of chunks(audit, UPDATE_CHUNK))
    await trx.insertInto('omi_mapping_audit').values(chunk).execute();
}

/**
 * Validates and stores the outcome in one transaction, reading the mapping rows with a lock so a
 * concurrent change cannot slip in between. Probes (slow) run before the transaction.
 */
export async function validateAndPersist(
  store: Db,
  options: ValidateOptions,
  actor: string,
): Promise<ValidationReport> {
  let probes = options.probes;
  if (options.probe && !probes) {
    const preview = await loadValidationInput(store.db, options);
    probes = await probeNetworks(store.db, store, destinationIds(preview.vms));
  }
  return inTransaction(store, async (trx) => {
    const input = await loadValidationInput(trx, { ...options, lockMappingsFor: store.dialect });
    const report = evaluate(input, probes);
    await persistValidation(trx, store, input, report, actor);
    return report;
  });
}
