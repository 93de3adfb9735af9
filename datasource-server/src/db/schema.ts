// Kysely table interfaces. OMA tables keep the names and columns of the real dump (only the
// columns this project reads or writes are listed); `omi_*` tables are our own.
// Datetimes travel as 'YYYY-MM-DD HH:MM:SS.sss' UTC strings in both dialects (see time.ts).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { HealthMetric, VmaLoadField } from '@oma-insights/contracts';

type DbTime = string;

export interface VmReplicationContextsTable {
  context_id: string;
  vm_name: string;
  vmware_vm_id: string;
  vm_path: string;
  vcenter_host: string;
  datacenter: string;
  current_status: string;
  current_job_id: string | null;
  total_jobs_run: number | null;
  successful_jobs: number | null;
  failed_jobs: number | null;
  last_successful_job_id: string | null;
  cpu_count: number | null;
  memory_mb: number | null;
  os_type: string | null;
  power_state: string | null;
  vm_tools_version: string | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  first_job_at: DbTime | null;
  last_job_at: DbTime | null;
  last_status_change: DbTime | null;
  auto_added: number | null;
  scheduler_enabled: number | null;
  next_scheduled_at: DbTime | null;
  ossea_config_id: number | null;
  last_operation_summary: string | null;
}

export interface ReplicationJobsTable {
  id: string;
  vm_context_id: string | null;
  source_vm_id: string;
  source_vm_name: string;
  source_vm_path: string;
  v_center_host: string;
  datacenter: string;
  replication_type: string;
  target_network: string | null;
  status: string | null;
  progress_percent: number | null;
  current_operation: string | null;
  bytes_transferred: number | null;
  total_bytes: number | null;
  transfer_speed_bps: number | null;
  error_message: string | null;
  change_id: string | null;
  previous_change_id: string | null;
  ossea_config_id: number | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  started_at: DbTime | null;
  completed_at: DbTime | null;
  vma_sync_type: string | null;
  vma_current_phase: string | null;
  vma_throughput_mbps: number | null;
  vma_eta_seconds: number | null;
  vma_last_poll_at: DbTime | null;
  vma_error_classification: string | null;
  vma_error_details: string | null;
  setup_progress_percent: number | null;
  vm_group_id: string | null;
}

export interface VmDisksTable {
  id: Generated<number>;
  vm_context_id: string | null;
  job_id: string;
  disk_id: string;
  vm_dk_path: string;
  size_gb: number;
  datastore: string | null;
  unit_number: number | null;
  label: string | null;
  capacity_bytes: number | null;
  provisioning_type: string | null;
  disk_change_id: string | null;
  sync_status: string | null;
  sync_progress_percent: number | null;
  bytes_synced: number | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  cpu_count: number | null;
  memory_mb: number | null;
  os_type: string | null;
  vm_tools_version: string | null;
  network_config: string | null;
  display_name: string | null;
  power_state: string | null;
  vmware_uuid: string | null;
}

export interface CbtHistoryTable {
  id: Generated<number>;
  vm_context_id: string | null;
  job_id: string;
  disk_id: string;
  change_id: string;
  previous_change_id: string | null;
  sync_type: string;
  blocks_changed: number | null;
  bytes_transferred: number | null;
  sync_duration_seconds: number | null;
  sync_success: number | null;
  created_at: DbTime | null;
}

export interface NetworkMappingsTable {
  id: Generated<number>;
  vm_id: string;
  source_network_name: string;
  destination_network_id: string;
  destination_network_name: string;
  is_test_network: number | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  vm_context_id: string | null;
  vmware_vm_id: string | null;
  validation_status: string | null;
  mapping_type: string | null;
  network_strategy: string | null;
  last_validated: DbTime | null;
}

export interface VolumeOperationsTable {
  id: string;
  type: string;
  status: string;
  volume_id: string;
  vm_id: string | null;
  request: string;
  response: string | null;
  error: string | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  completed_at: DbTime | null;
}

export interface VolumeOperationHistoryTable {
  id: Generated<number>;
  operation_id: string;
  previous_status: string | null;
  new_status: string | null;
  changed_at: DbTime | null;
  details: string | null;
}

export interface JobTrackingTable {
  id: string;
  parent_job_id: string | null;
  job_type: string | null;
  operation: string;
  status: string | null;
  cloudstack_job_id: string | null;
  external_job_id: string | null;
  metadata: string | null;
  error_message: string | null;
  started_at: DbTime | null;
  completed_at: DbTime | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  percent_complete: number | null;
  context_id: string | null;
  job_category: string | null;
}

/**
 * The CloudStack job table some OMA versions have instead of job_tracking (never created here;
 * analytics read it where it exists).
 */
