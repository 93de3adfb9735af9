/**
 * The VMs behind what the user clicked (a network or a mapping), from the `networkVms` query's
 * table: one row per (VM, NIC network) with its live and its test mapping.
 */
import type { DataFrame } from '@grafana/data';

import type { FailoverType } from '../types';
import type { TopologyEdge, NetworkNode } from './topology-model';

export interface NetworkVm {
  vmName: string;
  vcenter: string | null;
  datacenter: string | null;
  /** The OMA's VM context status. */
  status: string | null;
  sourceNetwork: string;
  /** The mapping for the failover type shown (null when the NIC has none). */
  networkId: string | null;
  networkName: string | null;
  validation: string | null;
}

interface VmRow {
  vmName: string;
  vcenter: string | null;
  datacenter: string | null;
  status: string | null;
  sourceNetwork: string;
  live: { id: string | null; name: string | null; validation: string | null };
  test: { id: string | null; name: string | null; validation: string | null };
}

const REQUIRED = ['vm_name', 'source_network', 'live_network_id', 'test_network_id'];

export function isVmsFrame(frame: DataFrame): boolean {
  return REQUIRED.every((name) => frame.fields.some((f) => f.name === name));
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** Every NIC row of the first `networkVms` frame, or undefined when there is none. */
export function readVmRows(frames: DataFrame[]): VmRow[] | undefined {
  const frame = frames.find(isVmsFrame);
  if (!frame) {
    return undefined;
  }
  const col = (name: string) => (frame.fields.find((f) => f.name === name)?.values ?? []) as unknown[];
  const [names, vcenters, dcs, statuses, sources] = [
    col('vm_name'),
    col('vcenter'),
    col('datacenter'),
    col('status'),
    col('source_network'),
  ];
  const mapping = (prefix: 'live' | 'test') => {
    const [ids, nms, val] = [
      col(`${prefix}_network_id`),
      col(`${prefix}_network_name`),
      col(`${prefix}_validation`),
    ];
    return (row: number) => ({ id: str(ids[row]), name: str(nms[row]), validation: str(val[row]) });
  };
  const live = mapping('live');
  const test = mapping('test');
  const rows: VmRow[] = [];
  for (let row = 0; row < frame.length; row++) {
    const vmName = str(names[row]);
    const sourceNetwork = str(sources[row]);
    if (vmName && sourceNetwork) {
      rows.push({
        vmName,
        vcenter: str(vcenters[row]),
        datacenter: str(dcs[row]),
        status: str(statuses[row]),
        sourceNetwork,
        live: live(row),
        test: test(row),
      });
    }
  }
  return rows;
}

/** What was clicked: a network node, or an edge with the networks at its ends. */
export type Selection =
  | { type: 'node'; node: NetworkNode }
  | { type: 'edge'; edge: TopologyEdge; sourceNetwork: string; networkId: string; networkName: string };

/**
 * The VMs behind a selection, for one failover type, sorted by VM name:
 * - a source network: every VM with a NIC on it;
 * - a destination network: every VM mapped to it;
 * - a mapping edge: the VMs of its source network mapped to its destination;
 * - a recommendation: the VMs of its source network (the ones Apply would map).
 */
export function vmsBehind(rows: VmRow[], selection: Selection, failoverType: FailoverType): NetworkVm[] {
  const matches = (row: VmRow): boolean => {
    const mapped = row[failoverType];
    if (selection.type === 'node') {
      return selection.node.kind === 'source'
        ? row.sourceNetwork === selection.node.name
        : mapped.id === selection.node.networkId;
    }
    if (row.sourceNetwork !== selection.sourceNetwork) {
      return false;
    }
    return selection.edge.kind === 'recommendation' || mapped.id === selection.networkId;
  };
  return rows
    .filter(matches)
    .map((row) => ({
      vmName: row.vmName,
      vcenter: row.vcenter,
      datacenter: row.datacenter,
      status: row.status,
      sourceNetwork: row.sourceNetwork,
      networkId: row[failoverType].id,
      networkName: row[failoverType].name,
      validation: row[failoverType].validation,
    }))
    .sort((a, b) => a.vmName.localeCompare(b.vmName) || a.sourceNetwork.localeCompare(b.sourceNetwork));
}
