/**
 * Pure conversion of the server's `/query` wire format into Grafana data frames.
 */
import {
  createDataFrame,
  FieldType,
  type DataFrame,
  type DataQueryError,
  type DataQueryResponse,
  type FieldConfig,
  type MetricFindValue,
  type QueryResultMeta,
} from '@grafana/data';

import type { WireField, WireFieldType, WireFrame, WireQueryResponse } from '@oma-insights/contracts/frames';

const FIELD_TYPES: Record<WireFieldType, FieldType> = {
  string: FieldType.string,
  number: FieldType.number,
  time: FieldType.time,
  boolean: FieldType.boolean,
  other: FieldType.other,
};

/** Time values arrive as epoch milliseconds or ISO-8601 strings; Grafana wants milliseconds. */
export function toEpochMs(value: unknown): number | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'string') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) {
      return asNumber;
    }
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function convertField(field: WireField) {
  const type = FIELD_TYPES[field.type] ?? FieldType.other;
  const values = type === FieldType.time ? field.values.map(toEpochMs) : field.values;
  return { name: field.name, type, values, config: (field.config ?? {}) as FieldConfig };
}

export function wireFrameToDataFrame(frame: WireFrame, refId: string): DataFrame {
  return createDataFrame({
    name: frame.name,
    refId: frame.refId ?? refId,
    meta: frame.meta as QueryResultMeta | undefined,
    fields: (frame.fields ?? []).map(convertField),
  });
}

/**
 * Turns a whole `/query` answer into a DataQueryResponse: frames of every query that succeeded,
 * and one error per failed query (a failing query does not hide the others' data).
 */
export function toDataQueryResponse(response: WireQueryResponse, refIds: string[]): DataQueryResponse {
  const data: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  const results = response?.results ?? {};
  for (const refId of refIds) {
    const result = results[refId];
    if (!result) {
      errors.push({ refId, message: `The server returned no result for query ${refId}.` });
      continue;
    }
    if (result.error) {
      errors.push({ refId, message: result.error, status: result.status });
    }
    for (const frame of result.frames ?? []) {
      data.push(wireFrameToDataFrame(frame, refId));
    }
  }
  const out: DataQueryResponse = { data };
  if (errors.length > 0) {
    out.errors = errors;
    out.error = errors[0];
  }
  return out;
}

/** A `variable` query answers one frame with a `text` field and optionally a `value` field. */
export function framesToMetricFindValues(frames: DataFrame[]): MetricFindValue[] {
  const frame = frames[0];
  if (!frame) {
    return [];
  }
  const textField =
    frame.fields.find((f) => f.name === 'text') ?? frame.fields.find((f) => f.type === FieldType.string);
  if (!textField) {
    return [];
  }
  const valueField = frame.fields.find((f) => f.name === 'value');
  const seen = new Set<string>();
  const out: MetricFindValue[] = [];
  for (let i = 0; i < frame.length; i++) {
    const text = textField.values[i];
    if (text === null || text === undefined) {
      continue;
    }
    const value = valueField?.values[i] ?? text;
    const key = String(value);
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    out.push({ text: String(text), value: typeof value === 'number' ? value : String(value) });
  }
  return out;
}
