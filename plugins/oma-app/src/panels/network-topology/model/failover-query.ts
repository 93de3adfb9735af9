/**
 * The live/test switch: the panel's queries ask for one failover type; showing the other means
 * running the same queries with the other failover type (the pure part is here).
 */
import type { DataQuery } from '@grafana/schema';

import type { FailoverType } from '../types';

/** Query types whose answer depends on the failover type. */
const FAILOVER_QUERY_TYPES = new Set(['networkTopology', 'networkRecommendations', 'networkValidation']);

type Target = DataQuery & { failoverType?: unknown };

const asksForFailover = (t: Target) => !t.hide && FAILOVER_QUERY_TYPES.has(String(t.queryType));

/**
 * The failover type the panel's queries asked for: that of its first topology (or other
 * failover-dependent) query; live when unset, as the server reads it. Undefined when no query
 * depends on it, or when one is a template variable that the data source resolved (the frames
 * do not say which it became).
 */
export function queriedFailoverType(targets: DataQuery[] | undefined): FailoverType | undefined {
  const target = (targets as Target[] | undefined)?.find(asksForFailover);
  if (!target) {
    return undefined;
  }
  const value = target.failoverType ?? 'live';
  return value === 'live' || value === 'test' ? value : undefined;
}

/** The same queries, each failover-dependent one asking for `failoverType`. */
export function withFailoverType<T extends DataQuery>(targets: T[], failoverType: FailoverType): T[] {
  return targets.map((t) => (asksForFailover(t) ? { ...t, failoverType } : t));
}
