// Grafana data frames in the JSON form the backend query protocol uses. Pure.

export type FieldType = 'string' | 'number' | 'time' | 'boolean' | 'other';

export interface FieldConfig {
  unit?: string;
  displayName?: string;
  decimals?: number;
  min?: number;
  max?: number;
}

export interface Field {
  name: string;
  type: FieldType;
  values: unknown[];
  config: FieldConfig;
}

export interface Frame {
  name: string;
  refId: string;
  fields: Field[];
  meta?: Record<string, unknown>;
}

/** One column of a frame: how to read it from a row, and how Grafana should show it. */
export interface Column<Row> {
  name: string;
  type: FieldType;
  value: (row: Row) => unknown;
  config?: FieldConfig;
}

/** Rows -> column-oriented frame. */
export function toFrame<Row>(
  name: string,
  refId: string,
  columns: Column<Row>[],
  rows: Row[],
  meta?: Record<string, unknown>,
): Frame {
  return {
    name,
    refId,
    fields: columns.map((c) => ({
      name: c.name,
      type: c.type,
      values: rows.map(c.value),
      config: c.config ?? {},
    })),
    ...(meta ? { meta } : {}),
  };
}
