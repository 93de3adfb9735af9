// The rules table: one rule per source network on the selected VMs' NICs, pre-filled with the top
// recommendation for that network; the operator may pick another candidate, any destination
// network, or none (the network is left alone). No React, no I/O.
import type { DataFrame } from '@grafana/data';

import { column, num, readRows, text } from './frames';
import type { FailoverType } from './types';
import { compareNames, destinationFor, type VmRow } from './vm-rows';

export interface RecommendedCandidate {
  networkId: string;
  networkName: string;
  /** 1 is the best. */
  rank: number;
  /** 0..1 */
  score: number;
  reasons: string[];
}

export interface SourceRecommendation {
  sourceNetwork: string;
  candidates: RecommendedCandidate[];
}

export interface DestinationNetwork {
  id: string;
  name: string;
}

/**
 * `networkRecommendations` rows -> candidates per source network, best first. (Its
 * current_network_id is over all VMs; the rules table counts what the selected VMs use now.)
 */
export function readRecommendations(frames: DataFrame[]): Map<string, SourceRecommendation> {
  const rows = readRows(frames, (frame, i) => {
    const sourceNetwork = text(column(frame, 'source_network'), i);
    const networkId = text(column(frame, 'network_id'), i);
    if (sourceNetwork === null || networkId === null) return null;
    return {
      sourceNetwork,
      candidate: {
        networkId,
        networkName: text(column(frame, 'network_name'), i) ?? networkId,
        rank: num(column(frame, 'rank'), i) ?? Number.MAX_SAFE_INTEGER,
        score: Math.min(1, Math.max(0, num(column(frame, 'score'), i) ?? 0)),
        reasons: (text(column(frame, 'reasons'), i) ?? '')
          .split(';')
          .map((r) => r.trim())
          .filter(Boolean),
      },
    };
  });
  const out = new Map<string, SourceRecommendation>();
  for (const row of rows) {
    let rec = out.get(row.sourceNetwork);
    if (!rec) {
      rec = { sourceNetwork: row.sourceNetwork, candidates: [] };
      out.set(row.sourceNetwork, rec);
    }
    if (!rec.candidates.some((c) => c.networkId === row.candidate.networkId))
      rec.candidates.push(row.candidate);
  }
  for (const rec of out.values()) {
    rec.candidates.sort((a, b) => a.rank - b.rank || b.score - a.score);
  }
  return out;
}

/**
 * Every destination network the panel knows: the inventory (a `destinationNetworks` variable
 * query: text = name, value = id), the recommended candidates and the destinations VMs are mapped
 * to now. By name.
 */
export function readDestinations(
  frames: DataFrame[],
  recommendations: Map<string, SourceRecommendation>,
  vms: VmRow[],
): DestinationNetwork[] {
  const byId = new Map<string, string>();
  const add = (id: string | null, name: string | null) => {
    if (id !== null && (!byId.has(id) || byId.get(id) === id)) byId.set(id, name ?? id);
  };
  for (const [id, name] of readRows(frames, (frame, i) => [
    text(column(frame, 'value'), i) ?? text(column(frame, 'text'), i),
    text(column(frame, 'text'), i),
  ])) {
    add(id, name);
  }
  for (const rec of recommendations.values()) for (const c of rec.candidates) add(c.networkId, c.networkName);
  for (const vm of vms) {
    for (const nic of vm.nics) {
      for (const d of [nic.live, nic.test]) if (d) add(d.id, d.name);
    }
  }
  return [...byId]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => compareNames(a.name, b.name) || compareNames(a.id, b.id));
}

/** What the operator changed: a destination id per source network, or null for "leave alone". */
export type RuleOverrides = Readonly<Record<string, string | null>>;

