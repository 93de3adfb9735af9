// One handler per query type: database rows -> frames. Kept close to SQL; shaping lives in frames.ts.
import type { Kysely } from 'kysely';
import {
  DEFAULT_PREDICTION_CONCURRENCY,
  TERMINAL_JOB_STATUSES,
  type QueryType,
  type WireFrame,
} from '@oma-insights/contracts';
import { predictionFrame } from '../analytics/predictions/frames';
import { predictNextSyncs } from '../analytics/predictions/predict';
import { migrationTrendsFrame } from '../analytics/trends/frames';
import { migrationTrends as trendsOf, queryStep } from '../analytics/trends/migration-trends';
import type { Database, ReplicationJobRow, VmContextRow } from '../db/schema';
import type { DbTime } from '../db/time';
import { likeContains } from '../http/cursor';
import type { TimeRange } from '../http/time-params';
import { sourceNetworks } from '../networks/source-networks';
import { performanceFrames, validationFrames } from '../networks/validation/frames';
import { networkPerformance as performanceOf } from '../networks/validation/performance';
import { evaluate, loadValidationInput } from '../networks/validation/validate';
import { toFrame, type Column } from './frames';
import { performanceMetrics, successRates, systemHealth } from './analytics-job-handlers';
import { notifications } from '../notifications/query';
import { liveProgress } from './live-handlers';
import { networkAdoption, networkRecommendations, networkTopology, networkVms } from './network-handlers';
import { analyticsSummary, cbtPerformance, volumePerformance } from './ops-handlers';
import { listOf, type QueryOf } from './query-types';
import { cbtHistory, vmDisks } from './vm-detail-handlers';

export interface QueryContext {
  db: Kysely<Database>;
  time: DbTime;
  range: TimeRange;
  /** Grafana's suggested bucket width and point budget, when sent. */
  intervalMs?: number;
  maxDataPoints?: number;
}

const DEFAULT_ROWS = 500;

const contextColumns = (time: DbTime): Column<VmContextRow>[] => [
  { name: 'vm_name', type: 'string', value: (r) => r.vm_name, config: { displayName: 'VM' } },
  {
    name: 'current_status',
    type: 'string',
    value: (r) => r.current_status,
    config: { displayName: 'Status' },
  },
  { name: 'vcenter_host', type: 'string', value: (r) => r.vcenter_host, config: { displayName: 'vCenter' } },
  { name: 'datacenter', type: 'string', value: (r) => r.datacenter },
  {
    name: 'total_jobs_run',
    type: 'number',
    value: (r) => Number(r.total_jobs_run ?? 0),
    config: { displayName: 'Jobs' },
  },
  {
    name: 'successful_jobs',
    type: 'number',
    value: (r) => Number(r.successful_jobs ?? 0),
    config: { displayName: 'Succeeded' },
  },
  {
    name: 'failed_jobs',
    type: 'number',
    value: (r) => Number(r.failed_jobs ?? 0),
    config: { displayName: 'Failed' },
  },
  {
    name: 'last_job_at',
    type: 'time',
    value: (r) => time.toMs(r.last_job_at),
    config: { displayName: 'Last job' },
  },
  { name: 'os_type', type: 'string', value: (r) => r.os_type },
  { name: 'cpu_count', type: 'number', value: (r) => r.cpu_count },
  { name: 'memory_mb', type: 'number', value: (r) => r.memory_mb, config: { unit: 'decmbytes' } },
  { name: 'power_state', type: 'string', value: (r) => r.power_state },
  { name: 'current_job_id', type: 'string', value: (r) => r.current_job_id },
  { name: 'context_id', type: 'string', value: (r) => r.context_id },
];

