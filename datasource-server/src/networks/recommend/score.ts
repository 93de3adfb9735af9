// Ranks CloudStack networks as destinations for one VMware network. Each signal adds or removes
// points (log-odds) with a reason a person can check; a softmax over the candidates plus a
// "none of these" option turns points into the probability that a candidate is the right one.
// Pure: the caller loads networks and mapping history.
import type { Candidate, FailoverType } from '@oma-insights/contracts';
import {
  cloudstackVlan,
  nameFeatures,
  notDeployableReason,
  parseCidr,
  subnetWithin,
  testNetworkReason,
  type DestinationFacts,
  type NameFeatures,
} from './features';

/** Points per signal. History (what operators already chose) outweighs everything names say. */
export const WEIGHTS = {
  envMatch: 2.5,
  envConflict: -3,
  envMissing: -0.5,
  wordMatch: 2.5,
  sourceWordMissing: -1.5,
  extraWord: -1,
  explicitVlanMatch: 3,
  explicitVlanConflict: -4,
  trailingVlanMatch: 1.5,
  subnetMatch: 3,
  subnetConflict: -1,
  history: 12,
  zoneConflict: -2,
  notDeployable: -6,
  retired: -1.5,
  defaultForVagueSource: 2,
  liveOnTestNetwork: -6,
  testOnTestNetwork: 2,
  testOnLiveNetwork: -2.5,
  counterpartVlan: 3,
  counterpartSubnet: 2,
  counterpartWord: 0.5,
  /** Points of the "none of these is right" option: a candidate needs more to be likely. */
  none: 2,
} as const;

export interface PreparedDestination extends DestinationFacts {
  features: NameFeatures;
  vlanId: number | null;
  subnet: [number, number] | null;
  testReason: string | null;
  notDeployable: string | null;
}

/** Work done once per destination, not once per (source, destination) pair. */
export function prepareDestinations(networks: DestinationFacts[]): PreparedDestination[] {
  return networks
    .filter((n) => !n.is_system)
    .map((n) => {
      const features = nameFeatures(n.name);
      return {
        ...n,
        features,
        // CloudStack's fields first; a network without them (isolated ones often) by its name.
        vlanId:
          cloudstackVlan(n.vlan) ??
          cloudstackVlan(n.broadcast_uri) ??
          [...features.explicitVlans][0] ??
          features.trailingVlan,
        subnet: parseCidr(n.cidr),
        testReason: testNetworkReason(n),
        notDeployable: notDeployableReason(n),
      };
    });
}

export interface SourceEvidence {
  name: string;
  /** VMs on this source network already mapped, by destination id, for the failover type ranked. */
  history: ReadonlyMap<string, number>;
  /** For test failover: the live mappings' history (to find the live choice's counterpart). */
  liveHistory?: ReadonlyMap<string, number>;
  /** The zone migrations go to (the active CloudStack configuration), id or name. */
  zone?: string | null;
}

interface Scored {
  destination: PreparedDestination;
  points: number;
  reasons: string[];
}

const list = (words: Iterable<string>) => [...words].join(', ');

/** Points from what the two names, VLANs and subnets say. */
function nameEvidence(source: NameFeatures, d: PreparedDestination, add: (p: number, why: string) => void) {
  const target = d.features;
  if (source.envs.size) {
    const shared = [...source.envs].filter((e) => target.envs.has(e));
    if (shared.length) add(WEIGHTS.envMatch, `environment ${list(shared)} matches`);
    else if (target.envs.size)
      add(WEIGHTS.envConflict, `environment ${list(target.envs)}, not ${list(source.envs)}`);
    else add(WEIGHTS.envMissing, `its name has no environment (${list(source.envs)} expected)`);
  }
  const shared = [...source.words].filter((w) => target.words.has(w));
  if (shared.length) add(WEIGHTS.wordMatch * shared.length, `name words match: ${list(shared)}`);
  const missing = [...source.words].filter((w) => !target.words.has(w));
  if (missing.length) add(WEIGHTS.sourceWordMissing * missing.length, `no ${list(missing)} in its name`);
  const extra = [...target.words].filter((w) => !source.words.has(w));
  if (extra.length) add(WEIGHTS.extraWord * extra.length, `its name adds ${list(extra)}`);

  if (d.vlanId !== null) {
    if (source.explicitVlans.size) {
      if (source.explicitVlans.has(d.vlanId)) add(WEIGHTS.explicitVlanMatch, `VLAN ${d.vlanId} matches`);
      else
        add(
          WEIGHTS.explicitVlanConflict,
          `VLAN ${d.vlanId}, not ${list([...source.explicitVlans].map(String))}`,
        );
    } else if (source.trailingVlan === d.vlanId) {
      add(WEIGHTS.trailingVlanMatch, `the number ${d.vlanId} ending the name is its VLAN`);
    }
  }
  if (source.subnets.length && d.subnet) {
    const subnet = d.subnet;
    if (source.subnets.some((s) => subnetWithin(s, subnet)))
      add(WEIGHTS.subnetMatch, `subnet ${d.cidr} matches`);
    else add(WEIGHTS.subnetConflict, `subnet ${d.cidr} differs from the one in the name`);
  }
}

