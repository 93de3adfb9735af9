// The `POST /networks/bulk-mapping` body the panel sends: exactly what the server gets, so it is
// built here, in one pure function, and tested field by field.
import type { BulkMappingRequest, BulkRule, BulkSelector } from '@oma-insights/contracts/network-mapping';

import { MAX_BULK_RULES, MAX_SELECTOR_VMS } from '@oma-insights/contracts/network-values';
import type { VmFilters } from './filter';
import type { RuleRow } from './rules';
import type { FailoverType } from './types';
import type { VmRow } from './vm-rows';

/** rules: the rules table; recommendations: every selected NIC to its top recommendation, on the server. */
export type MappingMode = 'rules' | 'recommendations';

export interface RequestInput {
  filters: VmFilters;
  /** The filter's error (an invalid regex): no request until it is fixed. */
  filterError?: string;
  /** The VMs the list shows after filtering. */
  selected: VmRow[];
  rules: RuleRow[];
  mode: MappingMode;
  failoverType: FailoverType;
}

export type BuiltRequest = { ok: true; request: BulkMappingRequest } | { ok: false; problem: string };

/**
 * The selector names the listed VMs (`vm_names`) and repeats the filters that are set. The server
 * selects VMs matching every field, so it never touches a VM the list did not show: not one
 * created since the panel loaded, beyond the query's row limit or outside the dashboard's vCenter.
 */
export function buildSelector(filters: VmFilters, selected: VmRow[]): BulkSelector {
  const selector: BulkSelector = { vm_names: [...new Set(selected.map((vm) => vm.name))].sort() };
  if (filters.vcenter) selector.vcenter = filters.vcenter;
  if (filters.datacenter) selector.datacenter = filters.datacenter;
  if (filters.sourceNetwork) selector.source_network = filters.sourceNetwork;
  if (filters.namePattern.value !== '') {
    selector.name_pattern = { match: filters.namePattern.match, value: filters.namePattern.value };
  }
  return selector;
}

export function buildRules(rules: RuleRow[], failoverType: FailoverType): BulkRule[] {
  return rules
    .filter((r) => r.destination !== null)
    .map((r) => ({
      source_network: r.sourceNetwork,
      destination_network_id: r.destination!.id,
      is_test_network: failoverType === 'test',
    }));
}

export function buildBulkRequest(input: RequestInput, dryRun: boolean): BuiltRequest {
  const { filters, filterError, selected, rules, mode, failoverType } = input;
  if (filterError) return { ok: false, problem: `Fix the name pattern first. ${filterError}` };
  if (selected.length === 0) return { ok: false, problem: 'No VM matches the filters.' };
  if (selected.length > MAX_SELECTOR_VMS) {
    return {
      ok: false,
      problem: `${selected.length} VMs are selected; one request may name at most ${MAX_SELECTOR_VMS}. Narrow the filters.`,
    };
  }
  const selector = buildSelector(filters, selected);
  if (mode === 'recommendations') {
    return {
      ok: true,
      request: { selector, use_recommendations: true, failover_type: failoverType, dry_run: dryRun },
    };
  }
  const bulkRules = buildRules(rules, failoverType);
  if (bulkRules.length === 0) {
    return { ok: false, problem: 'Choose a destination for at least one source network.' };
  }
  if (bulkRules.length > MAX_BULK_RULES) {
    return {
      ok: false,
      problem: `${bulkRules.length} rules; one request may carry at most ${MAX_BULK_RULES}. Narrow the filters.`,
    };
  }
  return { ok: true, request: { selector, rules: bulkRules, failover_type: failoverType, dry_run: dryRun } };
}

/**
 * Identifies a request regardless of `dry_run`: a dry run's diff belongs to the apply of the same
 * key, and a retried apply of the same key reuses its Idempotency-Key.
 */
export function requestKey(request: BulkMappingRequest): string {
  return JSON.stringify({ ...request, dry_run: undefined });
}
