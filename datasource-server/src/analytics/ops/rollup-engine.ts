// Hourly rollups described by a spec (table, dimensions, summed columns, histograms, how to read
// the raw rows as facts), for CBT syncs, volume operations and CloudStack jobs; and the read
// path every ops figure takes: whole rolled-up hours from the rollup table, the rest (partial
// first and last hours, hours not rolled up yet, every hour with a vm filter or an interval that
// is not whole hours) from the raw rows, both through the same aggregation. Counts and sums
// therefore equal a raw computation; percentiles are within the histogram's bound.
import type { Transaction } from 'kysely';
import type { Db } from '../../db/connect';
import { inTransaction } from '../../db/dialect';
import type { Database } from '../../db/schema';
import { Histogram } from '../histogram/histogram';
import { hourOf, HOUR_MS, type JobFilters } from '../rollups/job-facts';

const DAY_MS = 24 * HOUR_MS;
import {
  LATE_HOURS,
  markRolledUpTo,
  rolledUpTo,
  RollupRangeError,
  type RollupResult,
} from '../rollups/roll-up';
import { bucketStarts } from '../trends/migration-trends';

export type Filters = JobFilters;
export type FilterName = keyof Filters;

/** A raw row as a rollup sees it: its end time, dimension values, summands and histogram values. */
export interface Fact<D extends string, S extends string, H extends string> {
  atMs: number;
  dims: Record<D, string>;
  sums: Record<S, number>;
  /** Null: the row has no such value (e.g. no duration). */
  values: Record<H, number | null>;
}

export interface Aggregate<S extends string, H extends string> {
  sums: Record<S, number>;
  histograms: Record<H, Histogram>;
}

export type DailyTable =
  'omi_rollup_cbt_daily' | 'omi_rollup_volume_ops_daily' | 'omi_rollup_cloudstack_jobs_daily';

export type RollupTable =
  'omi_rollup_cbt_hourly' | 'omi_rollup_volume_ops_hourly' | 'omi_rollup_cloudstack_jobs_hourly';

/**
 * Rows of a rollup that carry only some dimension values ('' for the others): an hour has a few
 * hundred rows but the product of every dimension has more combinations, so rows keyed by all of
 * them barely compress. A reader takes the smallest set that carries what it groups and filters by.
 */
export interface GroupingSet<D extends string> {
  /** The rollup rows' `grouping` column. */
  grouping: string;
  carries: readonly D[];
}

/** The set keyed by every dimension (its `grouping` is 'full'). */
export const FULL_GROUPING = 'full';

export interface RollupSpec<D extends string, S extends string, H extends string> {
  /** Its omi_rollup_state row (unless stateName says otherwise). */
  name: string;
  /**
   * The omi_rollup_state row when it depends on the database (e.g. which table the rows come
   * from): a new name starts the rollup afresh.
   */
  stateName?(store: Pick<Db, 'db'>): Promise<string>;
  table: RollupTable;
  /**
   * The same rows merged per UTC day (same columns), for each day whose every hour is rolled up:
   * a read over whole days takes a row per day instead of 24.
   */
  dailyTable?: DailyTable;
  dimensions: readonly D[];
  /**
   * Smallest first, the last carrying every dimension (FULL_GROUPING); each row is in one set.
   * Absent: the table has no grouping column and one row per hour and combination of all.
   */
  groupingSets?: readonly GroupingSet<D>[];
  sums: readonly S[];
  histograms: readonly H[];
  /** Request filters that are rollup dimensions (vm never is: it reads raw rows). */
  dimensionFilters: Partial<Record<FilterName, D>>;
  /** The request filters these rows carry a value for; the others do not narrow them. */
  applicableFilters(store: Pick<Db, 'db'>): Promise<readonly FilterName[]>;
  /** Rows ending in [fromMs, toMs), narrowed by the (applicable) filters. */
  facts(
    store: Pick<Db, 'db' | 'time'>,
    fromMs: number,
    toMs: number,
    filters: Filters,
  ): Promise<Fact<D, S, H>[]>;
  /** End time of the earliest row (where a backfill starts); null when there is none. */
  firstMs(store: Pick<Db, 'db' | 'time'>): Promise<number | null>;
}

