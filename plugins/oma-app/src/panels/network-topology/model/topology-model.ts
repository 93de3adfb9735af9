/**
 * Data frames in, graph model out (no React, no layout): the `networkTopology` query's Node Graph
 * frames (`nodes`, `edges`) and the `networkRecommendations` table become source networks,
 * destination networks, mapping edges and one recommended edge per unmapped source network.
 * Frames are recognised by name or by their fields, never by refId, so the panel works with
 * whatever refIds the dashboard author chose.
 */
import type { DataFrame, Field } from '@grafana/data';

export type SourceState = 'mapped' | 'partial' | 'unmapped';
export type EdgeValidation = 'valid' | 'invalid' | 'pending' | 'mixed';

export interface SourceNetwork {
  kind: 'source';
  /** Node id as the server gives it (`src:<network name>`). */
  id: string;
  name: string;
  /** Distinct VMs with a NIC on this network. */
  vmCount: number;
  /** Of those, the VMs without a mapping for the failover type shown. */
  unmappedVmCount: number;
  state: SourceState;
  vlan: string | null;
}

export interface DestinationNetwork {
  kind: 'destination';
  /** Node id as the server gives it (`dst:<CloudStack network id>`). */
  id: string;
  /** The CloudStack network id (what a mapping stores). */
  networkId: string;
  name: string;
  /** Distinct VMs mapped to it. */
  vmCount: number;
  vlan: string | null;
  zone: string | null;
  /** CloudStack state, e.g. Implemented, Allocated, Setup. */
  state: string | null;
}

export type NetworkNode = SourceNetwork | DestinationNetwork;

export interface MappingEdge {
  kind: 'mapping';
  id: string;
  source: string;
  target: string;
  vmCount: number;
  validation: EdgeValidation;
  isTestNetwork: boolean;
}

/** The top candidate for a source network that has no mapping: drawn dashed, appliable. */
export interface RecommendationEdge {
  kind: 'recommendation';
  id: string;
  source: string;
  target: string;
  sourceNetwork: string;
  networkId: string;
  networkName: string;
  /** 0..1, the server's calibrated estimate that this is the right destination. */
  score: number;
  reasons: string[];
  /** VMs on the source network (all of them are unmapped). */
  vmCount: number;
}

export type TopologyEdge = MappingEdge | RecommendationEdge;

export interface TopologySummary {
  sources: number;
  destinations: number;
  /** Source networks none of whose VMs is mapped. */
  unmappedSources: number;
  /** Source networks some of whose VMs are mapped. */
  partialSources: number;
  /** Mapping edges with at least one invalid mapping ('mixed' is valid and not yet validated). */
  invalidMappings: number;
  /** Recommendations drawn (top candidates at or above the score threshold). */
  recommendations: number;
}

export interface TopologyModel {
  sources: SourceNetwork[];
  destinations: DestinationNetwork[];
  mappings: MappingEdge[];
  recommendations: RecommendationEdge[];
  summary: TopologySummary;
}

export interface ModelOptions {
  /** Recommendations scoring below this are left out. */
  minScore: number;
}

/** Why the frames could not become a topology, in words for the panel. */
export class TopologyDataError extends Error {}

const SOURCE_PREFIX = 'src:';
const DESTINATION_PREFIX = 'dst:';

/** Node Graph frames carry extra node and edge data as `detail__<name>` fields. */
function field(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name) ?? frame.fields.find((f) => f.name === `detail__${name}`);
}

function hasFields(frame: DataFrame, names: string[]): boolean {
  return names.every((n) => field(frame, n) !== undefined);
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** A count from a number field or a Node Graph stat such as "12" or "12 VMs". */
function count(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value ?? ''));
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

const EDGE_VALIDATIONS: readonly EdgeValidation[] = ['valid', 'invalid', 'pending', 'mixed'];
const SOURCE_STATES: readonly SourceState[] = ['mapped', 'partial', 'unmapped'];

export function isNodesFrame(frame: DataFrame): boolean {
  if (frame.name === 'nodes') {
    return true;
  }
  return hasFields(frame, ['id', 'title']) && !field(frame, 'source') && !field(frame, 'target');
}

