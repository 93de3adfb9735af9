// The raw OMA rows behind each ops rollup, read as facts, with the one bucket rule of all
// analytics: a row counts once finished, in the hour (bucket) of its end time. Rollups and raw
// reads both use these readers, so the two cannot disagree.
import { sql, type ExpressionBuilder } from 'kysely';
import { ANALYTICS_FILTERS, type CloudstackJobTable } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import type { Database } from '../../db/schema';
import { hasTable, type ProbeMemo } from '../../db/probe';
import { cbtTimesMark, diskKey } from './cbt-times';
import { CREATED_MARGIN_MS, volumeOpTimesMark } from './volume-times';
import { FINISHED_STATUSES } from '../rollups/job-facts';
import {
  FULL_GROUPING,
  type Fact,
  type FilterName,
  type Filters,
  type GroupingSet,
  type RollupSpec,
} from './rollup-engine';

type Store = Pick<Db, 'db' | 'time'>;
type CbtQueryTables = Database & { c: Database['cbt_history'] };

const ALL_FILTERS: readonly FilterName[] = ANALYTICS_FILTERS;
const num = (value: unknown) => Number(value ?? 0);
const ms = (from: number | null, to: number | null) =>
  from !== null && to !== null && from <= to ? to - from : null;

/** Earliest end time not before the epoch (MySQL's zero date and placeholders are not times). */
async function firstEnd<T>(
  store: Store,
  query: (since: string) => Promise<T | undefined>,
  pick: (row: T) => unknown,
) {
  const row = await query(store.time.toDb(0));
  return store.time.toMs((row ? pick(row) : null) as string | null);
}

/**
 * The grouping sets of a rollup whose rows always carry `base` (what its views break down by):
 * `base` alone (unfiltered reads), `base` and one filter dimension, and every dimension.
 */
function groupingSets<D extends string>(base: D, filterDims: readonly D[]): GroupingSet<D>[] {
  return [
    { grouping: base, carries: [base] },
    ...filterDims.map((d) => ({ grouping: d, carries: [base, d] })),
    { grouping: FULL_GROUPING, carries: [base, ...filterDims] },
  ];
}

// --- CBT syncs -----------------------------------------------------------------------------

const CBT_DIMS = ['vcenter', 'datacenter', 'replication_type', 'vm_group', 'sync_type'] as const;
const CBT_SUMS = [
  'syncs',
  'successful',
  'bytes_sum',
  'blocks_sum',
  'duration_count',
  'duration_s_sum',
  'change_count',
  'change_bytes_sum',
  'change_interval_ms_sum',
] as const;
const DURATION = ['duration_histogram'] as const;
export type CbtFact = Fact<(typeof CBT_DIMS)[number], (typeof CBT_SUMS)[number], 'duration_histogram'>;

/**
 * cbt_history rows created in [from, to), with the replication job's dimensions and, for a
 * successful incremental sync, when its disk last synced successfully before (the change rate's
 * interval). The OMA has no index on created_at: rows in our time index are read through it by
 * primary key, with the previous sync the index keeps (or a row not indexed yet, if newer); newer
 * rows by primary-key range, their previous sync through cbt_history's vm_context_id index (see
 * cbt-times.ts). Before the first index run, everything is read by scanning.
 */
