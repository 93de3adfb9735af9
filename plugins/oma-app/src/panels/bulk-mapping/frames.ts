// Reading the panel's data frames: which frame is which (by the columns the query protocol
// documents, so refIds do not matter) and what the panel's queries asked for. No React, no I/O.
import type { DataFrame, Field } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import { FAILOVER_TYPES } from './contract-values';
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

type NetworkTarget = DataQuery & { failoverType?: unknown; limit?: unknown };

const isFailoverType = (v: unknown): v is FailoverType =>
  typeof v === 'string' && (FAILOVER_TYPES as readonly string[]).includes(v);

/**
 * The failover type the panel maps for: the one its recommendations query asked for (after
 * template variables, e.g. the dashboard's `$failover_type`), else the panel's default.
 * Recommendations differ per failover type, so the rules must be for the type they were made for.
 */
export function resolveFailoverType(
  targets: DataQuery[] | undefined,
  replaceVariables: (value: string) => string,
  fallback: FailoverType,
): { failoverType: FailoverType; fromQuery: boolean } {
  const query = (targets ?? []).find((t) => !t.hide && t.queryType === 'networkRecommendations') as
    NetworkTarget | undefined;
  const raw = query?.failoverType;
  const value = typeof raw === 'string' ? replaceVariables(raw) : undefined;
  return isFailoverType(value)
    ? { failoverType: value, fromQuery: true }
    : { failoverType: fallback, fromQuery: false };
}

/**
 * The row limit of the panel's `networkVms` query when its answer filled it: the list may be cut
 * there and the operator should narrow the dashboard's filters. Undefined when not cut.
 */
export function vmRowsCutAt(targets: DataQuery[] | undefined, vmFrames: DataFrame[]): number | undefined {
  const query = (targets ?? []).find((t) => !t.hide && t.queryType === 'networkVms') as
    NetworkTarget | undefined;
  const limit = typeof query?.limit === 'number' ? query.limit : Number(query?.limit);
  if (!Number.isFinite(limit) || limit <= 0) return undefined;
  const rows = vmFrames.reduce((n, f) => n + f.length, 0);
  return rows >= limit ? limit : undefined;
}
