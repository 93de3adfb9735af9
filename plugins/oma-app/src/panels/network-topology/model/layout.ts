/**
 * Graph model in, positioned nodes and edges out: a layered layout from dagre with the VMware
 * (source) networks in one layer and the CloudStack (destination) networks in the next, ordered
 * by dagre to keep edges from crossing. Pure and deterministic; the panel computes it once per
 * data or option change.
 */
import dagre from '@dagrejs/dagre';

import type { LayoutDirection } from '../types';
import type { NetworkNode, TopologyEdge, TopologyModel } from './topology-model';

export interface LayoutOptions {
  direction: LayoutDirection;
  showUnmapped: boolean;
  showRecommendations: boolean;
  /** CloudStack networks no shown edge leads to. */
  showUnusedDestinations: boolean;
  nodeWidth: number;
  nodeHeight: number;
  /** Space between two nodes of a layer. */
  nodeGap: number;
  /** Space between the two layers (where the edges and their labels run). */
  layerGap: number;
}

export const DEFAULT_LAYOUT: Omit<
  LayoutOptions,
  'direction' | 'showUnmapped' | 'showRecommendations' | 'showUnusedDestinations'
> = {
  nodeWidth: 240,
  nodeHeight: 44,
  nodeGap: 10,
  layerGap: 280,
};

export interface PositionedNode {
  node: NetworkNode;
  /** Top-left corner, as React Flow places nodes. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TopologyLayout {
  nodes: PositionedNode[];
  edges: TopologyEdge[];
  width: number;
  height: number;
  /** CloudStack networks left out because nothing shown leads to them. */
  hiddenDestinations: number;
}

/**
 * dagre places a node without edges in the first layer. A destination network nothing maps to
 * belongs in the second, so it hangs off this invisible node, which is removed afterwards.
 */
const ANCHOR = '\u0000anchor';

export function layoutTopology(model: TopologyModel, options: LayoutOptions): TopologyLayout {
  const sources = options.showUnmapped ? model.sources : model.sources.filter((s) => s.state !== 'unmapped');
  const shown = new Set(sources.map((s) => s.id));
  const edges: TopologyEdge[] = [
    ...model.mappings.filter((e) => shown.has(e.source)),
    ...(options.showRecommendations ? model.recommendations.filter((e) => shown.has(e.source)) : []),
  ];
  const targets = new Set(edges.map((e) => e.target));
  const destinations = options.showUnusedDestinations
    ? model.destinations
    : model.destinations.filter((d) => targets.has(d.id));
  const hiddenDestinations = model.destinations.length - destinations.length;
  const nodes: NetworkNode[] = [...sources, ...destinations];
  if (nodes.length === 0) {
    return { nodes: [], edges: [], width: 0, height: 0, hiddenDestinations };
  }

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: options.direction,
    nodesep: options.nodeGap,
    ranksep: options.layerGap,
    marginx: 0,
    marginy: 0,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const size = { width: options.nodeWidth, height: options.nodeHeight };
  for (const n of nodes) {
    g.setNode(n.id, { ...size });
  }
  for (const e of edges) {
    g.setEdge(e.source, e.target, { minlen: 1 }, e.id);
  }
  const loose = destinations.filter((d) => !targets.has(d.id));
  if (loose.length > 0) {
    // Flat, so it takes no room in the source layer.
    g.setNode(
      ANCHOR,
      options.direction === 'TB' ? { width: 0, height: size.height } : { width: size.width, height: 0 },
    );
    for (const d of loose) {
      g.setEdge(ANCHOR, d.id, { minlen: 1 }, `${ANCHOR}${d.id}`);
    }
  }

  dagre.layout(g);

  const placed = nodes.map((node) => {
    const { x, y } = g.node(node.id) as { x: number; y: number };
    return { node, x: x - size.width / 2, y: y - size.height / 2, width: size.width, height: size.height };
  });
  // Make the box start at 0,0 whatever was removed (the anchor may have been first).
  const minX = placed.reduce((m, p) => Math.min(m, p.x), Infinity);
  const minY = placed.reduce((m, p) => Math.min(m, p.y), Infinity);
  let width = 0;
  let height = 0;
  for (const p of placed) {
    p.x -= minX;
    p.y -= minY;
    width = Math.max(width, p.x + p.width);
    height = Math.max(height, p.y + p.height);
  }
  return { nodes: placed, edges, width, height, hiddenDestinations };
}