export interface RuleRow {
  sourceNetwork: string;
  /** Selected VMs with a NIC on this network. */
  vms: number;
  /** Their destinations now (for the failover type), most used first. */
  current: Array<DestinationNetwork & { vms: number }>;
  /** Selected VMs with no destination yet. */
  unmapped: number;
  candidates: RecommendedCandidate[];
  /** Null: no rule for this network (no recommendation, or the operator chose none). */
  destination: DestinationNetwork | null;
  /** recommended: the top candidate, untouched; chosen: the operator's pick; none. */
  origin: 'recommended' | 'chosen' | 'none';
  /** The chosen destination's place among the candidates (null when it is not one). */
  candidate: RecommendedCandidate | null;
}

export interface RuleInput {
  selected: VmRow[];
  failoverType: FailoverType;
  recommendations: Map<string, SourceRecommendation>;
  destinations: DestinationNetwork[];
  overrides: RuleOverrides;
  /** When the source network filter is set, only its rule: the other NICs are not in scope. */
  sourceNetwork?: string;
}

/** One rule per source network in scope, by network name. */
export function buildRuleRows(input: RuleInput): RuleRow[] {
  const { selected, failoverType, recommendations, destinations, overrides, sourceNetwork } = input;
  const names = new Map(destinations.map((d) => [d.id, d.name]));
  const scope = new Map<string, { vms: number; unmapped: number; current: Map<string, number> }>();
  for (const vm of selected) {
    for (const nic of vm.nics) {
      if (sourceNetwork && nic.sourceNetwork !== sourceNetwork) continue;
      let s = scope.get(nic.sourceNetwork);
      if (!s) {
        s = { vms: 0, unmapped: 0, current: new Map() };
        scope.set(nic.sourceNetwork, s);
      }
      s.vms += 1;
      const now = destinationFor(nic, failoverType);
      if (now) {
        s.current.set(now.id, (s.current.get(now.id) ?? 0) + 1);
        if (!names.has(now.id)) names.set(now.id, now.name);
      } else {
        s.unmapped += 1;
      }
    }
  }
  return [...scope]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([network, s]) => {
      const candidates = recommendations.get(network)?.candidates ?? [];
      const override = Object.prototype.hasOwnProperty.call(overrides, network)
        ? overrides[network]
        : undefined;
      const id = override === undefined ? (candidates[0]?.networkId ?? null) : override;
      const candidate = id === null ? null : (candidates.find((c) => c.networkId === id) ?? null);
      return {
        sourceNetwork: network,
        vms: s.vms,
        unmapped: s.unmapped,
        current: [...s.current]
          .map(([cid, vms]) => ({ id: cid, name: names.get(cid) ?? cid, vms }))
          .sort((a, b) => b.vms - a.vms || compareNames(a.name, b.name)),
        candidates,
        destination: id === null ? null : { id, name: candidate?.networkName ?? names.get(id) ?? id },
        origin: id === null ? 'none' : override === undefined ? 'recommended' : 'chosen',
        candidate,
      };
    });
}

export interface DestinationOption {
  value: string;
  label: string;
  description?: string;
  group: string;
}

export const RECOMMENDED_GROUP = 'Recommended';
export const ALL_GROUP = 'All destination networks';

/** A score as operators read it: "87 %". */
export const formatScore = (score: number) => `${Math.round(score * 100)} %`;

/** The choices for one rule: its candidates first (with score and reasons), then every other destination. */
export function destinationOptions(rule: RuleRow, destinations: DestinationNetwork[]): DestinationOption[] {
  const recommended = rule.candidates.map((c) => ({
    value: c.networkId,
    label: c.networkName,
    description: `#${c.rank}, ${formatScore(c.score)}${c.reasons.length ? ` — ${c.reasons.join('; ')}` : ''}`,
    group: RECOMMENDED_GROUP,
  }));
  const taken = new Set(recommended.map((o) => o.value));
  const rest = destinations
    .filter((d) => !taken.has(d.id))
    .map((d) => ({
      value: d.id,
      label: d.name,
      description: d.name === d.id ? undefined : d.id,
      group: ALL_GROUP,
    }));
  return [...recommended, ...rest];
}
