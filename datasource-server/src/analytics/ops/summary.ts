// GET /analytics/summary and the analyticsSummary query: headline KPIs over [from, to) against the
// period of equal length before it. Range KPIs come from the rollups (jobs: through the job rollups' reader,
// the migration trends' table) plus raw rows for partial hours, so they equal raw SQL; state KPIs
// (VM statuses, the prediction) are as of now, which the OMA keeps no history of.
import {
  DEFAULT_PREDICTION_CONCURRENCY,
  ERROR_CLASSIFICATIONS,
  TREND_PERCENTILE_RELATIVE_ERROR,
  type AnalyticsSummary,
  type Kpi,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { forOneRequest } from '../../db/probe';
import { predictNextSyncs } from '../predictions/predict';
import { addFact, DAY_MS, emptyAggregate, FINISHED_STATUSES, type JobAggregate } from '../rollups/job-facts';
import { readFinishedJobs } from '../rollups/read';
import { longestJobSpan } from './job-spans';
import { changeRate, quantile, ratio, round } from './measures';
import { readBucketed, total, type FilterName, type Filters } from './rollup-engine';
import { CBT_SPEC, CLOUDSTACK_SPEC, VOLUME_SPEC } from './sources';

type Store = Pick<Db, 'db' | 'time'>;

/**
 * Replication jobs running at `atMs`: created before it, and not finished before it. A finished
 * one ended within the longest creation-to-end span after it (job-spans.ts), so only those are read.
 */
async function activeJobsAt(store: Store, atMs: number, filters: Filters): Promise<number> {
  const at = store.time.toDb(atMs);
  // A second more: the database keeps milliseconds at most.
  const endedBy = store.time.toDb(atMs + (await longestJobSpan(store.db, store.time)) + 1000);
  const count = async (finished: boolean) => {
    let query = store.db
      .selectFrom('replication_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_at', '<', at);
    query = finished
      ? query
          .where('status', 'in', FINISHED_STATUSES)
          .where('completed_at', '>=', at)
          .where('completed_at', '<=', endedBy)
      : query.where('status', 'not in', FINISHED_STATUSES);
    if (filters.vcenter !== undefined) query = query.where('v_center_host', '=', filters.vcenter);
    if (filters.datacenter !== undefined) query = query.where('datacenter', '=', filters.datacenter);
    if (filters.replication_type !== undefined)
      query = query.where('replication_type', '=', filters.replication_type);
    if (filters.vm_group !== undefined) query = query.where('vm_group_id', '=', filters.vm_group);
    if (filters.vm !== undefined) query = query.where('source_vm_name', '=', filters.vm);
    return Number((await query.executeTakeFirst())?.n ?? 0);
  };
  const [running, finishedLater] = await Promise.all([count(false), count(true)]);
  return running + finishedLater;
}

/** VM contexts per current status, narrowed by the context filters. */
async function vmStatuses(store: Store, filters: Filters): Promise<Map<string, number>> {
  let query = store.db
    .selectFrom('vm_replication_contexts')
    .select((eb) => ['current_status', eb.fn.countAll<number>().as('n')])
    .groupBy('current_status');
  if (filters.vcenter !== undefined) query = query.where('vcenter_host', '=', filters.vcenter);
  if (filters.datacenter !== undefined) query = query.where('datacenter', '=', filters.datacenter);
  if (filters.vm !== undefined) query = query.where('vm_name', '=', filters.vm);
  return new Map((await query.execute()).map((r) => [r.current_status, Number(r.n)]));
}

/** Finished replication jobs of [from, to) through the job rollups' reader: all of them, per status, failures per class. */
async function jobFigures(store: Store, fromMs: number, toMs: number, filters: Filters) {
  const all: JobAggregate = emptyAggregate();
  const byStatus = new Map<string, number>();
  const failuresByClass = new Map<string, number>();
  const count = (status: string, errorClassification: string, jobs: number) => {
    byStatus.set(status, (byStatus.get(status) ?? 0) + jobs);
    if (status === 'failed')
      failuresByClass.set(errorClassification, (failuresByClass.get(errorClassification) ?? 0) + jobs);
  };
  // Folded into one bucket, so any whole-hour width lets the rollups answer every whole hour
  // (whole days: the reader may also take daily rows).
  await readFinishedJobs(
    store,
    { fromMs, toMs, intervalMs: DAY_MS, filters, dimensions: ['errorClassification'] },
    {
      rollup(_bucketStartMs, dims, jobs, addTo) {
        addTo!(all);
        count(dims.status, dims.errorClassification ?? '', jobs);
      },
      fact(fact) {
        addFact(all, fact);
        count(fact.status, fact.errorClassification, 1);
      },
    },
  );
  return { all, byStatus, failuresByClass };
}

async function periodFigures(store: Store, fromMs: number, toMs: number, filters: Filters) {
  const req = { fromMs, toMs, intervalMs: null, filters };
  const [jobs, cbt, volume, cloudstack, active] = await Promise.all([
    jobFigures(store, fromMs, toMs, filters),
    readBucketed(store, CBT_SPEC, req),
    readBucketed(store, VOLUME_SPEC, req),
    readBucketed(store, CLOUDSTACK_SPEC, req),
    activeJobsAt(store, toMs, filters),
  ]);
  const c = total(CBT_SPEC, cbt.buckets[0].values()).sums;
  const v = total(VOLUME_SPEC, volume.buckets[0].values()).sums;
  const k = total(CLOUDSTACK_SPEC, cloudstack.buckets[0].values()).sums;
  const j = jobs.all;
  const withStatus = (status: string) => jobs.byStatus.get(status) ?? 0;
  const failuresOf = (cls: string) => jobs.failuresByClass.get(cls) ?? 0;
  return {
    notApplied: {
      cbt: cbt.notApplied,
      volume: volume.notApplied,
      cloudstack: cloudstack.notApplied,
    },
    values: {
      migrations: j.jobs,
      migrations_completed: withStatus('completed'),
      success_rate: ratio(withStatus('completed'), j.jobs),
      migrations_failed: withStatus('failed'),
      migrations_cancelled: withStatus('cancelled'),
      ...Object.fromEntries(ERROR_CLASSIFICATIONS.map((cls) => [`failures_${cls}`, failuresOf(cls)])),
      failures_unclassified: failuresOf(''),
      duration_p50: quantile(j.duration, 0.5),
      duration_p95: quantile(j.duration, 0.95),
      bytes_moved: j.bytes,
      avg_throughput: j.throughputCount ? round(j.throughputBpsSum / j.throughputCount) : null,
      peak_throughput: quantile(j.throughput, 1),
      active_jobs: active,
      cbt_syncs: c.syncs,
      cbt_success_rate: ratio(c.successful, c.syncs),
      cbt_change_rate: changeRate(c.change_bytes_sum, c.change_interval_ms_sum),
      volume_operations: v.operations,
      volume_failure_rate: ratio(v.failed, v.operations),
      cloudstack_jobs: k.jobs,
      cloudstack_failure_rate: ratio(k.failed, k.jobs),
    } as Record<string, number | null>,
  };
}

interface KpiDefinition {
  kpi: string;
  label: string;
  unit: Kpi['unit'];
  /** Which rows it counts, for the filters that do not apply. */
  rows?: 'cbt' | 'volume' | 'cloudstack';
  note?: string;
}

const FAILURE_CLASS_KPIS: KpiDefinition[] = [...ERROR_CLASSIFICATIONS, 'unclassified'].map((cls) => ({
  kpi: `failures_${cls}`,
  label: `Failed migrations: ${cls}`,
  unit: 'none',
  ...(cls === 'unclassified' ? { note: 'Failed jobs without a vma_error_classification' } : {}),
}));

const RANGE_KPIS: KpiDefinition[] = [
  {
    kpi: 'migrations',
    label: 'Migrations finished',
    unit: 'none',
    note: 'Replication jobs completed, failed or cancelled',
  },
  { kpi: 'migrations_completed', label: 'Migrations completed', unit: 'none' },
  { kpi: 'success_rate', label: 'Success rate', unit: 'percentunit', note: 'completed / finished' },
  { kpi: 'migrations_failed', label: 'Migrations failed', unit: 'none' },
  { kpi: 'migrations_cancelled', label: 'Migrations cancelled', unit: 'none' },
  ...FAILURE_CLASS_KPIS,
  {
    kpi: 'duration_p50',
    label: 'Median duration',
    unit: 's',
    note: 'completed_at − started_at of finished jobs, within 1%',
  },
  { kpi: 'duration_p95', label: 'p95 duration', unit: 's', note: 'Within 1%' },
  {
    kpi: 'bytes_moved',
    label: 'Bytes moved',
    unit: 'decbytes',
    note: 'Sum of bytes_transferred of finished jobs',
  },
  {
    kpi: 'avg_throughput',
    label: 'Average throughput',
    unit: 'Bps',
    note: 'Mean transfer_speed_bps of finished jobs that have one',
  },
  {
    kpi: 'peak_throughput',
    label: 'Peak throughput',
    unit: 'Bps',
    note: 'Highest transfer_speed_bps of a finished job, within 1%',
  },
  {
    kpi: 'active_jobs',
    label: 'Active jobs',
    unit: 'none',
    note: 'Replication jobs running at the end of the period (created before it, not finished before it)',
  },
  { kpi: 'cbt_syncs', label: 'CBT syncs', unit: 'none', rows: 'cbt', note: 'cbt_history rows (disk syncs)' },
  { kpi: 'cbt_success_rate', label: 'CBT success rate', unit: 'percentunit', rows: 'cbt' },
  {
    kpi: 'cbt_change_rate',
    label: 'Change rate (bytes per hour)',
    unit: 'decbytes',
    rows: 'cbt',
    note: "Bytes of successful incremental syncs per hour since each disk's previous successful sync",
  },
  { kpi: 'volume_operations', label: 'Volume operations', unit: 'none', rows: 'volume' },
  { kpi: 'volume_failure_rate', label: 'Volume operation failure rate', unit: 'percentunit', rows: 'volume' },
  { kpi: 'cloudstack_jobs', label: 'CloudStack jobs', unit: 'none', rows: 'cloudstack' },
  {
    kpi: 'cloudstack_failure_rate',
    label: 'CloudStack job failure rate',
    unit: 'percentunit',
    rows: 'cloudstack',
  },
];

const STATE_NOTE = 'Now (the OMA keeps no history of VM status, so there is no previous value)';
const CONTEXT_FILTERS: readonly FilterName[] = ['vcenter', 'datacenter', 'vm'];

const change = (value: number | null, previous: number | null) =>
  value === null || previous === null ? null : round(value - previous, 6);
const changeRatio = (value: number | null, previous: number | null) =>
  value === null || previous === null || previous === 0
    ? null
    : round((value - previous) / Math.abs(previous), 6);

const notAppliedNote = (names: readonly string[]) =>
  names.length ? `Not narrowed by ${names.join(', ')}: these rows carry no such value` : null;
const joinNotes = (...notes: (string | null | undefined)[]) => notes.filter(Boolean).join('. ') || null;

export async function analyticsSummary(
  shared: Store,
  req: { fromMs: number; toMs: number; filters: Filters; nowMs?: number },
): Promise<AnalyticsSummary> {
  const store = forOneRequest(shared);
  const { fromMs, toMs, filters } = req;
  const previousFrom = Math.max(0, fromMs - (toMs - fromMs));
  const atMs = Math.min(toMs, req.nowMs ?? Date.now());
  const given = Object.keys(filters).filter((k) => filters[k as FilterName] !== undefined);
  const [current, previous, statuses, prediction] = await Promise.all([
    periodFigures(store, fromMs, toMs, filters),
    periodFigures(store, previousFrom, fromMs, filters),
    vmStatuses(store, filters),
    predictNextSyncs(
      store.db,
      store.time,
      {
        vmNames: filters.vm ? [filters.vm] : undefined,
        vcenters: filters.vcenter ? [filters.vcenter] : undefined,
        datacenters: filters.datacenter ? [filters.datacenter] : undefined,
      },
      atMs,
      DEFAULT_PREDICTION_CONCURRENCY,
    ),
  ]);

  const data: Kpi[] = RANGE_KPIS.map((d) => {
    const value = current.values[d.kpi] ?? null;
    const before = previous.values[d.kpi] ?? null;
    return {
      kpi: d.kpi,
      label: d.label,
      unit: d.unit,
      value,
      previous: before,
      change: change(value, before),
      change_ratio: changeRatio(value, before),
      note: joinNotes(d.note, d.rows ? notAppliedNote(current.notApplied[d.rows]) : null),
    };
  });
  const contextNote = notAppliedNote(given.filter((f) => !CONTEXT_FILTERS.includes(f as FilterName)));
  const state = (kpi: string, label: string, unit: Kpi['unit'], value: number | null, note: string): Kpi => ({
    kpi,
    label,
    unit,
    value,
    previous: null,
    change: null,
    change_ratio: null,
    note: joinNotes(note, contextNote),
  });
  const ttf = prediction.time_to_finish;
  data.push(
    state(
      'vms_ready_for_failover',
      'VMs ready for failover',
      'none',
      statuses.get('ready_for_failover') ?? 0,
      STATE_NOTE,
    ),
    state(
      'vms_failed_over_test',
      'VMs failed over (test)',
      'none',
      statuses.get('failed_over_test') ?? 0,
      STATE_NOTE,
    ),
    state(
      'vms_failed_over_live',
      'VMs failed over (live)',
      'none',
      statuses.get('failed_over_live') ?? 0,
      STATE_NOTE,
    ),
    state(
      'predicted_time_to_finish',
      'Predicted time to finish',
      's',
      round(ttf.seconds),
      `The next sync of each of the ${ttf.vms} VMs not yet migrated, ${ttf.concurrency} at a time, as of ${new Date(atMs).toISOString()} (p10 ${round(ttf.p10_seconds)} s, p90 ${round(ttf.p90_seconds)} s; see /analytics/predictions)`,
    ),
  );
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    previous_from: new Date(previousFrom).toISOString(),
    previous_to: new Date(fromMs).toISOString(),
    percentile_relative_error: TREND_PERCENTILE_RELATIVE_ERROR,
    data,
  };
}