type AnySpec = RollupSpec<any, any, any>;
type DimsOf<T> = T extends RollupSpec<infer D, string, string> ? D : never;
type SumsOf<T> = T extends RollupSpec<string, infer S, string> ? S : never;
type HistsOf<T> = T extends RollupSpec<string, string, infer H> ? H : never;
export type AggregateOf<T extends AnySpec> = Aggregate<SumsOf<T>, HistsOf<T>>;

export function emptyAggregate<S extends string, H extends string>(
  spec: Pick<RollupSpec<string, S, H>, 'sums' | 'histograms'>,
): Aggregate<S, H> {
  return {
    sums: Object.fromEntries(spec.sums.map((s) => [s, 0])) as Record<S, number>,
    histograms: Object.fromEntries(spec.histograms.map((h) => [h, new Histogram()])) as Record<H, Histogram>,
  };
}

export function addFact<S extends string, H extends string>(
  into: Aggregate<S, H>,
  fact: Pick<Fact<string, S, H>, 'sums' | 'values'>,
) {
  for (const s of Object.keys(into.sums) as S[]) into.sums[s] += fact.sums[s];
  for (const h of Object.keys(into.histograms) as H[]) {
    const value = fact.values[h];
    if (value !== null) into.histograms[h].add(value);
  }
  return into;
}

export function mergeAggregate<S extends string, H extends string>(
  into: Aggregate<S, H>,
  other: Aggregate<S, H>,
) {
  for (const s of Object.keys(into.sums) as S[]) into.sums[s] += other.sums[s];
  for (const h of Object.keys(into.histograms) as H[]) into.histograms[h].merge(other.histograms[h]);
  return into;
}

/** The smallest grouping set of the spec that carries every dimension in `needed`; null: the spec has none. */
export function groupingFor<D extends string>(
  spec: Pick<RollupSpec<D, string, string>, 'groupingSets'>,
  needed: readonly D[],
): GroupingSet<D> | null {
  if (!spec.groupingSets) return null;
  const set = spec.groupingSets.find((s) => needed.every((d) => s.carries.includes(d)));
  if (!set) throw new Error(`No grouping set carries ${needed.join(', ')}`);
  return set;
}

/** The rollup rows of some facts: one per hour, grouping set and combination of its dimensions. Pure. */
export function rollupRows<D extends string, S extends string, H extends string>(
  spec: RollupSpec<D, S, H>,
  facts: readonly Fact<D, S, H>[],
): Record<string, string | number>[] {
  const sets: readonly (GroupingSet<D> | null)[] = spec.groupingSets ?? [null];
  const groups = new Map<
    string,
    { bucket: number; set: GroupingSet<D> | null; dims: Record<D, string>; aggregate: Aggregate<S, H> }
  >();
  for (const fact of facts) {
    const bucket = hourOf(fact.atMs);
    for (const set of sets) {
      const dims = Object.fromEntries(
        spec.dimensions.map((d) => [d, !set || set.carries.includes(d) ? fact.dims[d] : '']),
      ) as Record<D, string>;
      const key = JSON.stringify([bucket, set?.grouping ?? null, ...spec.dimensions.map((d) => dims[d])]);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { bucket, set, dims, aggregate: emptyAggregate(spec) }));
      addFact(group.aggregate, fact);
    }
  }
  return [...groups.values()].map(({ bucket, set, dims, aggregate }) => ({
    ...(set ? { grouping: set.grouping } : {}),
    bucket_start_ms: bucket,
    ...Object.fromEntries(spec.dimensions.map((d) => [d, dims[d]])),
    ...aggregate.sums,
    ...Object.fromEntries(spec.histograms.map((h) => [h, aggregate.histograms[h].serialize()])),
  }));
}

/** An hourly or daily rollup row's aggregate. */
function rowAggregate<S extends string, H extends string>(
  spec: Pick<RollupSpec<string, S, H>, 'sums' | 'histograms'>,
  row: Record<string, unknown>,
): Aggregate<S, H> {
  return mergeRow(emptyAggregate(spec), spec, row);
}