const jobColumns = (time: DbTime): Column<ReplicationJobRow>[] => [
  { name: 'job_id', type: 'string', value: (r) => r.id },
  { name: 'vm_name', type: 'string', value: (r) => r.source_vm_name, config: { displayName: 'VM' } },
  { name: 'vcenter_host', type: 'string', value: (r) => r.v_center_host, config: { displayName: 'vCenter' } },
  {
    name: 'replication_type',
    type: 'string',
    value: (r) => r.replication_type,
    config: { displayName: 'Type' },
  },
  { name: 'status', type: 'string', value: (r) => r.status },
  { name: 'phase', type: 'string', value: (r) => r.vma_current_phase ?? r.current_operation },
  {
    name: 'progress_percent',
    type: 'number',
    value: (r) => Number(r.progress_percent ?? 0),
    config: { unit: 'percent', min: 0, max: 100, displayName: 'Progress' },
  },
  {
    name: 'bytes_transferred',
    type: 'number',
    value: (r) => Number(r.bytes_transferred ?? 0),
    config: { unit: 'bytes', displayName: 'Transferred' },
  },
  {
    name: 'total_bytes',
    type: 'number',
    value: (r) => Number(r.total_bytes ?? 0),
    config: { unit: 'bytes', displayName: 'Total' },
  },
  {
    name: 'throughput',
    type: 'number',
    value: (r) => Number(r.vma_throughput_mbps ?? 0),
    config: { unit: 'MBs', displayName: 'Throughput' },
  },
  {
    name: 'eta_seconds',
    type: 'number',
    value: (r) => (r.completed_at ? null : r.vma_eta_seconds),
    config: { unit: 's', displayName: 'ETA' },
  },
  {
    name: 'error_classification',
    type: 'string',
    value: (r) => r.vma_error_classification,
    config: { displayName: 'Error class' },
  },
  { name: 'error_message', type: 'string', value: (r) => r.error_message, config: { displayName: 'Error' } },
  { name: 'created_at', type: 'time', value: (r) => time.toMs(r.created_at) },
  { name: 'started_at', type: 'time', value: (r) => time.toMs(r.started_at) },
  { name: 'completed_at', type: 'time', value: (r) => time.toMs(r.completed_at) },
  {
    name: 'duration_seconds',
    type: 'number',
    value: (r) => jobDurationSeconds(time.toMs(r.started_at), time.toMs(r.completed_at)),
    config: { unit: 's', displayName: 'Duration' },
  },
  {
    name: 'avg_throughput_bps',
    type: 'number',
    value: (r) => (Number(r.transfer_speed_bps ?? 0) > 0 ? Number(r.transfer_speed_bps) : null),
    config: { unit: 'Bps', displayName: 'Avg throughput' },
  },
];

/** completed_at − started_at in seconds; null until the job finished (or without a start before its end). Pure. */
export function jobDurationSeconds(startedMs: number | null, completedMs: number | null): number | null {
  return startedMs !== null && completedMs !== null && startedMs <= completedMs
    ? (completedMs - startedMs) / 1000
    : null;
}

const TERMINAL = TERMINAL_JOB_STATUSES as string[];

async function vmContexts({ db, time }: QueryContext, q: QueryOf<'vmContexts'>): Promise<WireFrame[]> {
  let query = db
    .selectFrom('vm_replication_contexts')
    .selectAll()
    .orderBy('vm_name')
    .limit(q.limit ?? DEFAULT_ROWS);
  const statuses = listOf(q.status);
  const vcenters = listOf(q.vcenter);
  const vms = listOf(q.vm);
  if (vms.length) query = query.where('vm_name', 'in', vms);
  if (statuses.length) query = query.where('current_status', 'in', statuses);
  if (vcenters.length) query = query.where('vcenter_host', 'in', vcenters);
  if (q.search) query = query.where('vm_name', 'like', likeContains(q.search));
  return [toFrame('vm_contexts', q.refId, contextColumns(time), await query.execute())];
}

