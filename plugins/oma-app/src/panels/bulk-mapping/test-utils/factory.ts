/** Test factories for the bulk mapping panel: frames as the query protocol documents them, and results. */
import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';
import type { BulkChange, BulkMappingResult, VmValidation } from '@oma-insights/contracts/network-mapping';

export interface NicRowInput {
  vm: string;
  source: string;
  vcenter?: string;
  datacenter?: string;
  status?: string;
  live?: [id: string, name: string, validation?: string] | null;
  test?: [id: string, name: string, validation?: string] | null;
}

/** A `networkVms` frame: one row per (VM, NIC network). */
export function vmFrame(rows: NicRowInput[], refId = 'vms'): DataFrame {
  const col = (name: string, values: unknown[], type = FieldType.string) => ({ name, type, values });
  return toDataFrame({
    refId,
    name: 'network_vms',
    fields: [
      col(
        'vm_name',
        rows.map((r) => r.vm),
      ),
      col(
        'vcenter',
        rows.map((r) => r.vcenter ?? 'vc-1'),
      ),
      col(
        'datacenter',
        rows.map((r) => r.datacenter ?? 'dc-1'),
      ),
      col(
        'status',
        rows.map((r) => r.status ?? 'replicating'),
      ),
      col(
        'source_network',
        rows.map((r) => r.source),
      ),
      col(
        'live_network_id',
        rows.map((r) => r.live?.[0] ?? null),
      ),
      col(
        'live_network_name',
        rows.map((r) => r.live?.[1] ?? null),
      ),
      col(
        'live_validation',
        rows.map((r) => r.live?.[2] ?? null),
      ),
      col(
        'test_network_id',
        rows.map((r) => r.test?.[0] ?? null),
      ),
      col(
        'test_network_name',
        rows.map((r) => r.test?.[1] ?? null),
      ),
      col(
        'test_validation',
        rows.map((r) => r.test?.[2] ?? null),
      ),
    ],
  });
}

export interface CandidateRowInput {
  source: string;
  rank: number;
  id: string;
  name: string;
  score: number;
  reasons?: string[];
  vmCount?: number;
  current?: string | null;
}

/** A `networkRecommendations` frame: one row per (source network, candidate). */
export function recommendationFrame(rows: CandidateRowInput[], refId = 'recs'): DataFrame {
  return toDataFrame({
    refId,
    name: 'network_recommendations',
    fields: [
      { name: 'source_network', type: FieldType.string, values: rows.map((r) => r.source) },
      { name: 'vm_count', type: FieldType.number, values: rows.map((r) => r.vmCount ?? 1) },
      { name: 'current_network_id', type: FieldType.string, values: rows.map((r) => r.current ?? null) },
      { name: 'rank', type: FieldType.number, values: rows.map((r) => r.rank) },
      { name: 'network_id', type: FieldType.string, values: rows.map((r) => r.id) },
      { name: 'network_name', type: FieldType.string, values: rows.map((r) => r.name) },
      { name: 'score', type: FieldType.number, values: rows.map((r) => r.score) },
      { name: 'reasons', type: FieldType.string, values: rows.map((r) => (r.reasons ?? []).join('; ')) },
    ],
  });
}

/** A `variable` query of kind `destinationNetworks`: text = name, value = id. */
export function destinationFrame(networks: Array<[id: string, name: string]>, refId = 'dst'): DataFrame {
  return toDataFrame({
    refId,
    name: 'variable',
    fields: [
      { name: 'text', type: FieldType.string, values: networks.map(([, name]) => name) },
      { name: 'value', type: FieldType.string, values: networks.map(([id]) => id) },
    ],
  });
}

export function change(
  vm: string,
  source: string,
  before: [string, string] | null,
  after: [string, string],
  overrides: Partial<BulkChange> = {},
): BulkChange {
  return {
    vm_name: vm,
    source_network: source,
    is_test_network: false,
    before: before && { network_id: before[0], network_name: before[1] },
    after: { network_id: after[0], network_name: after[1] },
    recommendation_rank: 1,
    ...overrides,
  };
}

export function result(
  overrides: Partial<BulkMappingResult> = {},
  results: VmValidation[] = [],
): BulkMappingResult {
  const invalid = results.filter((r) => r.status === 'invalid').length;
  const warnings = results.filter((r) => r.status === 'warning').length;
  return {
    dry_run: true,
    applied: false,
    summary: { vms_matched: 0, created: 0, updated: 0, unchanged: 0 },
    changes: [],
    validation: {
      failover_type: 'live',
      valid: invalid === 0,
      summary: { vms: results.length, valid: results.length - invalid - warnings, invalid, warnings },
      results,
    },
    ...overrides,
  };
}