export function isEdgesFrame(frame: DataFrame): boolean {
  return frame.name === 'edges' || hasFields(frame, ['id', 'source', 'target']);
}

export function isRecommendationsFrame(frame: DataFrame): boolean {
  return hasFields(frame, ['source_network', 'network_id', 'rank', 'score']);
}

/** A column reader over a frame: `get(row, 'name')` reads `name` or `detail__name`. */
function columns(frame: DataFrame) {
  const cache = new Map<string, unknown[] | undefined>();
  return (row: number, name: string): unknown => {
    if (!cache.has(name)) {
      cache.set(name, field(frame, name)?.values as unknown[] | undefined);
    }
    return cache.get(name)?.[row];
  };
}

function kindOf(id: string, kind: unknown): 'source' | 'destination' | undefined {
  if (kind === 'source' || kind === 'destination') {
    return kind;
  }
  if (id.startsWith(SOURCE_PREFIX)) {
    return 'source';
  }
  if (id.startsWith(DESTINATION_PREFIX)) {
    return 'destination';
  }
  return undefined;
}

function readNodes(frame: DataFrame) {
  const get = columns(frame);
  const sources: SourceNetwork[] = [];
  /** Sources whose state the frame does not give (derived from the edges afterwards). */
  const stateless = new Set<SourceNetwork>();
  const destinations: DestinationNetwork[] = [];
  for (let row = 0; row < frame.length; row++) {
    const id = text(get(row, 'id'));
    const kind = id ? kindOf(id, get(row, 'kind')) : undefined;
    if (!id || !kind) {
      continue;
    }
    const name = text(get(row, 'name')) ?? text(get(row, 'title')) ?? id.replace(/^(src|dst):/, '');
    const vmCount = count(get(row, 'vm_count') ?? get(row, 'mainstat'));
    const vlan = text(get(row, 'vlan'));
    const state = text(get(row, 'state'));
    if (kind === 'source') {
      const known = (SOURCE_STATES as readonly string[]).includes(state ?? '');
      // The Node Graph frame's secondary stat is the unmapped VM count.
      const unmapped = get(row, 'unmapped_vm_count') ?? get(row, 'secondarystat');
      const source: SourceNetwork = {
        kind,
        id,
        name,
        vmCount,
        unmappedVmCount: unmapped === undefined ? (state === 'unmapped' ? vmCount : 0) : count(unmapped),
        vlan,
        state: known ? (state as SourceState) : 'mapped',
      };
      sources.push(source);
      if (!known) {
        stateless.add(source);
      }
    } else {
      destinations.push({
        kind,
        id,
        networkId: text(get(row, 'network_id')) ?? id.slice(id.startsWith(DESTINATION_PREFIX) ? 4 : 0),
        name,
        vmCount,
        vlan,
        zone: text(get(row, 'zone')),
        state,
      });
    }
  }
  return { sources, destinations, stateless };
}

function readEdges(frame: DataFrame): MappingEdge[] {
  const get = columns(frame);
  const edges: MappingEdge[] = [];
  for (let row = 0; row < frame.length; row++) {
    const source = text(get(row, 'source'));
    const target = text(get(row, 'target'));
    if (!source || !target) {
      continue;
    }
    const validation = text(get(row, 'validation_status'));
    edges.push({
      kind: 'mapping',
      id: text(get(row, 'id')) ?? `${source}->${target}`,
      source,
      target,
      vmCount: count(get(row, 'vm_count') ?? get(row, 'mainstat')),
      validation: (EDGE_VALIDATIONS as readonly string[]).includes(validation ?? '')
        ? (validation as EdgeValidation)
        : 'pending',
      isTestNetwork: bool(get(row, 'is_test_network')),
    });
  }
  return edges;
}

interface CandidateRow {
  sourceNetwork: string;
  rank: number;
  networkId: string;
  networkName: string;
  score: number;
  reasons: string[];
  vmCount: number;
}

