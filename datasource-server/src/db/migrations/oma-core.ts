// Standalone mode only: the OMA tables this project reads and writes, created with the names,
// columns, enum values and unique keys of the OMA production schema dump (OMA_SCHEMA_SQL in the
// tests). Attach mode never runs these: the OMA owns its schema there. (The tests also use them
// to lay out a database that looks foreign, for attach mode without the dump.)
import { sql, type Kysely, type Migration } from 'kysely';
import {
  MAPPING_TYPES,
  MAPPING_VALIDATION_STATUSES,
  VM_CONTEXT_STATUSES,
  VOLUME_OPERATION_STATUSES,
  VOLUME_OPERATION_TYPES,
} from '@oma-insights/contracts';
import type { DialectName } from '../connect';
import { columnTypes } from './column-types';

const JOB_TRACKING_TYPES = [
  'cleanup',
  'failover',
  'migration',
  'cloudstack',
  'volume_daemon',
  'linstor',
  'virtio',
  'ossea',
  'scheduler',
  'discovery',
  'bulk-operations',
  'group-management',
  'conflict-detection',
  'phantom-detection',
  'schedule_management',
  'schedule_control',
] as const;
const JOB_TRACKING_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
const JOB_CATEGORIES = ['system', 'failover', 'replication', 'scheduler', 'discovery', 'bulk'] as const;

const tinyint = sql`tinyint(1)`;
const now = sql`CURRENT_TIMESTAMP`;