export interface CloudstackJobTrackingTable {
  id: string;
  cloudstack_job_id: string | null;
  cloudstack_command: string | null;
  cloudstack_status: string | null;
  operation_type: string | null;
  correlation_id: string | null;
  parent_job_id: string | null;
  status: string | null;
  retry_count: number | null;
  error_message: string | null;
  initiated_at: DbTime | null;
  submitted_at: DbTime | null;
  completed_at: DbTime | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
}

export interface OsseaConfigsTable {
  id: Generated<number>;
  name: string;
  api_url: string;
  api_key: string;
  secret_key: string;
  domain: string | null;
  zone: string;
  network_id: string | null;
  created_at: DbTime | null;
  updated_at: DbTime | null;
  is_active: number | null;
}

/** Destination inventory: CloudStack networks as listNetworks returns them. */
export interface OmiCloudstackNetworksTable {
  id: string;
  name: string;
  display_text: string | null;
  state: string | null;
  zone_id: string | null;
  zone_name: string | null;
  network_type: string | null;
  traffic_type: string | null;
  gateway: string | null;
  netmask: string | null;
  cidr: string | null;
  vlan: string | null;
  broadcast_uri: string | null;
  is_default: number;
  is_shared: number;
  can_use_for_deploy: number;
  is_system: number;
  tags: string | null;
  updated_at: DbTime;
}

/** Who changed which network mapping, and how. */
export interface OmiMappingAuditTable {
  id: Generated<number>;
  action: string;
  vm_id: string;
  source_network_name: string;
  is_test_network: number;
  old_destination_network_id: string | null;
  new_destination_network_id: string | null;
  actor: string;
  created_at: DbTime;
  request_id: string | null;
  /** 1-based rank of the new destination among the recommendations when it was chosen. */
  recommendation_rank: number | null;
}

/** The first answer to a write request sent with an Idempotency-Key, per token. */
export interface OmiIdempotencyKeysTable {
  actor: string;
  idempotency_key: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  request_hash: string;
  response: string;
  created_at: DbTime;
}

/** Per-job progress state the OMA tables have no column for (peak throughput, phase start). */
export interface OmiJobProgressTable {
  job_id: string;
  stage: string;
  vma_status: string;
  phase_started_at: DbTime;
  peak_bps: number;
  last_push_at: DbTime;
  errors: string | null;
}

/** Per-disk progress of a job when the copier reports disk by disk. */
export interface OmiDiskProgressTable {
  job_id: string;
  disk_id: string;
  bytes_transferred: number;
  total_bytes: number;
  status: string;
  throughput_bps: number;
  updated_at: DbTime;
}

/** Where to TCP-probe a destination network; kept when the inventory is replaced. */
export interface OmiNetworkProbeTargetsTable {
  network_id: string;
  host: string;
  port: number;
  timeout_ms: number;
  attempts: number;
  updated_by: string;
  updated_at: DbTime;
}

/** One probe run of a destination network: `attempts` TCP connects to `target`. */
export interface OmiNetworkPerformanceMetricsTable {
  id: Generated<number>;
  network_id: string;
  measured_at: DbTime;
  /** Mean connect time of the successful attempts; null when none succeeded. */
  latency_ms: number | null;
  loss_percent: number;
  attempts: number;
  /** host:port probed. */
  target: string;
}

/**
 * Finished replication jobs of one UTC hour (by completed_at) and one combination of dimensions
 * (absent ones are '') at one grouping set. Counts and sums, never averages; histograms are
 * Histogram.serialize() text.
 */
export interface OmiRollupJobsHourlyTable {
  id: Generated<number>;
  /**
   * The grouping set (src/analytics/rollups/grouping-sets.ts): 'full' (every dimension),
   * 'status', or one dimension's column name (that dimension and status); the dimensions a set
   * does not carry are ''.
   */
  grouping: string;
  /** Start of the hour, epoch milliseconds (UTC: unambiguous whatever DB_TIMEZONE is). */
  bucket_start_ms: number;
  vcenter: string;
  datacenter: string;
  replication_type: string;
  vm_group: string;
  error_classification: string;
  /** completed, failed or cancelled. */
  status: string;
  jobs: number;
  bytes_sum: number;
  /** Jobs with both started_at and completed_at (the others have no duration). */
  duration_count: number;
  duration_ms_sum: number;
  /** Jobs with a positive transfer_speed_bps. */
  throughput_count: number;
  throughput_bps_sum: number;
  /** Seconds. */
  duration_histogram: string;
  /** Bytes per second. */
  throughput_histogram: string;
}