/** The best-ranked candidate per source network. */
function topCandidates(frame: DataFrame): Map<string, CandidateRow> {
  const get = columns(frame);
  const best = new Map<string, CandidateRow>();
  for (let row = 0; row < frame.length; row++) {
    const sourceNetwork = text(get(row, 'source_network'));
    const networkId = text(get(row, 'network_id'));
    if (!sourceNetwork || !networkId) {
      continue;
    }
    const rank = Number(get(row, 'rank'));
    const score = Number(get(row, 'score'));
    const candidate: CandidateRow = {
      sourceNetwork,
      rank: Number.isFinite(rank) ? rank : Number.MAX_SAFE_INTEGER,
      networkId,
      networkName: text(get(row, 'network_name')) ?? networkId,
      score: Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0,
      reasons: (text(get(row, 'reasons')) ?? '')
        .split(';')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
      vmCount: count(get(row, 'vm_count')),
    };
    const current = best.get(sourceNetwork);
    if (!current || candidate.rank < current.rank) {
      best.set(sourceNetwork, candidate);
    }
  }
  return best;
}

/**
 * Builds the graph model. Throws TopologyDataError when there are no topology frames (the panel
 * then says which query it needs). Edges to nodes the frames do not list are dropped; a
 * recommended destination the topology does not list is added (it has no VMs yet).
 */
export function buildTopologyModel(frames: DataFrame[], options: ModelOptions): TopologyModel {
  const nodesFrame = frames.find(isNodesFrame);
  const edgesFrame = frames.find((f) => f !== nodesFrame && isEdgesFrame(f));
  if (!nodesFrame) {
    throw new TopologyDataError(
      'No network topology in the data: add a "Network topology" query of the OMA Migration Insights data source.',
    );
  }
  const { sources, destinations, stateless } = readNodes(nodesFrame);
  const sourceIds = new Set(sources.map((s) => s.id));
  const destinationById = new Map(destinations.map((d) => [d.id, d]));
  const mappings = (edgesFrame ? readEdges(edgesFrame) : []).filter(
    (e) => sourceIds.has(e.source) && destinationById.has(e.target),
  );

  if (stateless.size > 0) {
    const mapped = new Set(mappings.map((e) => e.source));
    for (const s of stateless) {
      s.state = mapped.has(s.id) ? 'mapped' : 'unmapped';
      if (s.state === 'unmapped') {
        s.unmappedVmCount = s.vmCount;
      }
    }
  }

  const recommendations: RecommendationEdge[] = [];
  const recommendationsFrame = frames.find(isRecommendationsFrame);
  if (recommendationsFrame) {
    const best = topCandidates(recommendationsFrame);
    for (const source of sources) {
      const top = best.get(source.name);
      if (source.state !== 'unmapped' || !top || top.score < options.minScore) {
        continue;
      }
      const target = `${DESTINATION_PREFIX}${top.networkId}`;
      if (!destinationById.has(target)) {
        const added: DestinationNetwork = {
          kind: 'destination',
          id: target,
          networkId: top.networkId,
          name: top.networkName,
          vmCount: 0,
          vlan: null,
          zone: null,
          state: null,
        };
        destinations.push(added);
        destinationById.set(target, added);
      }
      recommendations.push({
        kind: 'recommendation',
        id: `rec:${source.id}->${target}`,
        source: source.id,
        target,
        sourceNetwork: source.name,
        networkId: top.networkId,
        networkName: top.networkName,
        score: top.score,
        reasons: top.reasons,
        vmCount: top.vmCount || source.vmCount,
      });
    }
  }

  return {
    sources,
    destinations,
    mappings,
    recommendations,
    summary: {
      sources: sources.length,
      destinations: destinations.length,
      unmappedSources: sources.filter((s) => s.state === 'unmapped').length,
      partialSources: sources.filter((s) => s.state === 'partial').length,
      invalidMappings: mappings.filter((e) => e.validation === 'invalid').length,
      recommendations: recommendations.length,
    },
  };
}

/**
 * A long name shortened in the middle ("dvPortGroup-Pro…-VLAN110"): network names often share a
 * prefix and differ at the end.
 */
export function shortName(name: string, maxLength: number): string {
  const max = Math.max(5, Math.floor(maxLength));
  if (name.length <= max) {
    return name;
  }
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${name.slice(0, head)}…${name.slice(name.length - tail)}`;
}