export function omaCoreMigrations(dialect: DialectName): Record<string, Migration> {
  const t = columnTypes(dialect);
  return {
    '2026_11_25_001_oma_contexts_and_jobs': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('vm_replication_contexts')
          .addColumn('context_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('vm_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('vmware_vm_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('vm_path', 'varchar(500)', (c) => c.notNull())
          .addColumn('vcenter_host', 'varchar(255)', (c) => c.notNull())
          .addColumn('datacenter', 'varchar(255)', (c) => c.notNull())
          .addColumn(
            ...t.enumColumn('current_status', VM_CONTEXT_STATUSES, (c) =>
              c.notNull().defaultTo('discovered'),
            ),
          )
          .addColumn('current_job_id', 'varchar(191)')
          .addColumn('total_jobs_run', 'integer', (c) => c.defaultTo(0))
          .addColumn('successful_jobs', 'integer', (c) => c.defaultTo(0))
          .addColumn('failed_jobs', 'integer', (c) => c.defaultTo(0))
          .addColumn('last_successful_job_id', 'varchar(191)')
          .addColumn('cpu_count', 'integer')
          .addColumn('memory_mb', 'integer')
          .addColumn('os_type', 'varchar(255)')
          .addColumn('power_state', 'varchar(50)')
          .addColumn('vm_tools_version', 'varchar(255)')
          .addColumn('created_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('updated_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('first_job_at', t.timestamp)
          .addColumn('last_job_at', t.timestamp)
          .addColumn('last_status_change', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('auto_added', tinyint, (c) => c.defaultTo(0))
          .addColumn('last_scheduled_job_id', 'varchar(255)')
          .addColumn('next_scheduled_at', t.timestamp)
          .addColumn('scheduler_enabled', tinyint, (c) => c.defaultTo(1))
          .addColumn('credential_id', 'integer')
          .addColumn('ossea_config_id', 'integer')
          .addColumn('last_operation_summary', t.json)
          .addUniqueConstraint('unique_vm_per_vcenter', ['vmware_vm_id', 'vcenter_host'])
          .addUniqueConstraint('unique_vm_name_per_vcenter', ['vm_name', 'vcenter_host'])
          .execute();
        await db.schema.createIndex('idx_vm_name').on('vm_replication_contexts').column('vm_name').execute();
        await db.schema
          .createIndex('idx_current_status')
          .on('vm_replication_contexts')
          .column('current_status')
          .execute();
        await db.schema
          .createIndex('idx_vcenter')
          .on('vm_replication_contexts')
          .column('vcenter_host')
          .execute();

        await db.schema
          .createTable('replication_jobs')
          .addColumn('id', 'varchar(191)', (c) => c.primaryKey())
          .addColumn('vm_context_id', 'varchar(64)')
          .addColumn('source_vm_id', t.longtext, (c) => c.notNull())
          .addColumn('source_vm_name', t.longtext, (c) => c.notNull())
          .addColumn('source_vm_path', t.longtext, (c) => c.notNull())
          .addColumn('v_center_host', t.longtext, (c) => c.notNull())
          .addColumn('datacenter', t.longtext, (c) => c.notNull())
          .addColumn('replication_type', t.longtext, (c) => c.notNull())
          .addColumn('target_network', t.longtext)
          .addColumn('status', 'varchar(191)', (c) => c.defaultTo('pending'))
          .addColumn('progress_percent', 'double precision', (c) => c.defaultTo(0))
          .addColumn('current_operation', t.longtext)
          .addColumn('bytes_transferred', 'bigint', (c) => c.defaultTo(0))
          .addColumn('total_bytes', 'bigint', (c) => c.defaultTo(0))
          .addColumn('transfer_speed_bps', 'bigint', (c) => c.defaultTo(0))
          .addColumn('error_message', t.longtext)
          .addColumn('change_id', t.longtext)
          .addColumn('previous_change_id', t.longtext)
          .addColumn('snapshot_id', t.longtext)
          .addColumn('nbd_port', 'bigint')
          .addColumn('nbd_export_name', t.longtext)
          .addColumn('target_device', t.longtext)
          .addColumn('ossea_config_id', 'bigint')
          .addColumn('created_at', t.datetime)
          .addColumn('updated_at', t.datetime)
          .addColumn('started_at', t.datetime)
          .addColumn('completed_at', t.datetime)
          .addColumn('vma_sync_type', 'varchar(50)')
          .addColumn('vma_current_phase', 'varchar(100)')
          .addColumn('vma_throughput_mbps', 'decimal(10, 2)', (c) => c.defaultTo(0))
          .addColumn('vma_eta_seconds', 'integer')
          .addColumn('vma_last_poll_at', t.timestamp)
          .addColumn('vma_error_classification', 'varchar(50)')
          .addColumn('vma_error_details', 'text')
          .addColumn('setup_progress_percent', 'decimal(5, 2)', (c) => c.defaultTo(0))
          .addColumn('schedule_execution_id', 'varchar(64)')
          .addColumn('scheduled_by', 'varchar(255)')
          .addColumn('vm_group_id', 'varchar(64)')
          .execute();
        await db.schema
          .createIndex('idx_replication_jobs_progress_timeout')
          .on('replication_jobs')
          .columns(['status', 'updated_at'])
          .execute();
        await db.schema
          .createIndex('idx_replication_jobs_completion_tracking')
          .on('replication_jobs')
          .columns(['status', 'completed_at'])
          .execute();
        await db.schema
          .createIndex('idx_replication_jobs_context')
          .on('replication_jobs')
          .column('vm_context_id')
          .execute();
      },
    },

    '2026_11_25_002_oma_disks_and_cbt': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('vm_disks')
          .addColumn(...t.autoId('id'))
          .addColumn('vm_context_id', 'varchar(64)')
          .addColumn('job_id', 'varchar(191)', (c) => c.notNull())
          .addColumn('disk_id', t.longtext, (c) => c.notNull())
          .addColumn('vm_dk_path', t.longtext, (c) => c.notNull())
          .addColumn('size_gb', 'bigint', (c) => c.notNull())
          .addColumn('datastore', t.longtext)
          .addColumn('unit_number', 'bigint')
          .addColumn('label', t.longtext)
          .addColumn('capacity_bytes', 'bigint')
          .addColumn('provisioning_type', t.longtext)
          .addColumn('ossea_volume_id', 'bigint')
          .addColumn('disk_change_id', t.longtext)
          .addColumn('sync_status', 'varchar(191)', (c) => c.defaultTo('pending'))
          .addColumn('sync_progress_percent', 'double precision', (c) => c.defaultTo(0))
          .addColumn('bytes_synced', 'bigint', (c) => c.defaultTo(0))
          .addColumn('created_at', t.datetime)
          .addColumn('updated_at', t.datetime)
          .addColumn('cpu_count', 'integer', (c) => c.defaultTo(0))
          .addColumn('memory_mb', 'integer', (c) => c.defaultTo(0))
          .addColumn('os_type', 'varchar(255)', (c) => c.defaultTo(''))
          .addColumn('vm_tools_version', 'varchar(255)', (c) => c.defaultTo(''))
          .addColumn('network_config', 'text')
          .addColumn('display_name', 'varchar(255)', (c) => c.defaultTo(''))
          .addColumn('annotation', 'text')
          .addColumn('power_state', 'varchar(50)', (c) => c.defaultTo(''))
          .addColumn('vmware_uuid', 'varchar(255)', (c) => c.defaultTo(''))
          .addColumn('bios_setup', 'text')
          // MariaDB turns a UNIQUE over a LONGTEXT column into a hash key, as in the dump.
          .addUniqueConstraint('uk_vm_context_disk', ['vm_context_id', 'disk_id'])
          .execute();
        await db.schema.createIndex('fk_vm_disks_job').on('vm_disks').column('job_id').execute();
        await db.schema.createIndex('idx_vm_disks_context').on('vm_disks').column('vm_context_id').execute();

        await db.schema
          .createTable('cbt_history')
          .addColumn(...t.autoId('id'))
          .addColumn('vm_context_id', 'varchar(64)')
          .addColumn('job_id', 'varchar(191)', (c) => c.notNull())
          .addColumn('disk_id', t.longtext, (c) => c.notNull())
          .addColumn('change_id', t.longtext, (c) => c.notNull())
          .addColumn('previous_change_id', t.longtext)
          .addColumn('sync_type', t.longtext, (c) => c.notNull())
          .addColumn('blocks_changed', 'bigint')
          .addColumn('bytes_transferred', 'bigint')
          .addColumn('sync_duration_seconds', 'bigint')
          .addColumn('sync_success', tinyint, (c) => c.defaultTo(0))
          .addColumn('created_at', t.datetime)
          .execute();
        await db.schema.createIndex('fk_cbt_history_job').on('cbt_history').column('job_id').execute();
        await db.schema
          .createIndex('idx_cbt_history_context')
          .on('cbt_history')
          .column('vm_context_id')
          .execute();
      },
    },

    '2026_11_25_003_oma_network_mappings_and_config': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('network_mappings')
          .addColumn(...t.autoId('id'))
          .addColumn('vm_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('source_network_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('destination_network_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('destination_network_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('is_test_network', tinyint, (c) => c.defaultTo(0))
          .addColumn('created_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('updated_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('vm_context_id', 'varchar(64)')
          .addColumn('vmware_vm_id', 'varchar(255)')
          .addColumn(
            ...t.enumColumn('validation_status', MAPPING_VALIDATION_STATUSES, (c) => c.defaultTo('pending')),
          )
          .addColumn(...t.enumColumn('mapping_type', MAPPING_TYPES, (c) => c.defaultTo('live')))
          .addColumn('network_strategy', 'varchar(50)')
          .addColumn('last_validated', t.timestamp)
          .addUniqueConstraint('unique_vm_network_type', ['vm_id', 'source_network_name', 'is_test_network'])
          .addUniqueConstraint('unique_context_network_type', [
            'vm_context_id',
            'source_network_name',
            'is_test_network',
          ])
          .execute();
        await db.schema
          .createIndex('idx_network_mappings_vm_context_id')
          .on('network_mappings')
          .column('vm_context_id')
          .execute();

        await db.schema
          .createTable('ossea_configs')
          .addColumn(...t.autoId('id'))
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('api_url', t.longtext, (c) => c.notNull())
          .addColumn('api_key', t.longtext, (c) => c.notNull())
          .addColumn('secret_key', t.longtext, (c) => c.notNull())
          .addColumn('domain', t.longtext)
          .addColumn('zone', t.longtext, (c) => c.notNull())
          .addColumn('template_id', t.longtext)
          .addColumn('network_id', t.longtext)
          .addColumn('service_offering_id', t.longtext)
          .addColumn('disk_offering_id', t.longtext)
          .addColumn('oma_vm_id', t.longtext)
          .addColumn('created_at', t.datetime)
          .addColumn('updated_at', t.datetime)
          .addColumn('is_active', tinyint, (c) => c.defaultTo(1))
          .execute();
      },
    },

    '2026_11_25_004_oma_volume_operations_and_job_tracking': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('volume_operations')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn(...t.enumColumn('type', VOLUME_OPERATION_TYPES, (c) => c.notNull()))
          .addColumn(
            ...t.enumColumn('status', VOLUME_OPERATION_STATUSES, (c) => c.notNull().defaultTo('pending')),
          )
          .addColumn('volume_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('vm_id', 'varchar(64)')
          .addColumn('request', t.json, (c) => c.notNull())
          .addColumn('response', t.json)
          .addColumn('error', 'text')
          .addColumn('created_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('updated_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('completed_at', t.timestamp)
          .execute();
        await db.schema
          .createIndex('idx_volume_operations_vm_id')
          .on('volume_operations')
          .column('vm_id')
          .execute();
        await db.schema
          .createIndex('idx_volume_operations_status')
          .on('volume_operations')
          .column('status')
          .execute();
        await db.schema
          .createIndex('idx_volume_operations_created_at')
          .on('volume_operations')
          .column('created_at')
          .execute();

        await db.schema
          .createTable('volume_operation_history')
          .addColumn(...t.autoId('id'))
          .addColumn('operation_id', 'varchar(64)', (c) => c.notNull())
          .addColumn(...t.enumColumn('previous_status', VOLUME_OPERATION_STATUSES))
          .addColumn(...t.enumColumn('new_status', VOLUME_OPERATION_STATUSES))
          .addColumn('changed_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('details', t.json)
          .execute();
        await db.schema
          .createIndex('idx_operation_history_operation_id')
          .on('volume_operation_history')
          .column('operation_id')
          .execute();
        await db.schema
          .createIndex('idx_operation_history_changed_at')
          .on('volume_operation_history')
          .column('changed_at')
          .execute();

        await db.schema
          .createTable('job_tracking')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('parent_job_id', 'varchar(64)')
          .addColumn(...t.enumColumn('job_type', JOB_TRACKING_TYPES))
          .addColumn('operation', 'varchar(100)', (c) => c.notNull())
          .addColumn(...t.enumColumn('status', JOB_TRACKING_STATUSES))
          .addColumn('cloudstack_job_id', 'varchar(64)')
          .addColumn('external_job_id', 'varchar(64)')
          .addColumn('metadata', t.json)
          .addColumn('error_message', t.longtext)
          .addColumn('started_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('completed_at', t.timestamp)
          .addColumn('created_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('updated_at', t.timestamp, (c) => c.defaultTo(now))
          .addColumn('percent_complete', 'integer')
          .addColumn('canceled_at', t.datetime)
          .addColumn('owner', 'varchar(100)')
          .addColumn('context_id', 'varchar(64)')
          .addColumn(...t.enumColumn('job_category', JOB_CATEGORIES, (c) => c.defaultTo('system')))
          .execute();
        await db.schema
          .createIndex('idx_job_tracking_context_id')
          .on('job_tracking')
          .column('context_id')
          .execute();
        await db.schema
          .createIndex('idx_job_tracking_category_status_started')
          .on('job_tracking')
          .columns(['job_category', 'status', 'started_at'])
          .execute();
      },
    },
    // The production schema's time indexes on job_tracking, missing from the one above: without
    // them a CloudStack-job read of the last partial hour scanned the whole table.
    '2026_11_26_005_oma_job_tracking_time_indexes': {
      async up(db: Kysely<any>) {
        for (const column of ['started_at', 'completed_at']) {
          await db.schema.createIndex(`idx_${column}`).on('job_tracking').column(column).execute();
        }
      },
    },
  };
}