/** Adds a rollup row into an aggregate, as mergeAggregate with its rowAggregate but without one per row. */
function mergeRow<S extends string, H extends string>(
  into: Aggregate<S, H>,
  spec: Pick<RollupSpec<string, S, H>, 'sums' | 'histograms'>,
  row: Record<string, unknown>,
): Aggregate<S, H> {
  for (const s of spec.sums) into.sums[s] += Number(row[s]);
  for (const h of spec.histograms) into.histograms[h].mergeSerialized(String(row[h]));
  return into;
}

/**
 * Replaces the daily rows of each UTC day that has an hour in [start, end) and ends by `end`
 * (every hour before `end` is rolled up) with its hourly rows merged.
 */
async function rollUpDays(
  trx: Transaction<Database>,
  spec: AnySpec,
  dailyTable: DailyTable,
  start: number,
  end: number,
) {
  const sets: readonly (string | null)[] = spec.groupingSets?.map((s: GroupingSet<string>) => s.grouping) ?? [
    null,
  ];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day + DAY_MS <= end; day += DAY_MS) {
    const hours = (await trx
      .selectFrom(spec.table)
      .selectAll()
      .where('bucket_start_ms', '>=', day)
      .where('bucket_start_ms', '<', day + DAY_MS)
      .execute()) as Record<string, unknown>[];
    const merged = new Map<string, { row: Record<string, unknown>; aggregate: AggregateOf<AnySpec> }>();
    for (const row of hours) {
      const key = JSON.stringify([
        sets[0] === null ? null : row.grouping,
        ...spec.dimensions.map((d) => row[d]),
      ]);
      const into = merged.get(key);
      if (into) mergeAggregate(into.aggregate, rowAggregate(spec, row));
      else merged.set(key, { row, aggregate: rowAggregate(spec, row) });
    }
    const rows = [...merged.values()].map(({ row, aggregate }) => ({
      ...(sets[0] === null ? {} : { grouping: row.grouping }),
      bucket_start_ms: day,
      ...Object.fromEntries(spec.dimensions.map((d) => [d, row[d]])),
      ...aggregate.sums,
      ...Object.fromEntries(spec.histograms.map((h) => [h, aggregate.histograms[h].serialize()])),
    }));
    await trx.deleteFrom(dailyTable).where('bucket_start_ms', '=', day).execute();
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await trx
        .insertInto(dailyTable)
        .values(rows.slice(i, i + INSERT_BATCH) as never)
        .execute();
    }
  }
}

/** Hours replaced per transaction, and rows per insert. */
const CHUNK_HOURS = 24;
const INSERT_BATCH = 200;

/**
 * Replaces the rollup rows of every hour in [fromHourMs, toHourMs) with what the raw rows hold
 * now, a day per transaction, advancing the spec's mark with each day.
 */
export async function rollUpKindHours(
  store: Db,
  spec: AnySpec,
  fromHourMs: number,
  toHourMs: number,
  afterChunk?: (trx: Transaction<Database>, chunkEndMs: number) => Promise<void>,
): Promise<RollupResult> {
  if (hourOf(fromHourMs) !== fromHourMs || hourOf(toHourMs) !== toHourMs || toHourMs < fromHourMs) {
    throw new RollupRangeError(
      `A rollup range is whole hours, from before to: ${new Date(fromHourMs).toISOString()} .. ${new Date(toHourMs).toISOString()}`,
    );
  }
  const result: RollupResult = { hours: (toHourMs - fromHourMs) / HOUR_MS, rows: 0, jobs: 0 };
  for (let start = fromHourMs; start < toHourMs; start += CHUNK_HOURS * HOUR_MS) {
    const end = Math.min(toHourMs, start + CHUNK_HOURS * HOUR_MS);
    const facts = await spec.facts(store, start, end, {});
    const rows = rollupRows(spec, facts);
    await inTransaction(store, async (trx) => {
      await trx
        .deleteFrom(spec.table)
        .where('bucket_start_ms', '>=', start)
        .where('bucket_start_ms', '<', end)
        .execute();
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await trx
          .insertInto(spec.table)
          .values(rows.slice(i, i + INSERT_BATCH) as never)
          .execute();
      }
      if (spec.dailyTable) await rollUpDays(trx, spec, spec.dailyTable, start, end);
      await afterChunk?.(trx, end);
    });
    result.rows += rows.length;
    result.jobs += facts.length;
  }
  return result;
}