/**
 * cbt_history rows (finished disk syncs) of one UTC hour of created_at and one combination of
 * dimensions taken from the row's replication job ('' when absent). Counts and sums; the
 * histogram is Histogram.serialize() text of sync_duration_seconds.
 */
export interface OmiRollupCbtHourlyTable {
  id: Generated<number>;
  /** Its grouping set (src/analytics/ops/sources.ts): 'full', or the dimensions it carries; the others are ''. */
  grouping: string;
  bucket_start_ms: number;
  vcenter: string;
  datacenter: string;
  replication_type: string;
  vm_group: string;
  sync_type: string;
  syncs: number;
  successful: number;
  bytes_sum: number;
  blocks_sum: number;
  /** Rows with a sync_duration_seconds. */
  duration_count: number;
  duration_s_sum: number;
  /** Successful incremental syncs whose disk had an earlier successful sync. */
  change_count: number;
  change_bytes_sum: number;
  /** Sum of the time since each of those disks' previous successful sync. */
  change_interval_ms_sum: number;
  duration_histogram: string;
}

/**
 * When each cbt_history row was created (epoch ms), by its id: the time index the OMA's table
 * lacks. Filled by primary-key ranges; rows above the mark in omi_rollup_state
 * ('cbt_sync_times') are not in it yet.
 */
export interface OmiCbtSyncTimesTable {
  cbt_id: number;
  created_ms: number;
  /** sha1 hex of vm_context_id and disk_id: the row's disk. */
  disk_key: string;
  /** cbt_history.sync_success as 1 or 0. */
  success: number;
  /** created_ms of the disk's previous successful sync; null: none. */
  previous_success_ms: number | null;
}

/** volume_operations by completion time (src/analytics/ops/volume-times.ts). */
export interface OmiVolumeOpTimesTable {
  op_id: string;
  /** Null: not finished when last read. */
  completed_ms: number | null;
}

/** Finished volume operations of one UTC hour of completed_at, per VM context dimension and type. */
export interface OmiRollupVolumeOpsHourlyTable {
  id: Generated<number>;
  /** Its grouping set (src/analytics/ops/sources.ts): 'full', or the dimensions it carries; the others are ''. */
  grouping: string;
  bucket_start_ms: number;
  vcenter: string;
  datacenter: string;
  operation_type: string;
  operations: number;
  completed: number;
  failed: number;
  cancelled: number;
  duration_count: number;
  duration_ms_sum: number;
  /** Seconds. */
  duration_histogram: string;
}

/** Finished CloudStack jobs of one UTC hour of completed_at, per VM context dimension and operation. */
export interface OmiRollupCloudstackJobsHourlyTable {
  id: Generated<number>;
  /** Its grouping set (src/analytics/ops/sources.ts): 'full', or the dimensions it carries; the others are ''. */
  grouping: string;
  bucket_start_ms: number;
  vcenter: string;
  datacenter: string;
  operation: string;
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  duration_count: number;
  duration_ms_sum: number;
  /** Seconds. */
  duration_histogram: string;
}

/**
 * The hourly rollup rows of one UTC day merged (bucket_start_ms is the day's start), for every
 * day whose hours are all rolled up.
 */
export type OmiRollupJobsDailyTable = OmiRollupJobsHourlyTable;

/** How far a rollup is complete: every hour before rolled_up_to_ms is in its table. */
export interface OmiRollupStateTable {
  name: string;
  rolled_up_to_ms: number;
  updated_at: DbTime;
}

/** One health sample (src/system-health); a figure is null where this host cannot measure it. */
export type OmiHealthSamplesTable = {
  id: Generated<number>;
  sampled_at: DbTime;
  sampled_at_ms: number;
  status: string;
  /** JSON array of reasons when degraded. */
  reasons: string | null;
} & Record<HealthMetric, number | null>;

/** The VMA's load from progress pushes, folded per job while it runs (count, sum, min, max). */
export type OmiJobLoadTable = {
  job_id: string;
  updated_at: DbTime;
} & Record<`${VmaLoadField}_${'n' | 'sum'}`, Generated<number>> &
  Record<`${VmaLoadField}_${'min' | 'max'}`, number | null>;

/** Server health figures summarised over a job's window in omi_migration_analytics (server_<figure>_avg/_max). */
export const SERVER_LOAD_FIGURES = [
  'cpu_percent',
  'memory_percent',
  'disk_busy_percent',
  'event_loop_lag_ms',
] as const;
export type ServerLoadFigure = (typeof SERVER_LOAD_FIGURES)[number];

