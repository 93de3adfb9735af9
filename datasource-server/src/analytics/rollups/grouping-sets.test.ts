import { Rng } from '../../demo/rng';
import {
  DIMENSION_COLUMN,
  groupFacts,
  groupingFor,
  GROUPING_SETS,
  JOB_DIMENSIONS,
  mergeGroups,
  toColumns,
  fromColumns,
} from './grouping-sets';
import { dayOf, DAY_MS, FINISHED_STATUSES, hourOf, HOUR_MS, type JobFact } from './job-facts';

function randomFacts(rng: Rng, n: number): JobFact[] {
  const pick = <T>(xs: readonly T[]) => xs[rng.int(0, xs.length - 1)];
  return Array.from({ length: n }, () => ({
    completedAtMs: 20_000 * DAY_MS + rng.int(0, 3 * DAY_MS - 1),
    vcenter: pick(['vc-1', 'vc-2', 'vc-3']),
    datacenter: pick(['dc-1', 'dc-2', '']),
    replicationType: pick(['initial', 'incremental']),
    vmGroup: pick(['', 'group-a']),
    errorClassification: pick(['', 'network', 'storage']),
    status: pick(FINISHED_STATUSES),
    bytes: rng.int(0, 1e9),
    durationMs: rng.chance(0.1) ? null : rng.int(0, 7_200_000),
    throughputBps: rng.chance(0.1) ? null : rng.int(1, 1e8),
  }));
}

/** Columns without the histogram texts' key order mattering: sorted rows as JSON. */
const canonical = (rows: ReturnType<typeof toColumns>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('job rollup grouping sets', () => {
  test('the reader takes the smallest set covering what it needs, else the full rows', () => {
    expect(groupingFor([]).grouping).toBe('status');
    expect(groupingFor(['vcenter', 'vcenter']).grouping).toBe('vcenter');
    expect(groupingFor(['replicationType']).grouping).toBe('replication_type');
    expect(groupingFor(['errorClassification']).grouping).toBe('error_classification');
    expect(groupingFor(['vmGroup']).grouping).toBe('vm_group');
    expect(groupingFor(['vcenter', 'datacenter']).grouping).toBe('full');
    expect(groupingFor(JOB_DIMENSIONS).grouping).toBe('full');
    expect(GROUPING_SETS.map((s) => s.grouping)).toEqual([
      'status',
      ...JOB_DIMENSIONS.map((d) => DIMENSION_COLUMN[d]),
      'full',
    ]);
  });

  test('every set holds every job once, with the dimensions it does not carry as ""', () => {
    const facts = randomFacts(new Rng(3), 3000);
    const groups = groupFacts(facts, hourOf);
    for (const set of GROUPING_SETS) {
      const rows = groups.filter((g) => g.grouping === set.grouping);
      expect(rows.reduce((n, g) => n + g.aggregate.jobs, 0)).toBe(facts.length);
      expect(rows.reduce((n, g) => n + g.aggregate.bytes, 0)).toBe(facts.reduce((n, f) => n + f.bytes, 0));
      for (const d of JOB_DIMENSIONS) {
        if (set.carries.includes(d)) continue;
        expect(rows.every((g) => g.dims[d] === '')).toBe(true);
      }
      // Per carried value and status, the jobs of the facts with that value.
      for (const d of set.carries) {
        for (const value of new Set(facts.map((f) => f[d]))) {
          for (const status of FINISHED_STATUSES) {
            const want = facts.filter((f) => f[d] === value && f.status === status).length;
            const got = rows
              .filter((g) => g.dims[d] === value && g.dims.status === status)
              .reduce((n, g) => n + g.aggregate.jobs, 0);
            expect({ set: set.grouping, value, status, jobs: got }).toEqual({
              set: set.grouping,
              value,
              status,
              jobs: want,
            });
          }
        }
      }
    }
    // The status set is at most three rows an hour.
    expect(groups.filter((g) => g.grouping === 'status').length).toBeLessThanOrEqual(3 * 72);
  });

  test('hourly rows merged into days equal the facts grouped by day, histograms included', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const facts = randomFacts(new Rng(seed), 500 * seed);
      // Through the columns, as the daily rollup reads the hourly table.
      const hourly = groupFacts(facts, hourOf).map(toColumns).map(fromColumns);
      expect(canonical(mergeGroups(hourly, dayOf).map(toColumns))).toEqual(
        canonical(groupFacts(facts, dayOf).map(toColumns)),
      );
    }
    expect(dayOf(5 * DAY_MS + 23 * HOUR_MS)).toBe(5 * DAY_MS);
  });
});
