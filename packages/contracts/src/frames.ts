// The answer of `POST /api/v1/query`: Grafana data frames in the JSON form of its backend query
// protocol. The server builds them, the data source plugin turns them into DataFrames. Types only,
// no TypeBox import, so the plugin can import this module.

export type WireFieldType = 'string' | 'number' | 'time' | 'boolean' | 'other';

/** The part of Grafana's field config the server sets. */
export interface WireFieldConfig {
  unit?: string;
  displayName?: string;
  decimals?: number;
  min?: number;
  max?: number;
  /** Fixed colours, e.g. for the Node Graph's arc__ fields. */
  color?: { mode: 'fixed'; fixedColor: string };
}

export interface WireField {
  name: string;
  type: WireFieldType;
  /** Time values are ISO-8601 strings or epoch milliseconds. */
  values: unknown[];
  config: WireFieldConfig;
}

export interface WireFrame {
  name: string;
  refId: string;
  fields: WireField[];
  meta?: Record<string, unknown>;
}

/** One query's answer: its frames, or an error (then `frames` is empty) with an HTTP-like status. */
export interface WireQueryResult {
  frames: WireFrame[];
  error?: string;
  status?: number;
}

/** Results by refId. */
export interface WireQueryResponse {
  results: Record<string, WireQueryResult>;
}