const stateNameOf = (store: Pick<Db, 'db'>, spec: AnySpec) =>
  spec.stateName ? spec.stateName(store) : Promise.resolve(spec.name);

/** Every hour before this is in the spec's rollup table; null when it has to start afresh. */
export async function rollupMark(store: Pick<Db, 'db'>, spec: AnySpec): Promise<number | null> {
  return rolledUpTo(store, await stateNameOf(store, spec));
}

/**
 * Rolls up every complete hour of one kind not yet rolled up, and the last LATE_HOURS again;
 * on the first run (for its state name) from the hour of its earliest row, after removing any
 * rows left from another source (the backfill). Idempotent.
 */
export async function rollUpKindPending(
  store: Db,
  spec: AnySpec,
  nowMs: number,
): Promise<RollupResult & { toMs: number }> {
  const toMs = hourOf(nowMs);
  const name = await stateNameOf(store, spec);
  const mark = await rolledUpTo(store, name);
  let fromMs: number;
  if (mark !== null) fromMs = Math.min(toMs, Math.max(0, mark - LATE_HOURS * HOUR_MS));
  else {
    await store.db.deleteFrom(spec.table).execute();
    if (spec.dailyTable) await store.db.deleteFrom(spec.dailyTable).execute();
    const firstMs = await spec.firstMs(store);
    fromMs = firstMs === null ? toMs : Math.min(toMs, hourOf(firstMs));
  }
  const mark_ = (trx: Transaction<Database>, endMs: number) => markRolledUpTo(trx, store, endMs, name);
  const result = await rollUpKindHours(store, spec, fromMs, toMs, mark_);
  if (fromMs === toMs) await inTransaction(store, (trx) => mark_(trx, toMs));
  return { ...result, toMs };
}

export interface BucketedRequest {
  fromMs: number;
  toMs: number;
  /** Null: one bucket, the whole range. */
  intervalMs: number | null;
  filters: Filters;
}

export interface Sources {
  rollup_hours: number;
  raw_ranges: { from: string; to: string }[];
}

export interface Group<D extends string, S extends string, H extends string> {
  dims: Partial<Record<D, string>>;
  aggregate: Aggregate<S, H>;
}

export interface Bucketed<D extends string, S extends string, H extends string> {
  starts: number[];
  /** Per bucket, the groups by the requested dimensions (key: their values as JSON). */
  buckets: Map<string, Group<D, S, H>>[];
  sources: Sources;
  /** Filters given that do not apply to these rows (they were not used). */
  notApplied: FilterName[];
}

