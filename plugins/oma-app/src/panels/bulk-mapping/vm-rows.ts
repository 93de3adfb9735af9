// `networkVms` frames (one row per VM and NIC network) -> one row per VM with its NICs and their
// current live and test destinations. No React, no I/O.
import type { DataFrame } from '@grafana/data';

import { column, readRows, text } from './frames';
import type { FailoverType } from './types';

export interface MappedDestination {
  id: string;
  /** The CloudStack network's name, or its id when the server did not know the name. */
  name: string;
  /** `network_mappings.validation_status`, e.g. valid, invalid, pending; null when never validated. */
  validation: string | null;
}

/** One NIC network of a VM (the unit a mapping is kept for). */
export interface VmNic {
  sourceNetwork: string;
  live: MappedDestination | null;
  test: MappedDestination | null;
}

export interface VmRow {
  name: string;
  vcenter: string;
  datacenter: string;
  status: string;
  /** By source network name. */
  nics: VmNic[];
}

function destination(frame: DataFrame, i: number, prefix: FailoverType): MappedDestination | null {
  const id = text(column(frame, `${prefix}_network_id`), i);
  if (id === null) return null;
  return {
    id,
    name: text(column(frame, `${prefix}_network_name`), i) ?? id,
    validation: text(column(frame, `${prefix}_validation`), i),
  };
}

/**
 * Groups the NIC rows by VM name (the name is what mappings and selectors key on). Rows without a
 * VM name or source network are skipped; a NIC network seen twice for a VM is kept once, its
 * first row winning. VMs come sorted by name, NICs by source network.
 */
export function buildVmRows(frames: DataFrame[]): VmRow[] {
  const byName = new Map<string, VmRow>();
  const nics = readRows(frames, (frame, i) => {
    const name = text(column(frame, 'vm_name'), i);
    const sourceNetwork = text(column(frame, 'source_network'), i);
    if (name === null || sourceNetwork === null) return null;
    return {
      name,
      vcenter: text(column(frame, 'vcenter'), i) ?? '',
      datacenter: text(column(frame, 'datacenter'), i) ?? '',
      status: text(column(frame, 'status'), i) ?? '',
      nic: { sourceNetwork, live: destination(frame, i, 'live'), test: destination(frame, i, 'test') },
    };
  });
  for (const { nic, ...vm } of nics) {
    let row = byName.get(vm.name);
    if (!row) {
      row = { ...vm, nics: [] };
      byName.set(vm.name, row);
    }
    if (!row.nics.some((n) => n.sourceNetwork === nic.sourceNetwork)) row.nics.push(nic);
  }
  const rows = [...byName.values()];
  for (const row of rows) row.nics.sort((a, b) => compareNames(a.sourceNetwork, b.sourceNetwork));
  return rows.sort((a, b) => compareNames(a.name, b.name));
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
/** Natural order: web-2 before web-10. */
export const compareNames = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** The NIC's destination for one failover type. */
export const destinationFor = (nic: VmNic, failoverType: FailoverType) =>
  failoverType === 'live' ? nic.live : nic.test;
