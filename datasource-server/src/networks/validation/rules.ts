// Validation rules: a VM's NICs, its mappings of one failover type and the destination networks
// in, issues out. Pure: the loading lives in validate.ts, the probing in probe.ts.
import type {
  FailoverType,
  ValidationCode,
  ValidationIssue,
  ValidationReport,
  VmValidation,
} from '@oma-insights/contracts';
import { networkRole, type NetworkRoleInput } from '../network-role';

export interface VmUnderValidation {
  context_id: string;
  vm_name: string;
  /** NIC network names in NIC order (from the first disk row's network_config); blanks dropped. */
  nics: string[];
}

/** The destination a source network is mapped to, for the failover type being validated. */
export interface MappedDestination {
  source_network_name: string;
  destination_network_id: string;
}

export interface Destination extends NetworkRoleInput {
  id: string;
  state: string | null;
  zone_id: string | null;
  zone_name: string | null;
  can_use_for_deploy: number | boolean;
}

/** The zone the VM is deployed to: from its OSSEA config (CloudStack connection). */
export interface ExpectedZone {
  zone: string;
  config_name: string;
}

export interface ProbeOutcome {
  target: string;
  attempts: number;
  failed: number;
}

export interface RuleContext {
  failoverType: FailoverType;
  destinations: ReadonlyMap<string, Destination>;
  /** True when no destination network is known at all (inventory never loaded). */
  inventoryEmpty: boolean;
  /** Probe outcomes per destination network id, when probing was asked for. */
  probes?: ReadonlyMap<string, ProbeOutcome>;
}

/** Every code and its severity. TEST_FAILOVER_ON_LIVE_NETWORK is a warning: see issue(). */
export const SEVERITY: Record<ValidationCode, ValidationIssue['severity']> = {
  UNMAPPED_NETWORK: 'error',
  DESTINATION_NOT_FOUND: 'error',
  DESTINATION_NOT_DEPLOYABLE: 'error',
  ZONE_MISMATCH: 'error',
  // "Looks live" is inferred from the absence of test markers (tags, name words, Isolated type),
  // so it cannot be proven; a shared network reserved for DR tests but named neutrally is
  // legitimate. Flag it loudly without blocking the failover. The reverse direction
  // (LIVE_FAILOVER_ON_TEST_NETWORK) rests on a positive marker and strands production: an error.
  TEST_FAILOVER_ON_LIVE_NETWORK: 'warning',
  LIVE_FAILOVER_ON_TEST_NETWORK: 'error',
  DUPLICATE_TARGET: 'warning',
  NO_NICS: 'error',
  PROBE_FAILED: 'error',
};

/** CloudStack network states no VM can be deployed into. */
const UNUSABLE_STATES = /^(shutdown|destroy|destroyed|error|failed)$/i;

const issue = (
  code: ValidationCode,
  message: string,
  source_network: string | null,
  destination_network_id: string | null,
): ValidationIssue => ({ code, severity: SEVERITY[code], message, source_network, destination_network_id });

const label = (d: Destination) => `"${d.name}" (${d.id})`;
const zoneOf = (d: Destination) => d.zone_name ?? d.zone_id;
const inZone = (d: Destination, zone: string) =>
  [d.zone_id, d.zone_name].some((z) => z !== null && z.toLowerCase() === zone.toLowerCase());

export function isDeployable(d: Destination): boolean {
  return Number(d.can_use_for_deploy) !== 0 && !UNUSABLE_STATES.test((d.state ?? '').trim());
}

/**
 * The issues of one VM. `mappings` holds the VM's mappings of the failover type being validated,
 * keyed by source network; mappings of networks the VM has no NIC on are ignored.
 */
