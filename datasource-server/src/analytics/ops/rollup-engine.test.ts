import { Histogram } from '../histogram/histogram';
import { changeRate, ratio } from './measures';
import {
  addFact,
  emptyAggregate,
  groupingFor,
  mergeAggregate,
  rollupRows,
  type RollupSpec,
} from './rollup-engine';

const HOUR = 3_600_000;
const spec = {
  name: 'test',
  table: 'omi_rollup_volume_ops_hourly',
  dimensions: ['vcenter', 'operation_type'],
  sums: ['operations', 'failed'],
  histograms: ['duration_histogram'],
  dimensionFilters: {},
  applicableFilters: async () => [],
  facts: async () => [],
  firstMs: async () => null,
} satisfies RollupSpec<'vcenter' | 'operation_type', 'operations' | 'failed', 'duration_histogram'>;

const fact = (atMs: number, vcenter: string, type: string, failed: boolean, seconds: number | null) => ({
  atMs,
  dims: { vcenter, operation_type: type },
  sums: { operations: 1, failed: failed ? 1 : 0 },
  values: { duration_histogram: seconds },
});

describe('rollupRows', () => {
  test('one row per UTC hour and combination of dimensions, with sums and a histogram', () => {
    const rows = rollupRows(spec, [
      fact(10 * HOUR + 1, 'vc-a', 'attach', false, 4),
      fact(10 * HOUR + 59 * 60_000, 'vc-a', 'attach', true, 600),
      fact(11 * HOUR, 'vc-a', 'attach', false, null),
      fact(10 * HOUR + 5, 'vc-b', 'attach', false, 2),
      fact(10 * HOUR + 6, 'vc-a', 'detach', false, 3),
    ]);
    expect(rows.map(({ duration_histogram: _h, ...r }) => r)).toEqual([
      { bucket_start_ms: 10 * HOUR, vcenter: 'vc-a', operation_type: 'attach', operations: 2, failed: 1 },
      { bucket_start_ms: 11 * HOUR, vcenter: 'vc-a', operation_type: 'attach', operations: 1, failed: 0 },
      { bucket_start_ms: 10 * HOUR, vcenter: 'vc-b', operation_type: 'attach', operations: 1, failed: 0 },
      { bucket_start_ms: 10 * HOUR, vcenter: 'vc-a', operation_type: 'detach', operations: 1, failed: 0 },
    ]);
    const first = Histogram.deserialize(String(rows[0].duration_histogram));
    expect(first.count()).toBe(2);
    // A row without a duration adds to the counts, not to the histogram.
    expect(Histogram.deserialize(String(rows[1].duration_histogram)).count()).toBe(0);
  });
});

describe('grouping sets', () => {
  const grouped = {
    ...spec,
    groupingSets: [
      { grouping: 'operation_type', carries: ['operation_type'] },
      { grouping: 'full', carries: ['operation_type', 'vcenter'] },
    ],
  } satisfies RollupSpec<'vcenter' | 'operation_type', 'operations' | 'failed', 'duration_histogram'>;

  test('every fact is in one row of each set; a set stores "" for a dimension it does not carry', () => {
    const facts = [
      fact(10 * HOUR + 1, 'vc-a', 'attach', false, 4),
      fact(10 * HOUR + 2, 'vc-b', 'attach', true, 600),
      fact(10 * HOUR + 3, 'vc-b', 'detach', false, null),
      fact(11 * HOUR, 'vc-a', 'attach', false, 8),
    ];
    const rows = rollupRows(grouped, facts);
    const of = (grouping: string) =>
      rows.filter((r) => r.grouping === grouping).map(({ duration_histogram: _h, ...r }) => r);
    expect(of('operation_type')).toEqual([
      {
        grouping: 'operation_type',
        bucket_start_ms: 10 * HOUR,
        vcenter: '',
        operation_type: 'attach',
        operations: 2,
        failed: 1,
      },
      {
        grouping: 'operation_type',
        bucket_start_ms: 10 * HOUR,
        vcenter: '',
        operation_type: 'detach',
        operations: 1,
        failed: 0,
      },
      {
        grouping: 'operation_type',
        bucket_start_ms: 11 * HOUR,
        vcenter: '',
        operation_type: 'attach',
        operations: 1,
        failed: 0,
      },
    ]);
    expect(of('full')).toHaveLength(4);
    expect(rows).toHaveLength(7);
    for (const grouping of ['operation_type', 'full']) {
      const inSet = rows.filter((r) => r.grouping === grouping);
      expect(inSet.reduce((n, r) => n + Number(r.operations), 0)).toBe(facts.length);
      expect(inSet.reduce((n, r) => n + Histogram.deserialize(String(r.duration_histogram)).count(), 0)).toBe(
        3,
      );
    }
  });

  test('a reader takes the smallest set carrying what it groups and filters by', () => {
    expect(groupingFor(grouped, [])?.grouping).toBe('operation_type');
    expect(groupingFor(grouped, ['operation_type'])?.grouping).toBe('operation_type');
    expect(groupingFor(grouped, ['vcenter'])?.grouping).toBe('full');
    expect(groupingFor(grouped, ['vcenter', 'operation_type'])?.grouping).toBe('full');
    // A spec without sets has no grouping column.
    expect(groupingFor<'vcenter'>({}, ['vcenter'])).toBeNull();
  });
});

describe('aggregates', () => {
  test('merging two aggregates equals adding every fact to one', () => {
    const facts = Array.from({ length: 40 }, (_, i) =>
      fact(i * 60_000, 'vc', 'attach', i % 7 === 0, i * 1.5),
    );
    const whole = facts.reduce((a, f) => addFact(a, f), emptyAggregate(spec));
    const left = facts.slice(0, 13).reduce((a, f) => addFact(a, f), emptyAggregate(spec));
    const right = facts.slice(13).reduce((a, f) => addFact(a, f), emptyAggregate(spec));
    const merged = mergeAggregate(left, right);
    expect(merged.sums).toEqual(whole.sums);
    expect(merged.sums).toEqual({ operations: 40, failed: 6 });
    expect(merged.histograms.duration_histogram.serialize()).toBe(
      whole.histograms.duration_histogram.serialize(),
    );
  });
});

describe('measures', () => {
  test('ratios and change rates are null without a whole', () => {
    expect(ratio(1, 3)).toBe(0.333333);
    expect(ratio(0, 0)).toBeNull();
    expect(changeRate(7_200, 2 * HOUR)).toBe(3_600);
    expect(changeRate(10, 0)).toBeNull();
  });
});
