import { FieldType, toDataFrame } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import { classifyFrames, num, resolveFailoverType, text, vmRowsCutAt } from './frames';
import { destinationFrame, recommendationFrame, vmFrame } from './test-utils/factory';

const identity = (v: string) => v;

describe('classifyFrames', () => {
  test('sorts frames by their columns, whatever their refIds, and ignores other shapes', () => {
    const vms = vmFrame([{ vm: 'a', source: 'net' }], 'X');
    const recs = recommendationFrame([{ source: 'net', rank: 1, id: 'd1', name: 'D1', score: 0.9 }], 'Y');
    const dst = destinationFrame([['d1', 'D1']], 'Z');
    const other = toDataFrame({ fields: [{ name: 'vm_name', type: FieldType.string, values: ['a'] }] });
    expect(classifyFrames([other, dst, recs, vms])).toEqual({
      vms: [vms],
      recommendations: [recs],
      destinations: [dst],
    });
  });
});

describe('cells', () => {
  const frame = toDataFrame({
    fields: [
      { name: 's', type: FieldType.string, values: ['x', '', null] },
      { name: 'n', type: FieldType.number, values: [1.5, '2', 'abc'] },
    ],
  });
  test('text: empty and null are null', () => {
    expect([0, 1, 2].map((i) => text(frame.fields[0], i))).toEqual(['x', null, null]);
    expect(text(undefined, 0)).toBeNull();
  });
  test('num: numbers and numeric strings; anything else is null', () => {
    expect([0, 1, 2].map((i) => num(frame.fields[1], i))).toEqual([1.5, 2, null]);
  });
});

describe('resolveFailoverType', () => {
  const recs = (failoverType?: string, extra: Partial<DataQuery> = {}) =>
    ({ refId: 'R', queryType: 'networkRecommendations', failoverType, ...extra }) as DataQuery;
  const frameFor = (failoverType: unknown) => {
    const frame = recommendationFrame([{ source: 'n', rank: 1, id: 'd', name: 'D', score: 1 }]);
    frame.meta = { custom: { failoverType } };
    return frame;
  };

  test('the failover type the server made the recommendations for wins', () => {
    expect(resolveFailoverType([frameFor('test')], [recs('live')], identity, 'live')).toEqual({
      failoverType: 'test',
      source: 'data',
    });
  });

  test("else the recommendations query's failover type, after template variables", () => {
    const replace = (v: string) => v.replace('$failover_type', 'test');
    expect(resolveFailoverType([frameFor('bogus')], [recs('$failover_type')], replace, 'live')).toEqual({
      failoverType: 'test',
      source: 'query',
    });
  });

  test('else the default: no such query, hidden, or no valid type', () => {
    expect(resolveFailoverType([], undefined, identity, 'test')).toEqual({
      failoverType: 'test',
      source: 'options',
    });
    expect(resolveFailoverType([], [recs('test', { hide: true })], identity, 'live').failoverType).toBe(
      'live',
    );
    expect(resolveFailoverType([], [recs('$unset')], identity, 'live')).toEqual({
      failoverType: 'live',
      source: 'options',
    });
    expect(resolveFailoverType([], [recs('LIVE')], identity, 'test').failoverType).toBe('test');
    expect(resolveFailoverType([], [recs(undefined)], identity, 'test').failoverType).toBe('test');
  });
});

describe('vmRowsCutAt', () => {
  const frame = (truncated?: unknown) => {
    const f = vmFrame([
      { vm: 'a', source: 'n1' },
      { vm: 'a', source: 'n2' },
    ]);
    f.meta = truncated === undefined ? undefined : { custom: { truncated } };
    return f;
  };
  test('the rows received when the server says it cut the answer', () => {
    expect(vmRowsCutAt([frame(true)])).toBe(2);
    expect(vmRowsCutAt([frame(false), frame(true)])).toBe(4);
  });
  test('undefined when the answer is complete or says nothing', () => {
    expect(vmRowsCutAt([frame(false)])).toBeUndefined();
    expect(vmRowsCutAt([frame()])).toBeUndefined();
    expect(vmRowsCutAt([frame('yes')])).toBeUndefined();
    expect(vmRowsCutAt([])).toBeUndefined();
  });
});
