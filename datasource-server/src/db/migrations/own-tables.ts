// This project's own tables (prefixed omi_). Created in both modes; never touch OMA tables.
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect';
import { HEALTH_METRICS, VMA_LOAD_FIELDS } from '@oma-insights/contracts';
import { SERVER_LOAD_FIGURES } from '../schema';
import { columnTypes } from './column-types';

export function ownMigrations(dialect: DialectName): Record<string, Migration> {
  const t = columnTypes(dialect);
  return {
    '2026_11_25_101_destination_inventory': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('omi_cloudstack_networks')
          .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(255)', (c) => c.notNull())
          .addColumn('display_text', 'varchar(1024)')
          .addColumn('state', 'varchar(64)')
          .addColumn('zone_id', 'varchar(255)')
          .addColumn('zone_name', 'varchar(255)')
          .addColumn('network_type', 'varchar(64)')
          .addColumn('traffic_type', 'varchar(64)')
          .addColumn('gateway', 'varchar(64)')
          .addColumn('netmask', 'varchar(64)')
          .addColumn('cidr', 'varchar(64)')
          .addColumn('vlan', 'varchar(64)')
          .addColumn('broadcast_uri', 'varchar(255)')
          .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('is_shared', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('can_use_for_deploy', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('tags', 'text')
          .addColumn('updated_at', t.datetime, (c) => c.notNull())
          .execute();
      },
    },
    '2026_11_25_102_mapping_audit': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('omi_mapping_audit')
          .addColumn(...t.autoId('id'))
          .addColumn('action', 'varchar(32)', (c) => c.notNull())
          .addColumn('vm_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('source_network_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('is_test_network', 'integer', (c) => c.notNull())
          .addColumn('old_destination_network_id', 'varchar(255)')
          .addColumn('new_destination_network_id', 'varchar(255)')
          .addColumn('actor', 'varchar(255)', (c) => c.notNull())
          .addColumn('created_at', t.datetime, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('idx_omi_mapping_audit_created')
          .on('omi_mapping_audit')
          .column('created_at')
          .execute();
      },
    },
    '2026_11_25_103_job_progress': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('omi_job_progress')
          .addColumn('job_id', 'varchar(191)', (c) => c.primaryKey())
          .addColumn('stage', 'varchar(64)', (c) => c.notNull())
          .addColumn('vma_status', 'varchar(64)', (c) => c.notNull())
          .addColumn('phase_started_at', t.datetime, (c) => c.notNull())
          .addColumn('peak_bps', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('last_push_at', t.datetime, (c) => c.notNull())
          .addColumn('errors', 'text')
          .execute();
        await db.schema
          .createTable('omi_disk_progress')
          .addColumn('job_id', 'varchar(191)', (c) => c.notNull())
          .addColumn('disk_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('bytes_transferred', 'bigint', (c) => c.notNull())
          .addColumn('total_bytes', 'bigint', (c) => c.notNull())
          .addColumn('status', 'varchar(32)', (c) => c.notNull())
          .addColumn('throughput_bps', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('updated_at', t.datetime, (c) => c.notNull())
          .addPrimaryKeyConstraint('pk_omi_disk_progress', ['job_id', 'disk_id'])
          .execute();
      },
    },
    '2026_11_26_104_mapping_provenance': {
      async up(db: Kysely<any>) {
        // Which request made an audited change, and where its destination stood among the
        // recommendations at the time (adoption of recommendations is measured from this).
        await db.schema.alterTable('omi_mapping_audit').addColumn('request_id', 'varchar(128)').execute();
        await db.schema.alterTable('omi_mapping_audit').addColumn('recommendation_rank', 'integer').execute();
        // A retried bulk request with the same Idempotency-Key gets the first answer back.
        await db.schema
          .createTable('omi_idempotency_keys')
          .addColumn('actor', 'varchar(191)', (c) => c.notNull())
          .addColumn('idempotency_key', 'varchar(191)', (c) => c.notNull())
          .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
          .addColumn('response', t.longtext, (c) => c.notNull())
          .addColumn('created_at', t.datetime, (c) => c.notNull())
          .addPrimaryKeyConstraint('pk_omi_idempotency_keys', ['actor', 'idempotency_key'])
          .execute();
      },
    },
    '2026_11_26_301_network_probes': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('omi_network_probe_targets')
          .addColumn('network_id', 'varchar(255)', (c) => c.primaryKey())
          .addColumn('host', 'varchar(255)', (c) => c.notNull())
          .addColumn('port', 'integer', (c) => c.notNull())
          .addColumn('timeout_ms', 'integer', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('updated_by', 'varchar(255)', (c) => c.notNull())
          .addColumn('updated_at', t.datetime, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('omi_network_performance_metrics')
          .addColumn(...t.autoId('id'))
          .addColumn('network_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('measured_at', t.datetime, (c) => c.notNull())
          .addColumn('latency_ms', 'double precision')
          .addColumn('loss_percent', 'double precision', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('target', 'varchar(300)', (c) => c.notNull())
          .execute();
        // The performance endpoint reads a time range, per network.
        await db.schema
          .createIndex('idx_omi_network_performance_measured')
          .on('omi_network_performance_metrics')
          .columns(['measured_at', 'network_id'])
          .execute();
      },
    },
    '2026_11_26_401_job_rollups': {
      async up(db: Kysely<any>) {
        // Finished replication jobs per UTC hour of completed_at and filter dimensions (see
        // src/analytics/rollups). No unique key: an hour is replaced as a whole, and seven text
        // dimensions exceed MariaDB's key length anyway. Absent dimensions are ''.
        await db.schema
          .createTable('omi_rollup_jobs_hourly')
          .addColumn(...t.autoId('id'))
          .addColumn('bucket_start_ms', 'bigint', (c) => c.notNull())
          .addColumn('vcenter', 'text', (c) => c.notNull())
          .addColumn('datacenter', 'text', (c) => c.notNull())
          .addColumn('replication_type', 'text', (c) => c.notNull())
          .addColumn('vm_group', 'text', (c) => c.notNull())
          .addColumn('error_classification', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(32)', (c) => c.notNull())
          .addColumn('jobs', 'bigint', (c) => c.notNull())
          .addColumn('bytes_sum', 'bigint', (c) => c.notNull())
          .addColumn('duration_count', 'bigint', (c) => c.notNull())
          .addColumn('duration_ms_sum', 'bigint', (c) => c.notNull())
          .addColumn('throughput_count', 'bigint', (c) => c.notNull())
          .addColumn('throughput_bps_sum', 'bigint', (c) => c.notNull())
          .addColumn('duration_histogram', t.longtext, (c) => c.notNull())
          .addColumn('throughput_histogram', t.longtext, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('idx_omi_rollup_jobs_hourly_bucket')
          .on('omi_rollup_jobs_hourly')
          .column('bucket_start_ms')
          .execute();
        // How far each rollup is complete: every hour before rolled_up_to_ms is in its table.
        await db.schema
          .createTable('omi_rollup_state')
          .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('rolled_up_to_ms', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', t.datetime, (c) => c.notNull())
          .execute();
      },
    },
    '2026_11_26_601_health_samples_and_migration_analytics': {
      async up(db: Kysely<any>) {
        // The health sampler's figures (src/system-health), one row per sample; null: not
        // measurable on this host. sampled_at_ms buckets portably (integer arithmetic).
        let samples = db.schema
          .createTable('omi_health_samples')
          .addColumn(...t.autoId('id'))
          .addColumn('sampled_at', t.datetime, (c) => c.notNull())
          .addColumn('sampled_at_ms', 'bigint', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('reasons', 'text');
        for (const metric of HEALTH_METRICS) samples = samples.addColumn(metric, 'double precision');
        await samples.execute();
        await db.schema
          .createIndex('idx_omi_health_samples_ms')
          .on('omi_health_samples')
          .column('sampled_at_ms')
          .execute();
        await db.schema
          .createIndex('idx_omi_health_samples_at')
          .on('omi_health_samples')
          .column('sampled_at')
          .execute();

        // The VMA's load reported in progress pushes, folded per job while it runs.
        let load = db.schema
          .createTable('omi_job_load')
          .addColumn('job_id', 'varchar(191)', (c) => c.primaryKey())
          .addColumn('updated_at', t.datetime, (c) => c.notNull());
        for (const field of VMA_LOAD_FIELDS) {
          load = load
            .addColumn(`${field}_n`, 'integer', (c) => c.notNull().defaultTo(0))
            .addColumn(`${field}_sum`, 'double precision', (c) => c.notNull().defaultTo(0))
            .addColumn(`${field}_min`, 'double precision')
            .addColumn(`${field}_max`, 'double precision');
        }
        await load.execute();

        // One row per finished replication job (src/analytics/performance): its performance and
        // the load recorded while it ran, from VMA pushes and from the server's health samples.
        let analytics = db.schema
          .createTable('omi_migration_analytics')
          .addColumn('job_id', 'varchar(191)', (c) => c.primaryKey())
          .addColumn('vm_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('context_id', 'varchar(64)')
          .addColumn('vcenter', 'varchar(255)', (c) => c.notNull())
          .addColumn('datacenter', 'varchar(255)', (c) => c.notNull())
          .addColumn('datastore', 'varchar(255)')
          .addColumn('replication_type', 'varchar(32)', (c) => c.notNull())
          .addColumn('vm_group', 'varchar(191)')
          .addColumn('status', 'varchar(32)', (c) => c.notNull())
          .addColumn('started_at', t.datetime)
          .addColumn('completed_at', t.datetime, (c) => c.notNull())
          .addColumn('completed_at_ms', 'bigint', (c) => c.notNull())
          .addColumn('duration_s', 'double precision')
          .addColumn('bytes_transferred', 'bigint', (c) => c.notNull())
          .addColumn('throughput_bps', 'double precision')
          .addColumn('vma_samples', 'integer', (c) => c.notNull());
        for (const field of VMA_LOAD_FIELDS) {
          for (const stat of ['min', 'avg', 'max'])
            analytics = analytics.addColumn(`${field}_${stat}`, 'double precision');
        }
        analytics = analytics.addColumn('server_samples', 'integer', (c) => c.notNull());
        for (const figure of SERVER_LOAD_FIGURES) {
          for (const stat of ['avg', 'max'])
            analytics = analytics.addColumn(`server_${figure}_${stat}`, 'double precision');
        }
        await analytics
          .addColumn('recorded_by', 'varchar(16)', (c) => c.notNull())
          .addColumn('recorded_at', t.datetime, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('idx_omi_migration_analytics_completed')
          .on('omi_migration_analytics')
          .column('completed_at_ms')
          .execute();
        await db.schema
          .createIndex('idx_omi_migration_analytics_completed_at')
          .on('omi_migration_analytics')
          .column('completed_at')
          .execute();
      },
    },
    '2026_11_26_701_notifications_and_change_feed': {
      async up(db: Kysely<any>) {
        // Kept notifications (history) as they were pushed on the notifications channel. One
        // row per dedup_key: the same event raised twice (another instance, a repeated webhook,
        // a stalled job seen at every detector run) is stored and pushed once.
        await db.schema
          .createTable('omi_notifications')
          .addColumn(...t.autoId('id'))
          .addColumn('created_at', t.datetime, (c) => c.notNull())
          .addColumn(...t.enumColumn('severity', ['info', 'warning', 'critical'], (c) => c.notNull()))
          .addColumn('title', 'varchar(255)', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('source', 'varchar(64)', (c) => c.notNull())
          .addColumn('vm_name', 'varchar(255)')
          .addColumn('job_id', 'varchar(191)')
          .addColumn('links', 'text', (c) => c.notNull())
          .addColumn('dedup_key', 'varchar(191)', (c) => c.notNull().unique())
          .execute();
        await db.schema
          .createIndex('idx_omi_notifications_created')
          .on('omi_notifications')
          .column('created_at')
          .execute();
        // How far the change feed over replication_jobs has read: (updated_at, id) of the last
        // settled row. In the database so that whichever instance holds the lock goes on from it.
        await db.schema
          .createTable('omi_change_feed_marks')
          .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('mark_updated_at', t.datetime, (c) => c.notNull())
          .addColumn('mark_id', 'varchar(191)', (c) => c.notNull())
          .addColumn('saved_at', t.datetime, (c) => c.notNull())
          .execute();
      },
    },
    '2026_11_26_501_ops_rollups': {
      async up(db: Kysely<any>) {
        // CBT syncs, volume operations and CloudStack jobs per UTC hour of their end time and
        // filter dimensions (see src/analytics/ops). Like omi_rollup_jobs_hourly: no unique key,
        // an hour is replaced as a whole; absent dimensions are ''.
        const rollup = (table: string) =>
          db.schema
            .createTable(table)
            .addColumn(...t.autoId('id'))
            .addColumn('bucket_start_ms', 'bigint', (c) => c.notNull())
            .addColumn('vcenter', 'text', (c) => c.notNull())
            .addColumn('datacenter', 'text', (c) => c.notNull());
        const count = (c: ColumnDefinitionBuilder) => c.notNull();
        await rollup('omi_rollup_cbt_hourly')
          .addColumn('replication_type', 'text', count)
          .addColumn('vm_group', 'text', count)
          .addColumn('sync_type', 'text', count)
          .addColumn('syncs', 'bigint', count)
          .addColumn('successful', 'bigint', count)
          .addColumn('bytes_sum', 'bigint', count)
          .addColumn('blocks_sum', 'bigint', count)
          .addColumn('duration_count', 'bigint', count)
          .addColumn('duration_s_sum', 'bigint', count)
          .addColumn('change_count', 'bigint', count)
          .addColumn('change_bytes_sum', 'bigint', count)
          .addColumn('change_interval_ms_sum', 'bigint', count)
          .addColumn('duration_histogram', t.longtext, count)
          .execute();
        await rollup('omi_rollup_volume_ops_hourly')
          .addColumn('operation_type', 'varchar(64)', count)
          .addColumn('operations', 'bigint', count)
          .addColumn('completed', 'bigint', count)
          .addColumn('failed', 'bigint', count)
          .addColumn('cancelled', 'bigint', count)
          .addColumn('duration_count', 'bigint', count)
          .addColumn('duration_ms_sum', 'bigint', count)
          .addColumn('duration_histogram', t.longtext, count)
          .execute();
        await rollup('omi_rollup_cloudstack_jobs_hourly')
          .addColumn('operation', 'varchar(191)', count)
          .addColumn('jobs', 'bigint', count)
          .addColumn('completed', 'bigint', count)
          .addColumn('failed', 'bigint', count)
          .addColumn('cancelled', 'bigint', count)
          .addColumn('duration_count', 'bigint', count)
          .addColumn('duration_ms_sum', 'bigint', count)
          .addColumn('duration_histogram', t.longtext, count)
          .execute();
        // The OMA has no index on cbt_history.created_at: the rollup job keeps each row's time
        // here (read by primary-key ranges), so partial hours read cbt_history by primary key.
        await db.schema
          .createTable('omi_cbt_sync_times')
          .addColumn('cbt_id', 'bigint', (c) => c.primaryKey())
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('idx_omi_cbt_sync_times_created')
          .on('omi_cbt_sync_times')
          .column('created_ms')
          .execute();
        for (const table of [
          'omi_rollup_cbt_hourly',
          'omi_rollup_volume_ops_hourly',
          'omi_rollup_cloudstack_jobs_hourly',
        ]) {
          await db.schema.createIndex(`idx_${table}_bucket`).on(table).column('bucket_start_ms').execute();
        }
      },
    },
    '2026_11_26_801_job_rollup_grouping_sets': {
      async up(db: Kysely<any>) {
        // The job rollups also by status alone and by (one dimension, status) (see
        // src/analytics/rollups/grouping-sets.ts), and per UTC day. The rows there were are all
        // 'full'; they are dropped and the rollup's mark reset, so the next maintenance run
        // backfills every grouping set and day (readers use raw rows meanwhile).
        await db.schema
          .alterTable('omi_rollup_jobs_hourly')
          .addColumn('grouping', 'varchar(32)', (c) => c.notNull().defaultTo('full'))
          .execute();
        await db.schema
          .createIndex('idx_omi_rollup_jobs_hourly_grouping')
          .on('omi_rollup_jobs_hourly')
          .columns(['grouping', 'bucket_start_ms'])
          .execute();
        await db.schema
          .createTable('omi_rollup_jobs_daily')
          .addColumn(...t.autoId('id'))
          .addColumn('grouping', 'varchar(32)', (c) => c.notNull())
          .addColumn('bucket_start_ms', 'bigint', (c) => c.notNull())
          .addColumn('vcenter', 'text', (c) => c.notNull())
          .addColumn('datacenter', 'text', (c) => c.notNull())
          .addColumn('replication_type', 'text', (c) => c.notNull())
          .addColumn('vm_group', 'text', (c) => c.notNull())
          .addColumn('error_classification', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(32)', (c) => c.notNull())
          .addColumn('jobs', 'bigint', (c) => c.notNull())
          .addColumn('bytes_sum', 'bigint', (c) => c.notNull())
          .addColumn('duration_count', 'bigint', (c) => c.notNull())
          .addColumn('duration_ms_sum', 'bigint', (c) => c.notNull())
          .addColumn('throughput_count', 'bigint', (c) => c.notNull())
          .addColumn('throughput_bps_sum', 'bigint', (c) => c.notNull())
          .addColumn('duration_histogram', t.longtext, (c) => c.notNull())
          .addColumn('throughput_histogram', t.longtext, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('idx_omi_rollup_jobs_daily_grouping')
          .on('omi_rollup_jobs_daily')
          .columns(['grouping', 'bucket_start_ms'])
          .execute();
        await db.schema
          .createIndex('idx_omi_rollup_jobs_daily_bucket')
          .on('omi_rollup_jobs_daily')
          .column('bucket_start_ms')
          .execute();
        await db.deleteFrom('omi_rollup_jobs_hourly').execute();
        await db.deleteFrom('omi_rollup_state').where('name', '=', 'replication_jobs_hourly').execute();
      },
    },
    '2026_11_26_901_ops_rollup_grouping_sets': {
      async up(db: Kysely<any>) {
        // The ops rollups also at coarser grouping sets (see src/analytics/ops/sources.ts) and per
        // UTC day (*_daily: the same columns). The rows there were are all 'full'; they are dropped
        // and the rollups' marks reset, so the next maintenance run backfills every set and day
        // (readers use raw rows meanwhile). The CBT time index (omi_cbt_sync_times) stays.
        const tables = [
          'omi_rollup_cbt_hourly',
          'omi_rollup_volume_ops_hourly',
          'omi_rollup_cloudstack_jobs_hourly',
        ];
        for (const table of tables) {
          await db.schema
            .alterTable(table)
            .addColumn('grouping', 'varchar(32)', (c) => c.notNull().defaultTo('full'))
            .execute();
          await db.schema
            .createIndex(`idx_${table}_grouping`)
            .on(table)
            .columns(['grouping', 'bucket_start_ms'])
            .execute();
          await db.deleteFrom(table).execute();
        }
        const dimensionsAndSums: Record<string, [string, string][]> = {
          omi_rollup_cbt_daily: [
            ['replication_type', 'text'],
            ['vm_group', 'text'],
            ['sync_type', 'text'],
            ...[
              'syncs',
              'successful',
              'bytes_sum',
              'blocks_sum',
              'duration_count',
              'duration_s_sum',
              'change_count',
              'change_bytes_sum',
              'change_interval_ms_sum',
            ].map((c): [string, string] => [c, 'bigint']),
          ],
          omi_rollup_volume_ops_daily: [
            ['operation_type', 'varchar(64)'],
            ...['operations', 'completed', 'failed', 'cancelled', 'duration_count', 'duration_ms_sum'].map(
              (c): [string, string] => [c, 'bigint'],
            ),
          ],
          omi_rollup_cloudstack_jobs_daily: [
            ['operation', 'varchar(191)'],
            ...['jobs', 'completed', 'failed', 'cancelled', 'duration_count', 'duration_ms_sum'].map(
              (c): [string, string] => [c, 'bigint'],
            ),
          ],
        };
        for (const [table, columns] of Object.entries(dimensionsAndSums)) {
          let create = db.schema
            .createTable(table)
            .addColumn(...t.autoId('id'))
            .addColumn('grouping', 'varchar(32)', (c) => c.notNull())
            .addColumn('bucket_start_ms', 'bigint', (c) => c.notNull())
            .addColumn('vcenter', 'text', (c) => c.notNull())
            .addColumn('datacenter', 'text', (c) => c.notNull());
          for (const [name, type] of columns)
            create = create.addColumn(name, type as 'text', (c) => c.notNull());
          await create.addColumn('duration_histogram', t.longtext, (c) => c.notNull()).execute();
          await db.schema
            .createIndex(`idx_${table}_grouping`)
            .on(table)
            .columns(['grouping', 'bucket_start_ms'])
            .execute();
          await db.schema.createIndex(`idx_${table}_bucket`).on(table).column('bucket_start_ms').execute();
        }
        await db
          .deleteFrom('omi_rollup_state')
          .where((eb) =>
            eb.or([
              eb('name', 'in', ['cbt_syncs_hourly', 'volume_operations_hourly']),
              eb('name', 'like', 'cloudstack_jobs_hourly%'),
            ]),
          )
          .execute();
      },
    },
    '2026_11_27_001_analytics_time_indexes': {
      async up(db: Kysely<any>) {
        // The CBT time index also keys each row by its disk (a digest of vm_context_id and
        // disk_id, see src/analytics/ops/cbt-times.ts) and success, and keeps the disk's previous
        // successful sync (the change rate's interval), worked out once per row instead of a walk
        // through the VM's cbt_history rows on every read. Emptied and its mark reset: the next
        // maintenance run indexes every row again (readers scan meanwhile).
        await db.schema
          .alterTable('omi_cbt_sync_times')
          .addColumn('disk_key', 'varchar(40)', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema
          .alterTable('omi_cbt_sync_times')
          .addColumn('success', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable('omi_cbt_sync_times').addColumn('previous_success_ms', 'bigint').execute();
        await db.schema
          .createIndex('idx_omi_cbt_sync_times_disk')
          .on('omi_cbt_sync_times')
          .columns(['disk_key', 'success', 'created_ms'])
          .execute();
        await db.deleteFrom('omi_cbt_sync_times').execute();
        await db.deleteFrom('omi_rollup_state').where('name', '=', 'cbt_sync_times').execute();
        // volume_operations by completion time (src/analytics/ops/volume-times.ts): the OMA has no
        // index on completed_at. Null: not finished when last read.
        await db.schema
          .createTable('omi_volume_op_times')
          .addColumn('op_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('completed_ms', 'bigint')
          .execute();
        await db.schema
          .createIndex('idx_omi_volume_op_times_completed')
          .on('omi_volume_op_times')
          .column('completed_ms')
          .execute();
        // omi_migration_analytics: the slowest jobs in the order the view lists them, and each
        // grouped view's columns after completed_at_ms, so a range is read from the index alone
        // (a row has ~50 columns; reading 90 days of a million jobs through the table was seconds).
        await db.schema
          .createIndex('idx_omi_migration_analytics_slowest')
          .on('omi_migration_analytics')
          .columns(['duration_s desc', 'job_id'])
          .execute();
        const measures = ['status', 'bytes_transferred', 'throughput_bps', 'duration_s'];
        for (const [view, key] of [
          ['vms', 'vm_name'],
          ['datastores', 'datastore'],
        ]) {
          await db.schema
            .createIndex(`idx_omi_migration_analytics_${view}`)
            .on('omi_migration_analytics')
            .columns(['completed_at_ms', key, ...measures])
            .execute();
        }
        await db.schema
          .createIndex('idx_omi_migration_analytics_load')
          .on('omi_migration_analytics')
          .columns([
            'completed_at_ms',
            'vma_samples',
            'server_samples',
            ...VMA_LOAD_FIELDS.flatMap((f) => [`${f}_avg`, `${f}_max`]),
            ...SERVER_LOAD_FIGURES.flatMap((f) => [`server_${f}_avg`, `server_${f}_max`]),
          ])
          .execute();
      },
    },
  };
}
