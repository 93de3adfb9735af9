/**
 * Test factories: the frames the server's network query types answer, built like the server lays
 * them out (Node Graph `nodes`/`edges`, the recommendations and VM tables). Each takes overrides.
 */
import { FieldType, createDataFrame, type DataFrame } from '@grafana/data';

import type { EdgeValidation } from '../model/topology-model';

export interface NodeRow {
  id: string;
  kind: 'source' | 'destination';
  name: string;
  vm_count: number;
  /** Sources: VMs without a mapping (the server's secondarystat). */
  unmapped?: number;
  vlan?: string | null;
  zone?: string | null;
  state?: string | null;
}

export interface EdgeRow {
  source: string;
  target: string;
  vm_count: number;
  validation_status?: EdgeValidation;
  is_test_network?: boolean;
}

export interface CandidateRow {
  source_network: string;
  vm_count: number;
  current_network_id?: string | null;
  rank: number;
  network_id: string;
  network_name: string;
  score: number;
  reasons?: string;
}

export interface VmRow {
  vm_name: string;
  source_network: string;
  vcenter?: string;
  datacenter?: string;
  status?: string;
  live_network_id?: string | null;
  live_network_name?: string | null;
  live_validation?: string | null;
  test_network_id?: string | null;
  test_network_name?: string | null;
  test_validation?: string | null;
}

export const src = (
  name: string,
  vm_count: number,
  state = 'mapped',
  vlan: string | null = null,
  unmapped = state === 'unmapped' ? vm_count : 0,
): NodeRow => ({
  id: `src:${name}`,
  kind: 'source',
  name,
  vm_count,
  unmapped,
  vlan,
  zone: null,
  state,
});

export const dst = (
  id: string,
  name: string,
  vm_count: number,
  zone = 'zone-1',
  state = 'Implemented',
): NodeRow => ({
  id: `dst:${id}`,
  kind: 'destination',
  name,
  vm_count,
  vlan: null,
  zone,
  state,
});

export function nodesFrame(rows: NodeRow[], refId = 'A'): DataFrame {
  return createDataFrame({
    name: 'nodes',
    refId,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: 'id', type: FieldType.string, values: rows.map((r) => r.id) },
      { name: 'title', type: FieldType.string, values: rows.map((r) => r.name) },
      {
        name: 'subtitle',
        type: FieldType.string,
        values: rows.map((r) => (r.kind === 'source' ? 'VMware' : 'CloudStack')),
      },
      {
        name: 'mainstat',
        type: FieldType.number,
        values: rows.map((r) => r.vm_count),
        config: { displayName: 'VMs' },
      },
      {
        name: 'secondarystat',
        type: FieldType.number,
        values: rows.map((r) => r.unmapped ?? 0),
        config: { displayName: 'Unmapped VMs' },
      },
      { name: 'detail__kind', type: FieldType.string, values: rows.map((r) => r.kind) },
      { name: 'detail__vlan', type: FieldType.string, values: rows.map((r) => r.vlan ?? null) },
      { name: 'detail__zone', type: FieldType.string, values: rows.map((r) => r.zone ?? null) },
      { name: 'detail__state', type: FieldType.string, values: rows.map((r) => r.state ?? null) },
    ],
  });
}

export function edgesFrame(rows: EdgeRow[], refId = 'A'): DataFrame {
  return createDataFrame({
    name: 'edges',
    refId,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: 'id', type: FieldType.string, values: rows.map((r) => `${r.source}->${r.target}`) },
      { name: 'source', type: FieldType.string, values: rows.map((r) => r.source) },
      { name: 'target', type: FieldType.string, values: rows.map((r) => r.target) },
      { name: 'mainstat', type: FieldType.number, values: rows.map((r) => r.vm_count) },
      {
        name: 'detail__validation_status',
        type: FieldType.string,
        values: rows.map((r) => r.validation_status ?? 'valid'),
      },
      {
        name: 'detail__is_test_network',
        type: FieldType.boolean,
        values: rows.map((r) => r.is_test_network ?? false),
      },
    ],
  });
}

export function recommendationsFrame(rows: CandidateRow[], refId = 'B'): DataFrame {
  const col = <K extends keyof CandidateRow>(name: K, type: FieldType) => ({
    name,
    type,
    values: rows.map((r) => r[name] ?? null),
  });
  return createDataFrame({
    name: 'recommendations',
    refId,
    fields: [
      col('source_network', FieldType.string),
      col('vm_count', FieldType.number),
      col('current_network_id', FieldType.string),
      col('rank', FieldType.number),
      col('network_id', FieldType.string),
      col('network_name', FieldType.string),
      col('score', FieldType.number),
      col('reasons', FieldType.string),
    ],
  });
}

export function vmsFrame(rows: VmRow[], refId = 'C'): DataFrame {
  const names: Array<keyof VmRow> = [
    'vm_name',
    'vcenter',
    'datacenter',
    'status',
    'source_network',
    'live_network_id',
    'live_network_name',
    'live_validation',
    'test_network_id',
    'test_network_name',
    'test_validation',
  ];
  return createDataFrame({
    name: 'network_vms',
    refId,
    fields: names.map((name) => ({ name, type: FieldType.string, values: rows.map((r) => r[name] ?? null) })),
  });
}
