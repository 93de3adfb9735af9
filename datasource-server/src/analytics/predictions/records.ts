// OMA rows -> the model's records. Pure.
import type { DbTime } from '../../db/time';
import type { JobRecord, VmFacts } from './model';

export interface JobRow {
  id: string;
  vm_context_id: string | null;
  replication_type: string;
  status: string | null;
  started_at: string | null;
  completed_at: string | null;
  total_bytes: number | null;
  bytes_transferred: number | null;
}

export interface DiskRow {
  vm_context_id: string | null;
  datastore: string | null;
  capacity_bytes: number | null;
  size_gb: number;
}

const GB = 1024 ** 3;

/** Finished jobs with both times; `transferSeconds` from the job's CBT rows when it has any. */
export function jobRecords(rows: JobRow[], copySeconds: Map<string, number>, time: DbTime): JobRecord[] {
  const records: JobRecord[] = [];
  for (const row of rows) {
    const startedMs = time.toMs(row.started_at);
    const completedMs = time.toMs(row.completed_at);
    if (!row.vm_context_id || startedMs === null || completedMs === null || completedMs < startedMs) continue;
    records.push({
      id: row.id,
      vm: row.vm_context_id,
      type: row.replication_type === 'initial' ? 'initial' : 'incremental',
      status: row.status ?? '',
      startedMs,
      completedMs,
      totalBytes: Number(row.total_bytes ?? 0),
      bytesTransferred: Number(row.bytes_transferred ?? 0),
      transferSeconds: copySeconds.has(row.id) ? Number(copySeconds.get(row.id)) : null,
    });
  }
  return records;
}

/** Per VM: capacity summed over its disks, and the datastore holding most of it. */
export function vmFacts(vms: { context_id: string; vcenter_host: string }[], disks: DiskRow[]): VmFacts[] {
  const byVm = new Map<string, Map<string, number>>();
  const capacity = new Map<string, number>();
  for (const d of disks) {
    if (!d.vm_context_id) continue;
    const bytes = Number(d.capacity_bytes ?? d.size_gb * GB);
    capacity.set(d.vm_context_id, (capacity.get(d.vm_context_id) ?? 0) + bytes);
    if (d.datastore) {
      const stores = byVm.get(d.vm_context_id) ?? new Map<string, number>();
      stores.set(d.datastore, (stores.get(d.datastore) ?? 0) + bytes);
      byVm.set(d.vm_context_id, stores);
    }
  }
  return vms.map((vm) => {
    const stores = [...(byVm.get(vm.context_id) ?? new Map<string, number>())].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    );
    return {
      id: vm.context_id,
      vcenter: vm.vcenter_host,
      datastore: stores[0]?.[0] ?? null,
      capacityBytes: capacity.get(vm.context_id) ?? 0,
    };
  });
}