function score(
  source: SourceEvidence,
  features: NameFeatures,
  d: PreparedDestination,
  failoverType: FailoverType,
  liveChoice: PreparedDestination | null,
): Scored {
  const scored: Scored = { destination: d, points: 0, reasons: [] };
  const add = (points: number, why: string) => {
    scored.points += points;
    scored.reasons.push(why);
  };

  const mappedVms = [...source.history.values()].reduce((a, b) => a + b, 0);
  const here = source.history.get(d.id) ?? 0;
  if (here > 0) {
    add(WEIGHTS.history * (here / mappedVms), `${here} of ${mappedVms} mapped VMs on this network use it`);
  }

  nameEvidence(features, d, add);

  // A source name that says nothing specific (only generic words or a bare number) goes to the default
  // network unless something else says otherwise.
  const vague =
    features.words.size === 0 &&
    features.envs.size === 0 &&
    features.explicitVlans.size === 0 &&
    features.subnets.length === 0;
  if (vague && d.is_default)
    add(WEIGHTS.defaultForVagueSource, 'the zone default network, for a source name without specifics');

  if (source.zone && source.zone !== d.zone_id && source.zone !== d.zone_name) {
    add(
      WEIGHTS.zoneConflict,
      `zone ${d.zone_name ?? d.zone_id ?? 'unknown'}, migrations go to ${source.zone}`,
    );
  }
  if (d.notDeployable) add(WEIGHTS.notDeployable, `cannot be deployed to: ${d.notDeployable}`);
  if (d.features.retiredMarked) add(WEIGHTS.retired, 'its name marks it as retired');

  if (failoverType === 'live') {
    if (d.testReason) add(WEIGHTS.liveOnTestNetwork, `a test network (${d.testReason})`);
  } else {
    if (d.testReason) add(WEIGHTS.testOnTestNetwork, `a test network (${d.testReason})`);
    else add(WEIGHTS.testOnLiveNetwork, 'a live network, not isolated for tests');
    if (liveChoice && liveChoice.id !== d.id) {
      if (liveChoice.vlanId !== null && liveChoice.vlanId === d.vlanId) {
        add(WEIGHTS.counterpartVlan, `same VLAN as the live choice ${liveChoice.name}`);
      }
      if (liveChoice.cidr && liveChoice.cidr === d.cidr) {
        add(WEIGHTS.counterpartSubnet, `same subnet as the live choice ${liveChoice.name}`);
      }
      const sharedWithLive = [...d.features.words].filter((w) => liveChoice.features.words.has(w));
      if (sharedWithLive.length) {
        add(
          WEIGHTS.counterpartWord * sharedWithLive.length,
          `shares ${list(sharedWithLive)} with the live choice`,
        );
      }
    }
  }
  return scored;
}

/** Points -> probabilities: softmax over the candidates and the "none of these" option. */
function toCandidates(scored: Scored[]): (Candidate & { destination: PreparedDestination })[] {
  const top = Math.max(WEIGHTS.none, ...scored.map((s) => s.points));
  const weights = scored.map((s) => Math.exp(s.points - top));
  const total = weights.reduce((a, b) => a + b, Math.exp(WEIGHTS.none - top));
  return scored
    .map((s, i) => ({
      destination: s.destination,
      network_id: s.destination.id,
      network_name: s.destination.name,
      score: Math.round((weights[i] / total) * 1000) / 1000,
      points: s.points,
      reasons: s.reasons,
    }))
    .sort(
      (a, b) =>
        b.points - a.points ||
        Number(!a.destination.notDeployable) - Number(!b.destination.notDeployable) ||
        a.network_name.localeCompare(b.network_name) ||
        a.network_id.localeCompare(b.network_id),
    )
    .map(({ points: _points, ...candidate }) => candidate);
}

/**
 * Every destination for `source`, best first, with probability scores and reasons. For test
 * failover the live ranking is worked out first: the isolated counterpart of the live choice
 * (same VLAN or subnet) is what a test failover should use.
 */
export function rankDestinations(
  source: SourceEvidence,
  destinations: PreparedDestination[],
  failoverType: FailoverType,
): (Candidate & { destination: PreparedDestination })[] {
  const features = nameFeatures(source.name);
  let liveChoice: PreparedDestination | null = null;
  if (failoverType === 'test') {
    const live = rankDestinations(
      { ...source, history: source.liveHistory ?? new Map() },
      destinations,
      'live',
    );
    liveChoice = live[0] && live[0].score >= 0.5 ? live[0].destination : null;
  }
  return toCandidates(destinations.map((d) => score(source, features, d, failoverType, liveChoice)));
}
