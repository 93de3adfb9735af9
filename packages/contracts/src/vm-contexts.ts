import { Type, type Static } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, StringEnum } from './common';
import { JOB_STATUSES, VM_CONTEXT_STATUSES } from './enums';

export const VmContext = Type.Object({
  context_id: Type.String(),
  vm_name: Type.String(),
  vmware_vm_id: Type.String(),
  vm_path: Type.String(),
  vcenter_host: Type.String(),
  datacenter: Type.String(),
  current_status: StringEnum(VM_CONTEXT_STATUSES),
  current_job_id: Nullable(Type.String()),
  last_successful_job_id: Nullable(Type.String()),
  total_jobs_run: Type.Integer(),
  successful_jobs: Type.Integer(),
  failed_jobs: Type.Integer(),
  cpu_count: Nullable(Type.Integer()),
  memory_mb: Nullable(Type.Integer()),
  os_type: Nullable(Type.String()),
  power_state: Nullable(Type.String()),
  vm_tools_version: Nullable(Type.String()),
  created_at: NullableTimestamp,
  updated_at: NullableTimestamp,
  first_job_at: NullableTimestamp,
  last_job_at: NullableTimestamp,
  last_status_change: NullableTimestamp,
  scheduler_enabled: Type.Boolean(),
  next_scheduled_at: NullableTimestamp,
  ossea_config_id: Nullable(Type.Integer()),
  last_operation_summary: Nullable(Type.Unknown()),
});
export type VmContext = Static<typeof VmContext>;

export const ReplicationJob = Type.Object({
  id: Type.String(),
  vm_context_id: Nullable(Type.String()),
  source_vm_id: Type.String(),
  source_vm_name: Type.String(),
  source_vm_path: Type.String(),
  v_center_host: Type.String(),
  datacenter: Type.String(),
  replication_type: Type.String(),
  target_network: Nullable(Type.String()),
  status: Type.String({ description: `One of ${JOB_STATUSES.join(', ')}` }),
  progress_percent: Type.Number(),
  current_operation: Nullable(Type.String()),
  bytes_transferred: Type.Number(),
  total_bytes: Type.Number(),
  transfer_speed_bps: Type.Number(),
  error_message: Nullable(Type.String()),
  change_id: Nullable(Type.String()),
  previous_change_id: Nullable(Type.String()),
  vma_sync_type: Nullable(Type.String()),
  vma_current_phase: Nullable(Type.String()),
  vma_throughput_mbps: Nullable(Type.Number()),
  vma_eta_seconds: Nullable(Type.Integer()),
  vma_last_poll_at: NullableTimestamp,
  vma_error_classification: Nullable(Type.String()),
  vma_error_details: Nullable(Type.String()),
  setup_progress_percent: Nullable(Type.Number()),
  vm_group_id: Nullable(Type.String()),
  created_at: NullableTimestamp,
  updated_at: NullableTimestamp,
  started_at: NullableTimestamp,
  completed_at: NullableTimestamp,
});
export type ReplicationJob = Static<typeof ReplicationJob>;

export const Nic = Type.Object(
  {
    name: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    connected: Type.Optional(Type.Boolean()),
    mac_address: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    network_name: Type.Optional(Type.String()),
    adapter_type: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type Nic = Static<typeof Nic>;

export const VmDisk = Type.Object({
  id: Type.Integer(),
  vm_context_id: Nullable(Type.String()),
  job_id: Type.String(),
  disk_id: Type.String(),
  vm_dk_path: Type.String(),
  size_gb: Type.Number(),
  datastore: Nullable(Type.String()),
  unit_number: Nullable(Type.Integer()),
  label: Nullable(Type.String()),
  capacity_bytes: Nullable(Type.Number()),
  provisioning_type: Nullable(Type.String()),
  sync_status: Nullable(Type.String()),
  sync_progress_percent: Nullable(Type.Number()),
  bytes_synced: Nullable(Type.Number()),
  network_config: Type.Array(Nic, { description: 'NICs parsed from the network_config JSON text' }),
  created_at: NullableTimestamp,
  updated_at: NullableTimestamp,
});
export type VmDisk = Static<typeof VmDisk>;

export const CbtHistoryRow = Type.Object({
  id: Type.Integer(),
  vm_context_id: Nullable(Type.String()),
  job_id: Type.String(),
  disk_id: Type.String(),
  change_id: Type.String(),
  previous_change_id: Nullable(Type.String()),
  sync_type: Type.String(),
  blocks_changed: Nullable(Type.Number()),
  bytes_transferred: Nullable(Type.Number()),
  sync_duration_seconds: Nullable(Type.Number()),
  sync_success: Type.Boolean(),
  created_at: NullableTimestamp,
});
export type CbtHistoryRow = Static<typeof CbtHistoryRow>;

export const VmContextList = Type.Object({
  vm_contexts: Type.Array(VmContext),
  count: Type.Integer({ description: 'Rows in this page' }),
  next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` to read the next page' })),
});

export const VmContextQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(VM_CONTEXT_STATUSES)),
    vcenter: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    search: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Substring of the VM name' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type VmContextQuery = Static<typeof VmContextQuery>;
