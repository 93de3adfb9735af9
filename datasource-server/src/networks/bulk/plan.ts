// Bulk mapping, the pure part: checking a request, matching VMs by name pattern, and turning
// rules or recommendations into one target per (VM, NIC network). No I/O.
import safeRegex from 'safe-regex2';
import type { BulkMappingRequest, BulkRule, FailoverType } from '@oma-insights/contracts';
import { ApiError } from '../../http/errors';
import type { VmNetworks } from '../source-networks';

/** A top recommendation below this probability is not applied by `use_recommendations`. */
export const MIN_RECOMMENDATION_SCORE = 0.5;
/** How many unknown names an error lists. */
const LISTED = 20;

export type NameMatcher = (name: string) => boolean;

/** The name pattern as a matcher; a regex that is invalid or could backtrack without bound is a 422. */
export function nameMatcher(pattern: BulkMappingRequest['selector']['name_pattern']): NameMatcher | null {
  if (!pattern) return null;
  const { match, value } = pattern;
  if (match === 'exact') return (name) => name === value;
  if (match === 'contains') {
    const needle = value.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(value);
  } catch (err) {
    throw new ApiError(
      422,
      'invalid_regex',
      `name_pattern.value is not a valid regular expression: ${(err as Error).message}`,
    );
  }
  // Nested quantifiers like (a+)+ take exponential time on some names: refused, not run.
  if (!safeRegex(regex)) {
    throw new ApiError(
      422,
      'unsafe_regex',
      `name_pattern.value ${JSON.stringify(value)} could run for a very long time (nested or overlapping repetition); simplify it, e.g. avoid (x+)+`,
    );
  }
  return (name) => regex.test(name);
}

const ruleKey = (sourceNetwork: string, isTest: boolean) =>
  `${isTest ? 'test' : 'live'}\u0000${sourceNetwork}`;

/** Rules by (source network, failover type); two rules for one key with different destinations are a 422. */
export function indexRules(rules: BulkRule[]): Map<string, BulkRule> {
  const byKey = new Map<string, BulkRule>();
  const conflicts: string[] = [];
  for (const rule of rules) {
    const key = ruleKey(rule.source_network, rule.is_test_network ?? false);
    const other = byKey.get(key);
    if (other && other.destination_network_id !== rule.destination_network_id) {
      conflicts.push(
        `${rule.source_network} (${rule.is_test_network ? 'test' : 'live'}): ${other.destination_network_id} and ${rule.destination_network_id}`,
      );
    }
    byKey.set(key, rule);
  }
  if (conflicts.length) {
    throw new ApiError(
      422,
      'conflicting_rules',
      `Several rules map the same source network to different destinations: ${conflicts.slice(0, LISTED).join('; ')}`,
      conflicts,
    );
  }
  return byKey;
}

/** Exactly one way of choosing destinations. */
export function checkMode(request: BulkMappingRequest): 'rules' | 'recommendations' {
  if (request.rules && request.use_recommendations) {
    throw new ApiError(422, 'ambiguous_mode', 'Give either rules or use_recommendations: true, not both');
  }
  if (request.rules) return 'rules';
  if (request.use_recommendations) return 'recommendations';
  throw new ApiError(
    422,
    'no_rules',
    'Give rules (source network -> destination) or use_recommendations: true',
  );
}

export function listed(names: string[]): string {
  const shown = names.slice(0, LISTED).map((n) => JSON.stringify(n));
  return names.length > LISTED ? `${shown.join(', ')} and ${names.length - LISTED} more` : shown.join(', ');
}

export interface PlannedTarget {
  vm: VmNetworks;
  sourceNetwork: string;
  isTest: boolean;
  destinationId: string;
}

/** A source of top recommendations for `use_recommendations`. */
export type TopChoice = (
  sourceNetwork: string,
  failoverType: FailoverType,
) => { network_id: string; score: number } | undefined;

/**
 * One target per (VM, NIC network) that a rule or recommendation covers. NICs no rule covers are
 * left as they are. Rules naming a network none of the selected VMs has are a 422 (a typo would
 * otherwise silently change nothing).
 */
export function planTargets(
  vms: VmNetworks[],
  mode: 'rules' | 'recommendations',
  rules: Map<string, BulkRule>,
  failoverType: FailoverType,
  topChoice: TopChoice,
): PlannedTarget[] {
  const targets: PlannedTarget[] = [];
  if (mode === 'rules') {
    const used = new Set<string>();
    for (const vm of vms) {
      for (const network of vm.networks) {
        for (const isTest of [false, true]) {
          const rule = rules.get(ruleKey(network, isTest));
          if (!rule) continue;
          used.add(ruleKey(network, isTest));
          targets.push({ vm, sourceNetwork: network, isTest, destinationId: rule.destination_network_id });
        }
      }
    }
    const unused = [...rules.values()].filter(
      (r) => !used.has(ruleKey(r.source_network, r.is_test_network ?? false)),
    );
    if (unused.length) {
      throw new ApiError(
        422,
        'rule_matches_no_nic',
        `No selected VM has a NIC on ${listed([...new Set(unused.map((r) => r.source_network))])}; check the rule's source_network or the selector`,
      );
    }
    return targets;
  }
  const isTest = failoverType === 'test';
  for (const vm of vms) {
    for (const network of vm.networks) {
      const top = topChoice(network, failoverType);
      if (top && top.score >= MIN_RECOMMENDATION_SCORE) {
        targets.push({ vm, sourceNetwork: network, isTest, destinationId: top.network_id });
      }
    }
  }
  return targets;
}
