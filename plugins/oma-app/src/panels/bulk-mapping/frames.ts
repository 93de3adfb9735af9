// Reading the panel's data frames: which frame is which (by the columns the query protocol
// documents, so refIds do not matter) and what the panel's queries asked for. No React, no I/O.
import type { DataFrame, Field } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import { FAILOVER_TYPES } from '@oma-insights/contracts/network-values';
import type { FailoverType } from './types';

/** `networkVms`: one row per (VM, NIC network). */
const VM_COLUMNS = ['vm_name', 'source_network', 'live_network_id', 'test_network_id'];
/** `networkRecommendations`: one row per (source network, candidate). */
const RECOMMENDATION_COLUMNS = ['source_network', 'rank', 'network_id', 'score'];
/** A `variable` query of kind `destinationNetworks`: text = name, value = CloudStack id. */
const DESTINATION_COLUMNS = ['text', 'value'];

export interface PanelFrames {
  vms: DataFrame[];
  recommendations: DataFrame[];
  destinations: DataFrame[];
}

const hasColumns = (frame: DataFrame, names: string[]) =>
  names.every((n) => frame.fields.some((f) => f.name === n));

/** Sorts the panel's frames by what they hold; frames of other shapes are ignored. */
export function classifyFrames(frames: DataFrame[]): PanelFrames {
  const out: PanelFrames = { vms: [], recommendations: [], destinations: [] };
  for (const frame of frames) {
    if (hasColumns(frame, VM_COLUMNS)) out.vms.push(frame);
    else if (hasColumns(frame, RECOMMENDATION_COLUMNS)) out.recommendations.push(frame);
    else if (hasColumns(frame, DESTINATION_COLUMNS)) out.destinations.push(frame);
  }
  return out;
}

export const column = (frame: DataFrame, name: string): Field | undefined =>
  frame.fields.find((f) => f.name === name);

/** A non-empty string cell, or null. */
export function text(field: Field | undefined, i: number): string | null {
  const v = field?.values[i];
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** A finite number cell (numbers sent as strings too), or null. */
export function num(field: Field | undefined, i: number): number | null {
  const v = field?.values[i];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Calls `read` for every row of every frame and keeps what it returns (null skips a row). */
export function readRows<T>(frames: DataFrame[], read: (frame: DataFrame, i: number) => T | null): T[] {
  const out: T[] = [];
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i++) {
      const row = read(frame, i);
      if (row !== null) out.push(row);
    }
  }
  return out;
}

type NetworkTarget = DataQuery & { failoverType?: unknown };

const isFailoverType = (v: unknown): v is FailoverType =>
  typeof v === 'string' && (FAILOVER_TYPES as readonly string[]).includes(v);

/** Where the panel's failover type came from. */
export type FailoverTypeSource = 'data' | 'query' | 'options';

/**
 * The failover type the panel maps for: the one the recommendations were made for (the server
 * says so in the frame's meta.custom.failoverType), else the one the recommendations query asks
 * for (after template variables, e.g. the dashboard's `$failover_type`), else the panel's
 * default. Recommendations differ per failover type, so rules must be for the type they were
 * made for.
 */
export function resolveFailoverType(
  recommendationFrames: DataFrame[],
  targets: DataQuery[] | undefined,
  replaceVariables: (value: string) => string,
  fallback: FailoverType,
): { failoverType: FailoverType; source: FailoverTypeSource } {
  const fromData = recommendationFrames
    .map((f) => (f.meta?.custom as { failoverType?: unknown } | undefined)?.failoverType)
    .find(isFailoverType);
  if (fromData) return { failoverType: fromData, source: 'data' };
  const query = (targets ?? []).find((t) => !t.hide && t.queryType === 'networkRecommendations') as
    NetworkTarget | undefined;
  const raw = query?.failoverType;
  const value = typeof raw === 'string' ? replaceVariables(raw) : undefined;
  return isFailoverType(value)
    ? { failoverType: value, source: 'query' }
    : { failoverType: fallback, source: 'options' };
}

/**
 * The rows of the `networkVms` answer when the server cut it at the query's limit (it says so in
 * meta.custom.truncated): the list is incomplete and the operator should narrow the dashboard's
 * filters. Undefined when complete.
 */
export function vmRowsCutAt(vmFrames: DataFrame[]): number | undefined {
  const cut = vmFrames.some(
    (f) => (f.meta?.custom as { truncated?: unknown } | undefined)?.truncated === true,
  );
  return cut ? vmFrames.reduce((n, f) => n + f.length, 0) : undefined;
}
