// Value lists from the OMA schema dump. Each literal union below is derived from its list so the
// two can never drift apart.

export const VM_CONTEXT_STATUSES = [
  'discovered',
  'replicating',
  'ready_for_failover',
  'failed_over_test',
  'failed_over_live',
  'completed',
  'failed',
  'cleanup_required',
] as const;
export type VmContextStatus = (typeof VM_CONTEXT_STATUSES)[number];

export const JOB_STATUSES = [
  'pending',
  'initializing',
  'provisioning',
  'ready_for_sync',
  'replicating',
  'snapshotting',
  'finalizing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export const REPLICATION_TYPES = ['initial', 'incremental'] as const;
export type ReplicationType = (typeof REPLICATION_TYPES)[number];

export const ERROR_CLASSIFICATIONS = [
  'connection',
  'authentication',
  'permission',
  'disk',
  'network',
  'system',
] as const;
export type ErrorClassification = (typeof ERROR_CLASSIFICATIONS)[number];

/** Stages the VMA copier reports, in order. */
export const VMA_STAGES = [
  'Discover',
  'EnableCBT',
  'QueryCBT',
  'Snapshot',
  'PrepareVolumes',
  'StartExports',
  'Transfer',
  'Finalize',
  'PersistChangeIDs',
] as const;
export type VmaStage = (typeof VMA_STAGES)[number];

export const VMA_STATUSES = [
  'Queued',
  'Preparing',
  'Snapshotting',
  'Streaming',
  'Finalizing',
  'Succeeded',
  'Failed',
] as const;
export type VmaStatus = (typeof VMA_STATUSES)[number];

export const DISK_SYNC_STATUSES = ['pending', 'syncing', 'completed', 'failed'] as const;
export type DiskSyncStatus = (typeof DISK_SYNC_STATUSES)[number];

export const MAPPING_VALIDATION_STATUSES = ['pending', 'valid', 'invalid'] as const;
export const MAPPING_TYPES = ['live', 'test', 'both'] as const;
export type MappingType = (typeof MAPPING_TYPES)[number];

export const VOLUME_OPERATION_TYPES = ['create', 'attach', 'detach', 'delete', 'cleanup'] as const;
export const VOLUME_OPERATION_STATUSES = [
  'pending',
  'executing',
  'completed',
  'failed',
  'cancelled',
] as const;

export const API_SCOPES = ['read', 'write', 'ingest'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
