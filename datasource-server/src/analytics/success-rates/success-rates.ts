// Finished replication jobs per group (vCenter, datacenter, replication type, error class, or
// time bucket) with their success rate, read through rollups/read like the migration trends: the
// counts equal a raw computation over replication_jobs for any range and filter.
import {
  JOB_BUCKET_RULE,
  type SuccessRateGroup,
  type SuccessRatePoint,
  type SuccessRates,
} from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import type { JobFilters } from '../rollups/job-facts';
import type { JobDimension } from '../rollups/grouping-sets';
import { describeSources, readFinishedJobs, type RolledUpDimensions } from '../rollups/read';
import { bucketStarts } from '../trends/migration-trends';

export type SuccessRateGrouping = SuccessRates['group_by'];

export interface SuccessRatesRequest {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  groupBy: SuccessRateGrouping;
  filters: JobFilters;
}

interface Outcomes {
  completed: number;
  failed: number;
  cancelled: number;
}

const DIMENSION: Record<Exclude<SuccessRateGrouping, 'day'>, JobDimension> = {
  vcenter: 'vcenter',
  datacenter: 'datacenter',
  replication_type: 'replicationType',
  error_classification: 'errorClassification',
};

/** Outcome counts -> the API's figures; success rate is completed / finished. Pure. */
export function outcomeFigures(o: Outcomes) {
  const total = o.completed + o.failed + o.cancelled;
  return {
    total,
    completed: o.completed,
    failed: o.failed,
    cancelled: o.cancelled,
    success_rate: total ? Math.round((o.completed / total) * 1e6) / 1e6 : null,
  };
}

function count(into: Outcomes, status: string, jobs: number) {
  if (status === 'completed' || status === 'failed' || status === 'cancelled') into[status] += jobs;
}

export async function successRates(
  store: Pick<Db, 'db' | 'time'>,
  req: SuccessRatesRequest,
): Promise<SuccessRates> {
  const starts = bucketStarts(req.fromMs, req.toMs, req.intervalMs);
  const bucketIndex = (ms: number) => Math.floor((ms - starts[0]) / req.intervalMs);
  const byTime = req.groupBy === 'day';
  const dimension = req.groupBy === 'day' ? null : DIMENSION[req.groupBy];
  // group -> bucket index -> outcomes; '' (an absent dimension) is its own group.
  const cells = new Map<string, Map<number, Outcomes>>();
  const add = (dims: RolledUpDimensions, atMs: number, jobs: number) => {
    // The read carries the dimension asked for; '' (an absent value) is a group of its own.
    const group = dimension ? (dims[dimension] ?? '') : '';
    let row = cells.get(group);
    if (!row) cells.set(group, (row = new Map()));
    const i = bucketIndex(atMs);
    let cell = row.get(i);
    if (!cell) row.set(i, (cell = { completed: 0, failed: 0, cancelled: 0 }));
    count(cell, dims.status, jobs);
  };
  const sources = await readFinishedJobs(
    store,
    { ...req, dimensions: dimension ? [dimension] : [] },
    {
      rollup: (bucketStartMs, dims, jobs) => add(dims, bucketStartMs, jobs),
      fact: (fact) => add(fact, fact.completedAtMs, 1),
    },
    'counts',
  );

  const sum = (row: Iterable<Outcomes>) => {
    const total: Outcomes = { completed: 0, failed: 0, cancelled: 0 };
    for (const o of row) for (const k of ['completed', 'failed', 'cancelled'] as const) total[k] += o[k];
    return total;
  };
  let groups: SuccessRateGroup[];
  const series: SuccessRatePoint[] = [];
  if (byTime) {
    const row = cells.get('') ?? new Map<number, Outcomes>();
    groups = starts.map((start, i) => ({
      group: new Date(start).toISOString(),
      ...outcomeFigures(row.get(i) ?? { completed: 0, failed: 0, cancelled: 0 }),
    }));
  } else {
    groups = [...cells.entries()]
      .map(([group, row]) => ({ group: group === '' ? null : group, ...outcomeFigures(sum(row.values())) }))
      .sort((a, b) => b.total - a.total || String(a.group).localeCompare(String(b.group)));
    for (const g of groups) {
      const row = cells.get(g.group ?? '')!;
      for (const i of [...row.keys()].sort((a, b) => a - b)) {
        series.push({
          time: new Date(starts[i]).toISOString(),
          group: g.group,
          ...outcomeFigures(row.get(i)!),
        });
      }
    }
    series.sort((a, b) => a.time.localeCompare(b.time));
  }
  return {
    from: new Date(req.fromMs).toISOString(),
    to: new Date(req.toMs).toISOString(),
    interval_ms: req.intervalMs,
    group_by: req.groupBy,
    bucket_rule: JOB_BUCKET_RULE,
    sources: describeSources(sources),
    groups,
    series,
  };
}
