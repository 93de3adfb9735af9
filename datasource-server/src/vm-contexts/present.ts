// Row -> API shape. Pure: no I/O, so the conversions are unit tested directly.
import type { CbtHistoryRow, ReplicationJob, VmContext, VmDisk } from '@oma-insights/contracts';
import type { CbtHistoryRow as CbtRow, ReplicationJobRow, VmContextRow, VmDiskRow } from '../db/schema';
import type { DbTime } from '../db/time';
import { parseJson, parseNics, toNumber, toNumberOrNull } from '../oma/rows';

export function presentContext(row: VmContextRow, time: DbTime): VmContext {
  return {
    context_id: row.context_id,
    vm_name: row.vm_name,
    vmware_vm_id: row.vmware_vm_id,
    vm_path: row.vm_path,
    vcenter_host: row.vcenter_host,
    datacenter: row.datacenter,
    current_status: row.current_status as VmContext['current_status'],
    current_job_id: row.current_job_id,
    last_successful_job_id: row.last_successful_job_id,
    total_jobs_run: toNumber(row.total_jobs_run),
    successful_jobs: toNumber(row.successful_jobs),
    failed_jobs: toNumber(row.failed_jobs),
    cpu_count: toNumberOrNull(row.cpu_count),
    memory_mb: toNumberOrNull(row.memory_mb),
    os_type: row.os_type,
    power_state: row.power_state,
    vm_tools_version: row.vm_tools_version,
    created_at: time.toIso(row.created_at),
    updated_at: time.toIso(row.updated_at),
    first_job_at: time.toIso(row.first_job_at),
    last_job_at: time.toIso(row.last_job_at),
    last_status_change: time.toIso(row.last_status_change),
    scheduler_enabled: toNumber(row.scheduler_enabled, 1) === 1,
    next_scheduled_at: time.toIso(row.next_scheduled_at),
    ossea_config_id: toNumberOrNull(row.ossea_config_id),
    last_operation_summary: parseJson(row.last_operation_summary),
  };
}

export function presentJob(row: ReplicationJobRow, time: DbTime): ReplicationJob {
  return {
    id: row.id,
    vm_context_id: row.vm_context_id,
    source_vm_id: row.source_vm_id,
    source_vm_name: row.source_vm_name,
    source_vm_path: row.source_vm_path,
    v_center_host: row.v_center_host,
    datacenter: row.datacenter,
    replication_type: row.replication_type,
    target_network: row.target_network,
    status: row.status ?? 'pending',
    progress_percent: toNumber(row.progress_percent),
    current_operation: row.current_operation,
    bytes_transferred: toNumber(row.bytes_transferred),
    total_bytes: toNumber(row.total_bytes),
    transfer_speed_bps: toNumber(row.transfer_speed_bps),
    error_message: row.error_message,
    change_id: row.change_id,
    previous_change_id: row.previous_change_id,
    vma_sync_type: row.vma_sync_type,
    vma_current_phase: row.vma_current_phase,
    vma_throughput_mbps: toNumberOrNull(row.vma_throughput_mbps),
    vma_eta_seconds: toNumberOrNull(row.vma_eta_seconds),
    vma_last_poll_at: time.toIso(row.vma_last_poll_at),
    vma_error_classification: row.vma_error_classification,
    vma_error_details: row.vma_error_details,
    setup_progress_percent: toNumberOrNull(row.setup_progress_percent),
    vm_group_id: row.vm_group_id,
    created_at: time.toIso(row.created_at),
    updated_at: time.toIso(row.updated_at),
    started_at: time.toIso(row.started_at),
    completed_at: time.toIso(row.completed_at),
  };
}

export function presentDisk(row: VmDiskRow, time: DbTime): VmDisk {
  return {
    id: Number(row.id),
    vm_context_id: row.vm_context_id,
    job_id: row.job_id,
    disk_id: row.disk_id,
    vm_dk_path: row.vm_dk_path,
    size_gb: toNumber(row.size_gb),
    datastore: row.datastore,
    unit_number: toNumberOrNull(row.unit_number),
    label: row.label,
    capacity_bytes: toNumberOrNull(row.capacity_bytes),
    provisioning_type: row.provisioning_type,
    sync_status: row.sync_status,
    sync_progress_percent: toNumberOrNull(row.sync_progress_percent),
    bytes_synced: toNumberOrNull(row.bytes_synced),
    network_config: parseNics(row.network_config),
    created_at: time.toIso(row.created_at),
    updated_at: time.toIso(row.updated_at),
  };
}

export function presentCbt(row: CbtRow, time: DbTime): CbtHistoryRow {
  return {
    id: Number(row.id),
    vm_context_id: row.vm_context_id,
    job_id: row.job_id,
    disk_id: row.disk_id,
    change_id: row.change_id,
    previous_change_id: row.previous_change_id,
    sync_type: row.sync_type,
    blocks_changed: toNumberOrNull(row.blocks_changed),
    bytes_transferred: toNumberOrNull(row.bytes_transferred),
    sync_duration_seconds: toNumberOrNull(row.sync_duration_seconds),
    sync_success: toNumber(row.sync_success) === 1,
    created_at: time.toIso(row.created_at),
  };
}