async function cbtFacts(store: Store, fromMs: number, toMs: number, filters: Filters): Promise<CbtFact[]> {
  const successfulIncremental = (eb: ExpressionBuilder<CbtQueryTables, 'c'>) =>
    eb.and([eb('c.sync_type', '=', 'incremental'), eb('c.sync_success', '=', 1)]);
  const base = () => {
    let query = store.db
      .selectFrom('cbt_history as c')
      .leftJoin('replication_jobs as j', 'j.id', 'c.job_id')
      .select([
        'c.vm_context_id',
        'c.disk_id',
        'c.created_at',
        'c.sync_type',
        'c.sync_success',
        'c.bytes_transferred',
        'c.blocks_changed',
        'c.sync_duration_seconds',
        'j.v_center_host',
        'j.datacenter',
        'j.replication_type',
        'j.vm_group_id',
      ])
      .where('c.created_at', '>=', store.time.toDb(fromMs))
      .where('c.created_at', '<', store.time.toDb(toMs));
    if (filters.vcenter !== undefined) query = query.where('j.v_center_host', '=', filters.vcenter);
    if (filters.datacenter !== undefined) query = query.where('j.datacenter', '=', filters.datacenter);
    if (filters.replication_type !== undefined)
      query = query.where('j.replication_type', '=', filters.replication_type);
    if (filters.vm_group !== undefined) query = query.where('j.vm_group_id', '=', filters.vm_group);
    if (filters.vm !== undefined) query = query.where('j.source_vm_name', '=', filters.vm);
    return query;
  };
  /** Rows read by scanning or by primary key: the previous sync through the vm_context_id index. */
  const withPreviousAt = () =>
    base().select((eb) =>
      eb
        .case()
        .when(successfulIncremental(eb))
        .then(
          eb
            .selectFrom('cbt_history as p')
            .select((p) => p.fn.max('p.created_at').as('at'))
            .whereRef('p.vm_context_id', '=', 'c.vm_context_id')
            .whereRef('p.disk_id', '=', 'c.disk_id')
            .where('p.sync_success', '=', 1)
            .whereRef('p.created_at', '<', 'c.created_at'),
        )
        .end()
        .as('previous_at'),
    );
  const mark = await cbtTimesMark(store);
  const rows: (Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number] & {
    previousMs: number | null;
  })[] = [];
  const atOf = (row: { previous_at: string | null }) => store.time.toMs(row.previous_at);
  if (mark === null) {
    for (const row of await withPreviousAt().execute()) rows.push({ ...row, previousMs: atOf(row) });
  } else {
    const [indexed, late, lateSuccesses] = await Promise.all([
      base()
        .innerJoin('omi_cbt_sync_times as i', 'i.cbt_id', 'c.id')
        .select(['i.previous_success_ms', 'i.disk_key'])
        .where('i.created_ms', '>=', fromMs)
        .where('i.created_ms', '<', toMs)
        .execute(),
      withPreviousAt().where('c.id', '>', mark).execute(),
      // An indexed sync's previous one may be a row not indexed yet (written since the last run).
      store.db
        .selectFrom('cbt_history')
        .select(['vm_context_id', 'disk_id', 'created_at'])
        .where('id', '>', mark)
        .where('sync_success', '=', 1)
        .execute(),
    ]);
    const lateByDisk = new Map<string, number[]>();
    for (const row of lateSuccesses) {
      const at = store.time.toMs(row.created_at);
      const key = diskKey(row.vm_context_id, row.disk_id);
      if (at !== null) lateByDisk.set(key, [...(lateByDisk.get(key) ?? []), at]);
    }
    for (const row of indexed) {
      const eligible = row.sync_type === 'incremental' && Number(row.sync_success) === 1;
      let previousMs = eligible && row.previous_success_ms !== null ? Number(row.previous_success_ms) : null;
      const atMs = store.time.toMs(row.created_at);
      if (eligible) {
        for (const at of lateByDisk.get(row.disk_key) ?? []) {
          if (atMs !== null && at < atMs && (previousMs === null || at > previousMs)) previousMs = at;
        }
      }
      rows.push({ ...row, previousMs });
    }
    for (const row of late) rows.push({ ...row, previousMs: atOf(row) });
  }
  const facts: CbtFact[] = [];
  for (const row of rows) {
    const atMs = store.time.toMs(row.created_at);
    if (atMs === null) continue;
    const ok = Number(row.sync_success) === 1;
    const bytes = num(row.bytes_transferred);
    const seconds = row.sync_duration_seconds === null ? null : Number(row.sync_duration_seconds);
    const interval = ms(row.previousMs, atMs);
    const changed = interval !== null && interval > 0;
    facts.push({
      atMs,
      dims: {
        vcenter: row.v_center_host ?? '',
        datacenter: row.datacenter ?? '',
        replication_type: row.replication_type ?? '',
        vm_group: row.vm_group_id ?? '',
        sync_type: row.sync_type,
      },
      sums: {
        syncs: 1,
        successful: ok ? 1 : 0,
        bytes_sum: bytes,
        blocks_sum: num(row.blocks_changed),
        duration_count: seconds === null ? 0 : 1,
        duration_s_sum: seconds ?? 0,
        change_count: changed ? 1 : 0,
        change_bytes_sum: changed ? bytes : 0,
        change_interval_ms_sum: changed ? interval : 0,
      },
      values: { duration_histogram: seconds !== null && seconds >= 0 ? seconds : null },
    });
  }
  return facts;
}