/** Which whole hours [from, to) the rollups answer for; null: none. */
function rollupSpan(req: BucketedRequest, mark: number | null): { from: number; to: number } | null {
  if (mark === null || req.filters.vm !== undefined) return null;
  if (req.intervalMs !== null && req.intervalMs % HOUR_MS !== 0) return null;
  const from = Math.ceil(req.fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.min(Math.floor(req.toMs / HOUR_MS) * HOUR_MS, mark);
  return from < to ? { from, to } : null;
}

/** The given filters split into those that narrow the spec's rows and those its rows carry no value for. */
export async function splitFilters(
  store: Pick<Db, 'db' | 'time'>,
  spec: AnySpec,
  given: Filters,
): Promise<{ filters: Filters; notApplied: FilterName[] }> {
  const applicable = await spec.applicableFilters(store);
  const filters: Filters = {};
  const notApplied: FilterName[] = [];
  for (const [name, value] of Object.entries(given) as [FilterName, string | undefined][]) {
    if (value === undefined) continue;
    if (applicable.includes(name)) filters[name] = value;
    else notApplied.push(name);
  }
  return { filters, notApplied };
}

/**
 * The spec's figures over [from, to) per bucket and per combination of `groupBy` dimensions,
 * narrowed by the filters that apply to its rows.
 */
export async function readBucketed<T extends AnySpec>(
  store: Pick<Db, 'db' | 'time'>,
  spec: T,
  req: BucketedRequest,
  groupBy: readonly DimsOf<T>[] = [],
): Promise<Bucketed<DimsOf<T>, SumsOf<T>, HistsOf<T>>> {
  type D = DimsOf<T>;
  type S = SumsOf<T>;
  type H = HistsOf<T>;
  const starts = req.intervalMs === null ? [req.fromMs] : bucketStarts(req.fromMs, req.toMs, req.intervalMs);
  const buckets = starts.map(() => new Map<string, Group<D, S, H>>());
  const bucketOf = (ms: number) =>
    buckets[req.intervalMs === null ? 0 : Math.floor((ms - starts[0]) / req.intervalMs)];
  const groupOf = (bucket: Map<string, Group<D, S, H>>, dims: Record<string, unknown>) => {
    const values = groupBy.map((d) => String(dims[d] ?? ''));
    const key = JSON.stringify(values);
    let group = bucket.get(key);
    if (!group) {
      const groupDims = Object.fromEntries(groupBy.map((d, i) => [d, values[i]])) as Partial<
        Record<D, string>
      >;
      bucket.set(key, (group = { dims: groupDims, aggregate: emptyAggregate<S, H>(spec) }));
    }
    return group.aggregate;
  };

  const { filters, notApplied } = await splitFilters(store, spec, req.filters);
  const narrowed = { ...req, filters };

  const span = rollupSpan(narrowed, await rollupMark(store, spec));
  const rawRanges = span
    ? [
        { from: req.fromMs, to: span.from },
        { from: span.to, to: req.toMs },
      ].filter((r) => r.from < r.to)
    : [{ from: req.fromMs, to: req.toMs }];

  const readRollups = async (span: { from: number; to: number }) => {
    const filtered: D[] = [];
    for (const name of Object.keys(filters) as FilterName[]) {
      const column = spec.dimensionFilters[name] as D | undefined;
      if (column) filtered.push(column);
    }
    const set = groupingFor<D>(spec, [...groupBy, ...filtered]);
    const readRows = async (table: RollupTable | DailyTable, from: number, to: number) => {
      if (!(from < to)) return;
      let query = store.db
        .selectFrom(table)
        .select(['bucket_start_ms', ...groupBy, ...spec.sums, ...spec.histograms] as never[])
        .where('bucket_start_ms', '>=', from)
        .where('bucket_start_ms', '<', to);
      for (const [name, value] of Object.entries(filters) as [FilterName, string][]) {
        const column = spec.dimensionFilters[name];
        if (column) query = query.where(column as never, '=', value as never);
      }
      if (set) query = query.where('grouping' as never, '=', set.grouping as never);
      for (const row of (await query.execute()) as Record<string, string | number>[]) {
        mergeRow(groupOf(bucketOf(Number(row.bucket_start_ms)), row), spec, row);
      }
    };
    // Whole UTC days from the daily rows when every bucket is whole days (so a day lies in one).
    const byDay = spec.dailyTable && (req.intervalMs === null || req.intervalMs % DAY_MS === 0);
    const days = {
      from: Math.ceil(span.from / DAY_MS) * DAY_MS,
      to: Math.floor(span.to / DAY_MS) * DAY_MS,
    };
    if (byDay && days.from < days.to) {
      await Promise.all([
        readRows(spec.table, span.from, days.from),
        readRows(spec.dailyTable!, days.from, days.to),
        readRows(spec.table, days.to, span.to),
      ]);
    } else await readRows(spec.table, span.from, span.to);
  };
  // Rollup rows and raw rows at once (adding and merging are exact in any order).
  const [, rawFacts] = await Promise.all([
    span ? readRollups(span) : null,
    Promise.all(rawRanges.map((range) => spec.facts(store, range.from, range.to, filters))),
  ]);
  for (const facts of rawFacts) {
    for (const fact of facts) addFact(groupOf(bucketOf(fact.atMs), fact.dims), fact);
  }

  return {
    starts,
    buckets,
    notApplied,
    sources: {
      rollup_hours: span ? (span.to - span.from) / HOUR_MS : 0,
      raw_ranges: rawRanges.map((r) => ({
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
      })),
    },
  };
}

/** Every group of a bucket merged into one. */
export function total<S extends string, H extends string>(
  spec: Pick<RollupSpec<string, S, H>, 'sums' | 'histograms'>,
  groups: Iterable<Group<string, S, H>>,
): Aggregate<S, H> {
  const into = emptyAggregate(spec);
  for (const g of groups) mergeAggregate(into, g.aggregate);
  return into;
}