async function jobs({ db, time, range }: QueryContext, q: QueryOf<'jobs'>): Promise<WireFrame[]> {
  const filter = q.status ?? 'running';
  const limit = q.limit ?? DEFAULT_ROWS;
  const vms = listOf(q.vm);
  const base = () => {
    const query = db.selectFrom('replication_jobs').selectAll();
    return vms.length ? query.where('source_vm_name', 'in', vms) : query;
  };
  // Each branch stays on an index: (status, updated_at) for running jobs, (status, completed_at) for finished ones.
  const running = () =>
    base().where('status', 'not in', TERMINAL).orderBy('created_at', 'desc').limit(limit).execute();
  const finished = (statuses: string[]) =>
    base()
      .where('status', 'in', statuses)
      .where('completed_at', '>=', time.toDb(range.from))
      .where('completed_at', '<=', time.toDb(range.to))
      .orderBy('completed_at', 'desc')
      .limit(limit)
      .execute();
  const rows =
    filter === 'running'
      ? await running()
      : filter === 'recent'
        ? await finished(TERMINAL)
        : filter === 'failed'
          ? await finished(['failed'])
          : [...(await running()), ...(await finished(TERMINAL))].slice(0, limit);
  return [toFrame('jobs', q.refId, jobColumns(time), rows, { custom: { filter } })];
}

async function variable({ db }: QueryContext, q: QueryOf<'variable'>): Promise<WireFrame[]> {
  const vcenters = listOf(q.vcenter);
  let values: { text: string; value: string }[];
  switch (q.variable) {
    case 'vcenters': {
      const rows = await db
        .selectFrom('vm_replication_contexts')
        .select('vcenter_host')
        .distinct()
        .orderBy('vcenter_host')
        .execute();
      values = rows.map((r) => ({ text: r.vcenter_host, value: r.vcenter_host }));
      break;
    }
    case 'datacenters': {
      let query = db
        .selectFrom('vm_replication_contexts')
        .select('datacenter')
        .distinct()
        .orderBy('datacenter');
      if (vcenters.length) query = query.where('vcenter_host', 'in', vcenters);
      values = (await query.execute()).map((r) => ({ text: r.datacenter, value: r.datacenter }));
      break;
    }
    case 'vms': {
      let query = db.selectFrom('vm_replication_contexts').select('vm_name').orderBy('vm_name').limit(10_000);
      if (vcenters.length) query = query.where('vcenter_host', 'in', vcenters);
      values = (await query.execute()).map((r) => ({ text: r.vm_name, value: r.vm_name }));
      break;
    }
    case 'sourceNetworks': {
      values = (await sourceNetworks(db))
        .map((n) => ({ text: n.network_name, value: n.network_name }))
        .sort((a, b) => a.text.localeCompare(b.text));
      break;
    }
    case 'destinationNetworks': {
      const rows = await db
        .selectFrom('omi_cloudstack_networks')
        .select(['id', 'name'])
        .orderBy('name')
        .execute();
      values = rows.map((r) => ({ text: r.name, value: r.id }));
      break;
    }
  }
  return [
    toFrame(
      'variable',
      q.refId,
      [
        { name: 'text', type: 'string', value: (v: { text: string }) => v.text },
        { name: 'value', type: 'string', value: (v: { value: string }) => v.value },
      ],
      values,
    ),
  ];
}

