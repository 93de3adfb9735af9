// Rows -> Grafana data frames in their JSON form (the shapes live in the shared contracts). Pure.
import type { WireFieldConfig, WireFieldType, WireFrame } from '@oma-insights/contracts';

/** One column of a frame: how to read it from a row, and how Grafana should show it. */
export interface Column<Row> {
  name: string;
  type: WireFieldType;
  value: (row: Row) => unknown;
  config?: WireFieldConfig;
}

/** Rows -> column-oriented frame. */
export function toFrame<Row>(
  name: string,
  refId: string,
  columns: Column<Row>[],
  rows: Row[],
  meta?: Record<string, unknown>,
): WireFrame {
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
