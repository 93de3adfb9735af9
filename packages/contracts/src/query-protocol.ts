// The Grafana query protocol (`POST /api/v1/query`) as plain lists: the server builds its
// schemas from them, the data source plugin its editor and checks. No TypeBox import here, so
// the plugin bundles only these few constants.

/**
 * Network mapping query types (fields: `failoverType` live|test, and filters):
 * - `networkTopology` {vcenter?, datacenter?}: frames `nodes` and `edges` in the Node Graph
 *   layout (id, title, subtitle, mainstat, secondarystat, arc__*, detail__*; edges id, source,
 *   target, mainstat, detail__*), `meta.preferredVisualisationType: 'nodeGraph'`.
 * - `networkRecommendations` {sourceNetwork?, unmappedOnly?, candidates?}: a table, one row per
 *   (source network, candidate): source_network, vm_count, current_network_id, rank,
 *   network_id, network_name, score, reasons (joined with "; ").
 * - `networkVms` {vcenter?, datacenter?, sourceNetwork?, search?, vm? (exact names), limit?}: a table, one row per
 *   (VM, NIC network): vm_name, vcenter, datacenter, status, source_network, live_network_id,
 *   live_network_name, live_validation, test_network_id, test_network_name, test_validation.
 * - `networkValidation` {vmNames?}: frames `summary` (vms, valid, invalid, warnings) and
 *   `issues` (vm_name, status, code, severity, message, source_network, destination_network_id).
 * - `networkPerformance`: frames `networks` (a table per destination network) and `probes`
 *   (time, network, latency_ms, loss_percent), over the query's time range.
 * - `networkAdoption`: how many mapping changes took the top recommendation over the query's time
 *   range: frames `adoption` (one row: changes, top1, in_top3, rate), `adoption_by_day` (time,
 *   rate, changes, top1; days in UTC) and `adoption_by_source` (source_network, changes, top1,
 *   in_top3, rate).
 */
export const NETWORK_QUERY_TYPES = [
  'networkTopology',
  'networkRecommendations',
  'networkVms',
  'networkValidation',
  'networkPerformance',
  'networkAdoption',
] as const;

/** Rows a `networkVms` query may ask for: the bulk mapping panel lists 10,000+ VMs with two NICs. */
export const MAX_NETWORK_VM_ROWS = 50_000;

/**
 * Analytics query types:
 * - `predictions` {vm?, vcenter?, datacenter?, concurrency?}: a table, one row per VM's next
 *   sync as of the query range's end: vm_name, vcenter, datacenter, status, sync_type, starts_at,
 *   predicted_seconds, p10_seconds, p90_seconds, bytes_expected, throughput_bps,
 *   throughput_source; `meta.custom.timeToFinish` as GET /analytics/predictions' time_to_finish.
 */
export const ANALYTICS_PREDICTION_QUERY_TYPES = ['predictions'] as const;

/** Syncs the OMA runs at once, for the time to finish the VMs not yet migrated. */
export const DEFAULT_PREDICTION_CONCURRENCY = 4;
export const MAX_PREDICTION_CONCURRENCY = 64;

/**
 * Analytics query types (issue 9), over the query's time range and intervalMs:
 * - `migrationTrends` {vcenter?, datacenter?, vm?, replication_type?, vm_group?}: a wide time
 *   series frame `migration_trends`: time, total, completed, failed, cancelled, bytes,
 *   duration_p50_s, duration_p95_s, avg_throughput_bps (one row per bucket; a bucket is at least
 *   intervalMs and wide enough that the range fits maxDataPoints).
 */
export const ANALYTICS_QUERY_TYPES = ['migrationTrends'] as const;

/**
 * VM detail query types (the VM Detail dashboard), for the VMs named in `vm` (comma-separated
 * names, e.g. a template variable; empty: every VM, up to `limit` rows):
 * - `vmDisks` {vm?, limit?}: a table `vm_disks`, one row per disk: vm_name, disk_id, label,
 *   datastore, size_gb, capacity_bytes, provisioning_type, sync_status, sync_progress_percent,
 *   bytes_synced, updated_at.
 * - `cbtHistory` {vm?, limit?}: a table `cbt_history`, one row per disk sync created in the query's
 *   time range, newest first: time, vm_name, job_id, disk_id, sync_type, blocks_changed,
 *   bytes_transferred, sync_duration_seconds, throughput_bps (bytes / duration), sync_success.
 */
export const VM_DETAIL_QUERY_TYPES = ['vmDisks', 'cbtHistory'] as const;

/**
 * Job outcome, performance and health query types (issues 9 and 10), over the query's time range:
 * - `successRates` {group_by, vcenter?, datacenter?, vm?, replication_type?, vm_group?}: a table
 *   `success_rates`: group, total, completed, failed, cancelled, success_rate (0..1); for
 *   group_by `day` a wide time-series frame instead: time, total, completed, failed, cancelled,
 *   success_rate (one row per bucket of at least a day and intervalMs, fitting maxDataPoints).
 * - `performanceMetrics` {view, limit?, and the same filters}: view `vms` / `datastores`: a table
 *   `performance_vms` / `performance_datastores`: key, jobs, completed, failed, bytes,
 *   avg_throughput_bps, avg_duration_s, max_duration_s, throughput_trend_percent,
 *   duration_trend_percent; view `slowest`: a table `performance_slowest`: job_id, vm_name,
 *   datastore, replication_type, status, completed_at, duration_s, bytes, throughput_bps; view
 *   `load`: a wide time-series frame `performance_load`: time, jobs, jobs_with_vma_load,
 *   jobs_with_server_samples, then per figure of LOAD_METRICS its mean and `<name>_max`
 *   (`meta.custom.sources` names each figure's source: vma_push or server_samples).
 * - `systemHealth`: a wide time-series frame `system_health`: time, samples, degraded, then per
 *   figure of HEALTH_METRICS its bucket mean and `<name>_max` (buckets of at least intervalMs,
 *   fitting maxDataPoints).
 */