export const CBT_SPEC: RollupSpec<
  (typeof CBT_DIMS)[number],
  (typeof CBT_SUMS)[number],
  'duration_histogram'
> = {
  name: 'cbt_syncs_hourly',
  table: 'omi_rollup_cbt_hourly',
  dailyTable: 'omi_rollup_cbt_daily',
  dimensions: CBT_DIMS,
  groupingSets: groupingSets('sync_type', ['vcenter', 'datacenter', 'replication_type', 'vm_group']),
  sums: CBT_SUMS,
  histograms: DURATION,
  dimensionFilters: {
    vcenter: 'vcenter',
    datacenter: 'datacenter',
    replication_type: 'replication_type',
    vm_group: 'vm_group',
  },
  applicableFilters: async () => ALL_FILTERS,
  facts: cbtFacts,
  firstMs: async (store) => {
    if ((await cbtTimesMark(store)) !== null) {
      const row = await store.db
        .selectFrom('omi_cbt_sync_times')
        .select((eb) => eb.fn.min('created_ms').as('first'))
        .where('created_ms', '>=', 0)
        .executeTakeFirst();
      return row?.first === null || row?.first === undefined ? null : Number(row.first);
    }
    return firstEnd(
      store,
      (since) =>
        store.db
          .selectFrom('cbt_history')
          .select((eb) => eb.fn.min('created_at').as('first'))
          .where('created_at', '>=', since)
          .executeTakeFirst(),
      (r) => r.first,
    );
  },
};

// --- Volume operations ----------------------------------------------------------------------

const OUTCOME_DIMS = ['vcenter', 'datacenter'] as const;
/** What volume operations and CloudStack jobs both sum, after their count (see outcomeSums). */
const OUTCOME_SUMS = ['completed', 'failed', 'cancelled', 'duration_count', 'duration_ms_sum'] as const;
const VOLUME_SUMS = ['operations', ...OUTCOME_SUMS] as const;
type VolumeDims = (typeof OUTCOME_DIMS)[number] | 'operation_type';
export type VolumeFact = Fact<VolumeDims, (typeof VOLUME_SUMS)[number], 'duration_histogram'>;

/** VM context filters: volume operations and CloudStack jobs carry a context, not a job. */
const CONTEXT_FILTERS: readonly FilterName[] = ['vcenter', 'datacenter', 'vm'];

const outcomeSums = (status: string, durationMs: number | null) => ({
  completed: status === 'completed' ? 1 : 0,
  failed: status === 'failed' ? 1 : 0,
  cancelled: status === 'cancelled' ? 1 : 0,
  duration_count: durationMs === null ? 0 : 1,
  duration_ms_sum: durationMs ?? 0,
});

/**
 * Finished volume operations completed in [from, to), with their VM context (vm_id = context_id):
 * through our completion-time index once it exists (volume-times.ts), else by reading every
 * finished row (the OMA has no index on completed_at).
 */