async function failedJobAnnotations(
  { db, time, range }: QueryContext,
  q: QueryOf<'failedJobAnnotations'>,
): Promise<WireFrame[]> {
  let query = db
    .selectFrom('replication_jobs')
    .selectAll()
    .where('status', '=', 'failed')
    .where('completed_at', '>=', time.toDb(range.from))
    .where('completed_at', '<=', time.toDb(range.to))
    .orderBy('completed_at', 'desc')
    .limit(q.limit ?? DEFAULT_ROWS);
  const vms = listOf(q.vm);
  if (vms.length) query = query.where('source_vm_name', 'in', vms);
  const rows = await query.execute();
  return [
    toFrame(
      'failed_jobs',
      q.refId,
      [
        { name: 'time', type: 'time', value: (r: ReplicationJobRow) => time.toMs(r.completed_at) },
        { name: 'timeEnd', type: 'time', value: (r: ReplicationJobRow) => time.toMs(r.completed_at) },
        {
          name: 'title',
          type: 'string',
          value: (r: ReplicationJobRow) => `Replication failed: ${r.source_vm_name}`,
        },
        {
          name: 'text',
          type: 'string',
          value: (r: ReplicationJobRow) =>
            `${r.error_message ?? 'no error message'} (${r.vma_error_classification ?? 'unclassified'}, ${r.replication_type}, job ${r.id})`,
        },
        {
          name: 'tags',
          type: 'other',
          value: (r: ReplicationJobRow) => [
            'replication-failed',
            r.vma_error_classification ?? 'unclassified',
            r.v_center_host,
          ],
        },
        { name: 'job_id', type: 'string', value: (r: ReplicationJobRow) => r.id },
      ],
      rows,
    ),
  ];
}

/** Frames `summary` and `issues` (see validation/frames.ts); unknown VM names become a notice. */
async function networkValidation(
  { db }: QueryContext,
  q: QueryOf<'networkValidation'>,
): Promise<WireFrame[]> {
  const names = listOf(q.vmNames);
  const input = await loadValidationInput(db, {
    vmNames: names.length ? names : undefined,
    failoverType: q.failoverType ?? 'live',
    unknownVms: 'skip',
  });
  return validationFrames(q.refId, evaluate(input), input.unknown);
}

/** Frames `networks` and `probes` over the query's time range. */
async function networkPerformance(
  { db, time, range }: QueryContext,
  q: QueryOf<'networkPerformance'>,
): Promise<WireFrame[]> {
  return performanceFrames(q.refId, await performanceOf(db, time, range));
}

/** A table of each VM's next sync as of the range's end; unknown VM names match nothing. */
async function predictions(
  { db, time, range }: QueryContext,
  q: QueryOf<'predictions'>,
): Promise<WireFrame[]> {
  const list = await predictNextSyncs(
    db,
    time,
    { vmNames: listOf(q.vm), vcenters: listOf(q.vcenter), datacenters: listOf(q.datacenter) },
    range.to,
    q.concurrency ?? DEFAULT_PREDICTION_CONCURRENCY,
  );
  return [predictionFrame(q.refId, list)];
}

/** A wide time-series frame `migration_trends`; an empty range gives no rows. */
async function migrationTrends(
  { db, time, range, intervalMs, maxDataPoints }: QueryContext,
  q: QueryOf<'migrationTrends'>,
): Promise<WireFrame[]> {
  const { vcenter, datacenter, vm, replication_type, vm_group } = q;
  const filters = Object.fromEntries(
    Object.entries({ vcenter, datacenter, vm, replication_type, vm_group }).filter(([, v]) => v),
  );
  if (range.from >= range.to) return [migrationTrendsFrame(q.refId, { data: [], interval_ms: 0 })];
  const trends = await trendsOf(
    { db, time },
    {
      fromMs: range.from,
      toMs: range.to,
      intervalMs: queryStep(range.to - range.from, intervalMs, maxDataPoints),
      filters,
    },
  );
  return [migrationTrendsFrame(q.refId, trends)];
}

type Handler<K extends QueryType> = (ctx: QueryContext, query: QueryOf<K>) => Promise<WireFrame[]>;
export const HANDLERS: { [K in QueryType]: Handler<K> } = {
  vmContexts,
  jobs,
  variable,
  failedJobAnnotations,
  networkTopology,
  networkRecommendations,
  networkVms,
  networkValidation,
  networkPerformance,
  networkAdoption,
  predictions,
  migrationTrends,
  vmDisks,
  cbtHistory,
  successRates,
  performanceMetrics,
  systemHealth,
  notifications,
  liveProgress,
  cbtPerformance,
  volumePerformance,
  analyticsSummary,
};