export function validateVm(
  vm: VmUnderValidation,
  mappings: ReadonlyMap<string, MappedDestination>,
  expectedZone: ExpectedZone | null,
  ctx: RuleContext,
): VmValidation {
  const issues: ValidationIssue[] = [];
  const kind = ctx.failoverType;
  if (vm.nics.length === 0) {
    issues.push(
      issue(
        'NO_NICS',
        `VM "${vm.vm_name}" has no NICs with a network in vm_disks.network_config; nothing can be mapped`,
        null,
        null,
      ),
    );
    return finish(vm, issues);
  }

  // NIC -> destination, per distinct source network (two NICs on one network share one mapping).
  const found: { source: string; dest: Destination }[] = [];
  const nicsPerDestination = new Map<string, string[]>();
  for (const source of new Set(vm.nics)) {
    const mapping = mappings.get(source);
    if (!mapping) {
      issues.push(issue('UNMAPPED_NETWORK', `Network "${source}" has no ${kind} mapping`, source, null));
      continue;
    }
    const id = mapping.destination_network_id;
    const nics = vm.nics.filter((n) => n === source);
    nicsPerDestination.set(id, [...(nicsPerDestination.get(id) ?? []), ...nics]);
    const dest = ctx.destinations.get(id);
    if (!dest) {
      issues.push(
        issue(
          'DESTINATION_NOT_FOUND',
          ctx.inventoryEmpty
            ? `Network "${source}" is mapped to "${id}", but the CloudStack network inventory is empty (PUT /api/v1/networks/available or configure the CloudStack sync)`
            : `Network "${source}" is mapped to "${id}", which is not in the CloudStack network inventory`,
          source,
          id,
        ),
      );
    } else {
      found.push({ source, dest });
      if (!isDeployable(dest)) {
        const why =
          Number(dest.can_use_for_deploy) === 0
            ? 'CloudStack says it cannot be deployed to'
            : `state ${dest.state}`;
        issues.push(
          issue(
            'DESTINATION_NOT_DEPLOYABLE',
            `Network "${source}" is mapped to ${label(dest)}: ${why}`,
            source,
            id,
          ),
        );
      }
      const role = networkRole(dest);
      if (kind === 'test' && role.role === 'live') {
        issues.push(
          issue(
            'TEST_FAILOVER_ON_LIVE_NETWORK',
            `Test failover of "${source}" lands on ${label(dest)}, which looks like a live network (${role.reason}); tag it purpose=test if it is a test network`,
            source,
            id,
          ),
        );
      }
      if (kind === 'live' && role.role === 'test') {
        issues.push(
          issue(
            'LIVE_FAILOVER_ON_TEST_NETWORK',
            `Live failover of "${source}" lands on ${label(dest)}, a test network (${role.reason})`,
            source,
            id,
          ),
        );
      }
    }
    const probe = ctx.probes?.get(id);
    if (probe && probe.attempts > 0 && probe.failed >= probe.attempts) {
      issues.push(
        issue(
          'PROBE_FAILED',
          `The probe target ${probe.target} of "${id}" (mapped from "${source}") did not answer in ${probe.attempts} attempt${probe.attempts === 1 ? '' : 's'}`,
          source,
          id,
        ),
      );
    }
  }

  issues.push(...zoneIssues(found, expectedZone));

  for (const [id, nics] of nicsPerDestination) {
    if (nics.length < 2) continue;
    const sources = [...new Set(nics)];
    issues.push(
      issue(
        'DUPLICATE_TARGET',
        sources.length === 1
          ? `${nics.length} NICs on "${sources[0]}" all land on "${id}"; CloudStack gives a VM one NIC per network`
          : `${nics.length} NICs (${sources.map((s) => `"${s}"`).join(', ')}) land on the same network "${id}"`,
        sources.length === 1 ? sources[0] : null,
        id,
      ),
    );
  }
  return finish(vm, issues);
}

function zoneIssues(
  found: { source: string; dest: Destination }[],
  expected: ExpectedZone | null,
): ValidationIssue[] {
  const zoned = found.filter((f) => zoneOf(f.dest) !== null);
  if (expected) {
    return zoned
      .filter((f) => !inZone(f.dest, expected.zone))
      .map((f) =>
        issue(
          'ZONE_MISMATCH',
          `Network "${f.source}" is mapped to ${label(f.dest)} in zone ${zoneOf(f.dest)}, but the VM is deployed to zone ${expected.zone} (OSSEA config "${expected.config_name}")`,
          f.source,
          f.dest.id,
        ),
      );
  }
  const byZone = new Map<string, string[]>();
  for (const f of zoned) {
    const zone = zoneOf(f.dest)!;
    byZone.set(zone, [...(byZone.get(zone) ?? []), `"${f.source}"`]);
  }
  if (byZone.size < 2) return [];
  const spread = [...byZone].map(([zone, sources]) => `${zone} (${sources.join(', ')})`).join('; ');
  return [issue('ZONE_MISMATCH', `The VM's destinations span zones: ${spread}`, null, null)];
}

export function vmStatus(issues: ValidationIssue[]): VmValidation['status'] {
  if (issues.some((i) => i.severity === 'error')) return 'invalid';
  return issues.length ? 'warning' : 'valid';
}

function finish(vm: VmUnderValidation, issues: ValidationIssue[]): VmValidation {
  return { vm_name: vm.vm_name, status: vmStatus(issues), issues };
}

/**
 * What a stored mapping row of a validated VM records: invalid when an error names its source
 * network or the whole VM (source_network null), valid otherwise (warnings do not fail a mapping).
 */
export function mappingStatus(result: VmValidation, sourceNetwork: string): 'valid' | 'invalid' {
  const failing = result.issues.some(
    (i) => i.severity === 'error' && (i.source_network === null || i.source_network === sourceNetwork),
  );
  return failing ? 'invalid' : 'valid';
}

export function summarize(failoverType: FailoverType, results: VmValidation[]): ValidationReport {
  const count = (status: VmValidation['status']) => results.filter((r) => r.status === status).length;
  const invalid = count('invalid');
  return {
    failover_type: failoverType,
    valid: invalid === 0,
    summary: { vms: results.length, valid: count('valid'), invalid, warnings: count('warning') },
    results,
  };
}