/** One finished replication job's performance and the load recorded while it ran. */
export type OmiMigrationAnalyticsTable = {
  job_id: string;
  vm_name: string;
  context_id: string | null;
  vcenter: string;
  datacenter: string;
  /** The datastore of the VM's first disk (by disk_id); null without disk rows. */
  datastore: string | null;
  replication_type: string;
  vm_group: string | null;
  status: string;
  started_at: DbTime | null;
  completed_at: DbTime;
  completed_at_ms: number;
  duration_s: number | null;
  bytes_transferred: number;
  /** bytes / duration of the whole run when both are known, else transfer_speed_bps when positive. */
  throughput_bps: number | null;
  /** Pushes that carried any VMA load figure. */
  vma_samples: number;
  server_samples: number;
  /** 'event' (as the job finished) or 'backfill' (the cron pass, for jobs other programs finished). */
  recorded_by: string;
  recorded_at: DbTime;
} & Record<`${VmaLoadField}_${'min' | 'avg' | 'max'}`, number | null> &
  Record<`server_${ServerLoadFigure}_${'avg' | 'max'}`, number | null>;
/** Notifications raised and pushed (see src/notifications). */
export interface OmiNotificationsTable {
  id: Generated<number>;
  created_at: DbTime;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  message: string;
  source: string;
  vm_name: string | null;
  job_id: string | null;
  /** JSON array of {kind, title, url}. */
  links: string;
  dedup_key: string;
}

/** The change feed's watermark over replication_jobs (see src/change-feed). */
export interface OmiChangeFeedMarksTable {
  name: string;
  mark_updated_at: DbTime;
  mark_id: string;
  saved_at: DbTime;
}

export interface Database {
  vm_replication_contexts: VmReplicationContextsTable;
  replication_jobs: ReplicationJobsTable;
  vm_disks: VmDisksTable;
  cbt_history: CbtHistoryTable;
  network_mappings: NetworkMappingsTable;
  volume_operations: VolumeOperationsTable;
  volume_operation_history: VolumeOperationHistoryTable;
  job_tracking: JobTrackingTable;
  cloudstack_job_tracking: CloudstackJobTrackingTable;
  ossea_configs: OsseaConfigsTable;
  omi_cloudstack_networks: OmiCloudstackNetworksTable;
  omi_mapping_audit: OmiMappingAuditTable;
  omi_idempotency_keys: OmiIdempotencyKeysTable;
  omi_job_progress: OmiJobProgressTable;
  omi_disk_progress: OmiDiskProgressTable;
  omi_network_probe_targets: OmiNetworkProbeTargetsTable;
  omi_network_performance_metrics: OmiNetworkPerformanceMetricsTable;
  omi_rollup_jobs_hourly: OmiRollupJobsHourlyTable;
  omi_rollup_jobs_daily: OmiRollupJobsDailyTable;
  omi_rollup_state: OmiRollupStateTable;
  omi_health_samples: OmiHealthSamplesTable;
  omi_job_load: OmiJobLoadTable;
  omi_migration_analytics: OmiMigrationAnalyticsTable;
  omi_notifications: OmiNotificationsTable;
  omi_change_feed_marks: OmiChangeFeedMarksTable;
  omi_rollup_cbt_hourly: OmiRollupCbtHourlyTable;
  /** The hourly rows merged per UTC day (bucket_start_ms: the day's start). */
  omi_rollup_cbt_daily: OmiRollupCbtHourlyTable;
  omi_cbt_sync_times: OmiCbtSyncTimesTable;
  omi_volume_op_times: OmiVolumeOpTimesTable;
  omi_rollup_volume_ops_hourly: OmiRollupVolumeOpsHourlyTable;
  omi_rollup_volume_ops_daily: OmiRollupVolumeOpsHourlyTable;
  omi_rollup_cloudstack_jobs_hourly: OmiRollupCloudstackJobsHourlyTable;
  omi_rollup_cloudstack_jobs_daily: OmiRollupCloudstackJobsHourlyTable;
}

export type VmContextRow = Selectable<VmReplicationContextsTable>;
export type NewVmContext = Insertable<VmReplicationContextsTable>;
export type ReplicationJobRow = Selectable<ReplicationJobsTable>;
export type NewReplicationJob = Insertable<ReplicationJobsTable>;
export type ReplicationJobUpdate = Updateable<ReplicationJobsTable>;
export type VmDiskRow = Selectable<VmDisksTable>;
export type NewVmDisk = Insertable<VmDisksTable>;
export type CbtHistoryRow = Selectable<CbtHistoryTable>;
export type NewCbtHistory = Insertable<CbtHistoryTable>;
export type NetworkMappingRow = Selectable<NetworkMappingsTable>;
export type CloudstackNetworkRow = Selectable<OmiCloudstackNetworksTable>;