export const ANALYTICS_JOB_QUERY_TYPES = ['successRates', 'performanceMetrics', 'systemHealth'] as const;

/**
 * CBT sync and volume operation analytics and the headline KPIs (issue 9), over the query's time
 * range; filters vcenter?, datacenter?, vm?, replication_type?, vm_group? as in migrationTrends
 * (a filter that does not apply to some rows is named in the frame's `meta.notices`):
 * - `cbtPerformance` {view?: CBT_VIEWS, default trend}: `trend` a wide time series frame
 *   `cbt_trend`: time, syncs, successful, failed, success_rate, full_syncs, incremental_syncs,
 *   bytes, full_bytes, incremental_bytes, change_rate_bytes_per_hour, duration_p50_s,
 *   duration_p95_s (buckets as migrationTrends); `summary` a table `cbt_summary`, one row per
 *   sync type and 'all': sync_type, syncs, successful, failed, success_rate, bytes,
 *   blocks_changed, avg_bytes, change_rate_bytes_per_hour, duration_avg_s, duration_p50_s,
 *   duration_p95_s, duration_p99_s.
 * - `volumePerformance` {view?: VOLUME_VIEWS, default operations}: `operations` a table
 *   `volume_operations`: operation_type, operations, completed, failed, cancelled, failure_rate,
 *   duration_avg_s, duration_p50_s, duration_p95_s, duration_p99_s; `trend` a wide time series
 *   frame `volume_trend`: time, operations, completed, failed, cancelled, failure_rate,
 *   duration_p50_s, duration_p95_s, cloudstack_jobs, cloudstack_failed, cloudstack_failure_rate;
 *   `cloudstack` a table `cloudstack_jobs`: operation, jobs, completed, failed, cancelled,
 *   failure_rate, duration_avg_s, duration_p50_s, duration_p95_s, duration_p99_s.
 * - `analyticsSummary`: a table `analytics_summary`, one row per KPI: kpi, label, unit, value,
 *   previous, change, change_ratio, note (previous: the period of equal length before the range).
 */
export const ANALYTICS_OPS_QUERY_TYPES = ['cbtPerformance', 'volumePerformance', 'analyticsSummary'] as const;

/** Breakdowns of a `successRates` query (GET /analytics/success-rates?group_by=). */
export const SUCCESS_RATE_GROUPS = [
  'vcenter',
  'datacenter',
  'replication_type',
  'error_classification',
  'day',
] as const;
/** Views of a `performanceMetrics` query: one frame shape per view, so one panel shows one view. */
export const PERFORMANCE_VIEWS = ['vms', 'datastores', 'slowest', 'load'] as const;
/** Views of a `cbtPerformance` query: per-bucket time series, or one row per sync type. */
export const CBT_VIEWS = ['trend', 'summary'] as const;
/** Views of a `volumePerformance` query: per operation type, per-bucket trend, CloudStack job outcomes. */
export const VOLUME_VIEWS = ['operations', 'trend', 'cloudstack'] as const;

/**
 * Notification query types (issue 10), over the query's time range:
 * - `notifications` {severity?, vm?, source?, limit?}: a table, newest first: time, severity,
 *   title, message, source, vm_name, job_id, link (the VM Detail dashboard for a VM's
 *   notification, the alert's panel or rule for a Grafana alert). The same rows as
 *   GET /notifications; the live channel /ws/notifications pushes new ones as they are raised.
 */
export const NOTIFICATION_QUERY_TYPES = ['notifications'] as const;

/** How bad a notification is. */
export const NOTIFICATION_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/**
 * Live query types (issue 10):
 * - `liveProgress` {vm?, job?, limit?}: a table of every replication job not finished yet
 *   (whatever the time range): job_id, vm_name, status, phase, percentage, bytes_transferred,
 *   total_bytes, throughput_mbps, eta_seconds, updated_at; the same fields as the progress
 *   channel's messages. `vm` is a VM name or context id. The data source streams it over the
 *   progress channel and polls it when the WebSocket is unavailable.
 */
export const LIVE_QUERY_TYPES = ['liveProgress'] as const;

/** Query types the server answers. Later capabilities append theirs. */
export const QUERY_TYPES = [
  'vmContexts',
  'jobs',
  'variable',
  'failedJobAnnotations',
  ...NETWORK_QUERY_TYPES,
  ...ANALYTICS_PREDICTION_QUERY_TYPES,
  ...ANALYTICS_QUERY_TYPES,
  ...VM_DETAIL_QUERY_TYPES,
  ...ANALYTICS_JOB_QUERY_TYPES,
  ...NOTIFICATION_QUERY_TYPES,
  ...LIVE_QUERY_TYPES,
  ...ANALYTICS_OPS_QUERY_TYPES,
] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/** Which replication jobs a `jobs` query returns. */
export const JOB_FILTERS = ['running', 'recent', 'failed', 'all'] as const;
export type JobFilter = (typeof JOB_FILTERS)[number];

/** What a `variable` query lists. */
export const VARIABLE_KINDS = [
  'vcenters',
  'datacenters',
  'vms',
  'sourceNetworks',
  'destinationNetworks',
] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

/** Rows one query may ask for. */
export const MAX_QUERY_ROWS = 5000;

/** Queries answered per request; further ones get an error each. */
export const MAX_QUERIES_PER_REQUEST = 20;