async function volumeFacts(
  store: Store,
  fromMs: number,
  toMs: number,
  filters: Filters,
): Promise<VolumeFact[]> {
  const base = () => {
    let query = store.db
      .selectFrom('volume_operations as v')
      .leftJoin('vm_replication_contexts as x', 'x.context_id', 'v.vm_id')
      .select(['v.type', 'v.status', 'v.created_at', 'v.completed_at', 'x.vcenter_host', 'x.datacenter'])
      .where('v.status', 'in', FINISHED_STATUSES)
      .where('v.completed_at', '>=', store.time.toDb(fromMs))
      .where('v.completed_at', '<', store.time.toDb(toMs));
    if (filters.vcenter !== undefined) query = query.where('x.vcenter_host', '=', filters.vcenter);
    if (filters.datacenter !== undefined) query = query.where('x.datacenter', '=', filters.datacenter);
    if (filters.vm !== undefined) query = query.where('x.vm_name', '=', filters.vm);
    return query;
  };
  const mark = await volumeOpTimesMark(store);
  const parts =
    mark === null
      ? [base().execute()]
      : [
          base()
            .innerJoin('omi_volume_op_times as i', 'i.op_id', 'v.id')
            .where((eb) =>
              eb.or([
                eb.and([eb('i.completed_ms', '>=', fromMs), eb('i.completed_ms', '<', toMs)]),
                eb('i.completed_ms', 'is', null),
              ]),
            )
            .execute(),
          base()
            .leftJoin('omi_volume_op_times as n', 'n.op_id', 'v.id')
            .where('n.op_id', 'is', null)
            .where((eb) =>
              eb.or([
                eb('v.created_at', '>=', store.time.toDb(Math.max(0, mark - CREATED_MARGIN_MS))),
                eb('v.created_at', 'is', null),
              ]),
            )
            .execute(),
        ];
  const rows = (await Promise.all(parts)).flat();
  const facts: VolumeFact[] = [];
  for (const row of rows) {
    const atMs = store.time.toMs(row.completed_at);
    if (atMs === null) continue;
    const durationMs = ms(store.time.toMs(row.created_at), atMs);
    facts.push({
      atMs,
      dims: { vcenter: row.vcenter_host ?? '', datacenter: row.datacenter ?? '', operation_type: row.type },
      sums: { operations: 1, ...outcomeSums(row.status, durationMs) },
      values: { duration_histogram: durationMs === null ? null : durationMs / 1000 },
    });
  }
  return facts;
}

export const VOLUME_SPEC: RollupSpec<VolumeDims, (typeof VOLUME_SUMS)[number], 'duration_histogram'> = {
  name: 'volume_operations_hourly',
  table: 'omi_rollup_volume_ops_hourly',
  dailyTable: 'omi_rollup_volume_ops_daily',
  dimensions: [...OUTCOME_DIMS, 'operation_type'],
  groupingSets: groupingSets<VolumeDims>('operation_type', OUTCOME_DIMS),
  sums: VOLUME_SUMS,
  histograms: DURATION,
  dimensionFilters: { vcenter: 'vcenter', datacenter: 'datacenter' },
  applicableFilters: async () => CONTEXT_FILTERS,
  facts: volumeFacts,
  firstMs: (store) =>
    firstEnd(
      store,
      (since) =>
        store.db
          .selectFrom('volume_operations')
          .select((eb) => eb.fn.min('completed_at').as('first'))
          .where('status', 'in', FINISHED_STATUSES)
          .where('completed_at', '>=', since)
          .executeTakeFirst(),
      (r) => r.first,
    ),
};

// --- CloudStack jobs ------------------------------------------------------------------------

/**
 * Which table holds this OMA's CloudStack jobs: cloudstack_job_tracking where a version has it
 * (it holds nothing else), else job_tracking; null when neither exists.
 */
export async function cloudstackJobTable(
  store: Pick<Db, 'db'> & ProbeMemo,
): Promise<CloudstackJobTable | null> {
  if (await hasTable(store.db, 'cloudstack_job_tracking', store)) return 'cloudstack_job_tracking';
  if (await hasTable(store.db, 'job_tracking', store)) return 'job_tracking';
  return null;
}

const CLOUDSTACK_SUMS = ['jobs', ...OUTCOME_SUMS] as const;
type CloudstackDims = (typeof OUTCOME_DIMS)[number] | 'operation';
export type CloudstackFact = Fact<CloudstackDims, (typeof CLOUDSTACK_SUMS)[number], 'duration_histogram'>;

function cloudstackFact(
  store: Store,
  row: { status: string | null; completed_at: string | null; started: string | null; operation: string },
  context: { vcenter_host: string | null; datacenter: string | null },
): CloudstackFact | null {
  const atMs = store.time.toMs(row.completed_at);
  if (atMs === null) return null;
  const durationMs = ms(store.time.toMs(row.started), atMs);
  return {
    atMs,
    dims: {
      vcenter: context.vcenter_host ?? '',
      datacenter: context.datacenter ?? '',
      operation: row.operation,
    },
    sums: { jobs: 1, ...outcomeSums(row.status ?? '', durationMs) },
    values: { duration_histogram: durationMs === null ? null : durationMs / 1000 },
  };
}

