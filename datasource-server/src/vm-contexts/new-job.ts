import type { NewReplicationJob, VmContextRow } from '../db/schema';

type JobSource = Pick<
  VmContextRow,
  'context_id' | 'vmware_vm_id' | 'vm_name' | 'vm_path' | 'vcenter_host' | 'datacenter'
> &
  Partial<Pick<VmContextRow, 'ossea_config_id'>>;

/** A new, pending replication job for a VM, as the OMA creates it before the copier starts. */
export function newJobRow(
  vm: JobSource,
  id: string,
  now: string,
  overrides: Partial<NewReplicationJob> = {},
): NewReplicationJob {
  return {
    id,
    vm_context_id: vm.context_id,
    source_vm_id: vm.vmware_vm_id,
    source_vm_name: vm.vm_name,
    source_vm_path: vm.vm_path,
    v_center_host: vm.vcenter_host,
    datacenter: vm.datacenter,
    replication_type: 'incremental',
    status: 'pending',
    progress_percent: 0,
    current_operation: 'Queued',
    bytes_transferred: 0,
    total_bytes: 0,
    transfer_speed_bps: 0,
    ossea_config_id: vm.ossea_config_id ?? null,
    vma_sync_type: overrides.replication_type ?? 'incremental',
    vma_throughput_mbps: 0,
    setup_progress_percent: 0,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}
