import { FieldType } from '@grafana/data';

import { framesToMetricFindValues, toDataQueryResponse, toEpochMs, wireFrameToDataFrame } from './frames';
import { FIXED_NOW, makeWireField, makeWireFrame } from './test-utils/factory';

describe('wireFrameToDataFrame', () => {
  it('maps wire field types to Grafana field types and keeps config', () => {
    const frame = wireFrameToDataFrame(makeWireFrame(), 'A');
    expect(frame.refId).toBe('A');
    expect(frame.name).toBe('vm_contexts');
    expect(frame.length).toBe(2);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['vm_name', FieldType.string],
      ['current_status', FieldType.string],
      ['last_job_at', FieldType.time],
      ['progress_percent', FieldType.number],
    ]);
    expect(frame.fields[3].config.unit).toBe('percent');
  });

  it('turns ISO time values into epoch milliseconds', () => {
    const frame = wireFrameToDataFrame(makeWireFrame(), 'A');
    expect(frame.fields[2].values).toEqual([Date.parse('2026-03-01T11:00:00.000Z'), FIXED_NOW]);
  });

  it('keeps the frame refId from the server and maps unknown types to other', () => {
    const frame = wireFrameToDataFrame(
      makeWireFrame({
        refId: 'Z',
        fields: [makeWireField({ name: 'tags', type: 'weird' as never, values: [['a']] })],
      }),
      'A',
    );
    expect(frame.refId).toBe('Z');
    expect(frame.fields[0].type).toBe(FieldType.other);
  });
});

describe('toEpochMs', () => {
  it.each([
    [1700000000000, 1700000000000],
    ['1700000000000', 1700000000000],
    ['2026-03-01T12:00:00Z', FIXED_NOW],
    [null, null],
    ['', null],
    ['not a date', null],
    [Number.NaN, null],
  ])('%p -> %p', (input, expected) => {
    expect(toEpochMs(input)).toBe(expected);
  });
});

describe('toDataQueryResponse', () => {
  it('returns frames of good queries and an error for the failed one', () => {
    const res = toDataQueryResponse(
      {
        results: {
          A: { frames: [makeWireFrame()] },
          B: { frames: [], error: 'unknown queryType "x"', status: 400 },
        },
      },
      ['A', 'B'],
    );
    expect(res.data).toHaveLength(1);
    expect(res.data[0].refId).toBe('A');
    expect(res.errors).toEqual([{ refId: 'B', message: 'unknown queryType "x"', status: 400 }]);
    expect(res.error).toEqual(res.errors?.[0]);
  });

  it('reports a query the server left out', () => {
    const res = toDataQueryResponse({ results: {} }, ['C']);
    expect(res.errors?.[0]).toEqual(
      expect.objectContaining({ refId: 'C', message: expect.stringMatching(/no result/) }),
    );
  });

  it('has no errors key when everything succeeded', () => {
    const res = toDataQueryResponse({ results: { A: { frames: [] } } }, ['A']);
    expect(res).toEqual({ data: [] });
  });
});

describe('framesToMetricFindValues', () => {
  it('uses text and value fields and drops duplicates and nulls', () => {
    const frame = wireFrameToDataFrame(
      makeWireFrame({
        name: 'vcenters',
        refId: 'variable',
        fields: [
          makeWireField({ name: 'text', values: ['VC 1', 'VC 2', 'VC 1', null] }),
          makeWireField({ name: 'value', values: ['vc1', 'vc2', 'vc1', 'x'] }),
        ],
      }),
      'variable',
    );
    expect(framesToMetricFindValues([frame])).toEqual([
      { text: 'VC 1', value: 'vc1' },
      { text: 'VC 2', value: 'vc2' },
    ]);
  });

  it('uses the text as value when there is no value field', () => {
    const frame = wireFrameToDataFrame(
      makeWireFrame({ refId: 'v', fields: [makeWireField({ name: 'text', values: ['a'] })] }),
      'v',
    );
    expect(framesToMetricFindValues([frame])).toEqual([{ text: 'a', value: 'a' }]);
  });

  it('returns nothing for no frames', () => {
    expect(framesToMetricFindValues([])).toEqual([]);
  });
});