/** Finished CloudStack jobs completed in [from, to) from whichever table this OMA has. */
async function cloudstackFacts(
  store: Store,
  fromMs: number,
  toMs: number,
  filters: Filters,
): Promise<CloudstackFact[]> {
  const table = await cloudstackJobTable(store);
  const [from, to] = [store.time.toDb(fromMs), store.time.toDb(toMs)];
  const facts: CloudstackFact[] = [];
  if (table === 'job_tracking') {
    let query = store.db
      .selectFrom('job_tracking as t')
      .leftJoin('vm_replication_contexts as x', 'x.context_id', 't.context_id')
      .select(['t.operation', 't.status', 't.started_at', 't.completed_at', 'x.vcenter_host', 'x.datacenter'])
      .where((eb) => eb.or([eb('t.job_type', '=', 'cloudstack'), eb('t.cloudstack_job_id', 'is not', null)]))
      .where('t.status', 'in', FINISHED_STATUSES)
      .where('t.completed_at', '>=', from)
      .where('t.completed_at', '<', to);
    if (filters.vcenter !== undefined) query = query.where('x.vcenter_host', '=', filters.vcenter);
    if (filters.datacenter !== undefined) query = query.where('x.datacenter', '=', filters.datacenter);
    if (filters.vm !== undefined) query = query.where('x.vm_name', '=', filters.vm);
    for (const row of await query.execute()) {
      const fact = cloudstackFact(store, { ...row, started: row.started_at }, row);
      if (fact) facts.push(fact);
    }
  } else if (table === 'cloudstack_job_tracking') {
    const rows = await store.db
      .selectFrom('cloudstack_job_tracking')
      .select(['status', 'completed_at', 'initiated_at', 'operation_type', 'cloudstack_command'])
      .where('status', 'in', FINISHED_STATUSES)
      .where('completed_at', '>=', from)
      .where('completed_at', '<', to)
      .execute();
    const none = { vcenter_host: null, datacenter: null };
    for (const row of rows) {
      const operation = row.operation_type || row.cloudstack_command || '';
      const fact = cloudstackFact(store, { ...row, started: row.initiated_at, operation }, none);
      if (fact) facts.push(fact);
    }
  }
  return facts;
}

export const CLOUDSTACK_SPEC: RollupSpec<
  CloudstackDims,
  (typeof CLOUDSTACK_SUMS)[number],
  'duration_histogram'
> = {
  name: 'cloudstack_jobs_hourly',
  table: 'omi_rollup_cloudstack_jobs_hourly',
  dailyTable: 'omi_rollup_cloudstack_jobs_daily',
  dimensions: [...OUTCOME_DIMS, 'operation'],
  groupingSets: groupingSets<CloudstackDims>('operation', OUTCOME_DIMS),
  sums: CLOUDSTACK_SUMS,
  histograms: DURATION,
  dimensionFilters: { vcenter: 'vcenter', datacenter: 'datacenter' },
  // Rolled up afresh when the OMA's CloudStack table changes (rows of one never mix with the other's).
  stateName: async (store) => {
    const table = await cloudstackJobTable(store);
    return table === 'job_tracking' ? 'cloudstack_jobs_hourly' : `cloudstack_jobs_hourly:${table ?? 'none'}`;
  },
  // cloudstack_job_tracking rows name no VM context.
  applicableFilters: async (store) =>
    (await cloudstackJobTable(store)) === 'job_tracking' ? CONTEXT_FILTERS : [],
  facts: cloudstackFacts,
  firstMs: async (store) => {
    const table = await cloudstackJobTable(store);
    if (table === null) return null;
    const { rows } = await sql<{ first: string | null }>`select min(completed_at) as ${sql.id('first')}
      from ${sql.table(table)} where status in (${sql.join(FINISHED_STATUSES)})
      and completed_at >= ${store.time.toDb(0)}`.execute(store.db);
    return store.time.toMs(rows[0]?.first ?? null);
  },
};

/** The kinds the ops maintenance rolls up, each with its own omi_rollup_state row. */
export const OPS_ROLLUPS = [CBT_SPEC, VOLUME_SPEC, CLOUDSTACK_SPEC] as const;
