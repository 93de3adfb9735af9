import type { LayoutDirection } from '../types';
import {
  dst,
  edgesFrame,
  nodesFrame,
  recommendationsFrame,
  src,
  type EdgeRow,
  type NodeRow,
} from '../test-utils/frames';
import { DEFAULT_LAYOUT, layoutTopology, type PositionedNode, type TopologyLayout } from './layout';
import { buildTopologyModel, type TopologyModel } from './topology-model';

const options = (direction: LayoutDirection = 'LR', overrides = {}) => ({
  ...DEFAULT_LAYOUT,
  direction,
  showUnmapped: true,
  showRecommendations: true,
  showUnusedDestinations: true,
  ...overrides,
});

function small(): TopologyModel {
  return buildTopologyModel(
    [
      nodesFrame([
        src('A', 3),
        src('B', 2),
        src('C', 1, 'unmapped'),
        dst('n1', 'one', 3),
        dst('n2', 'two', 2),
        dst('n3', 'unused', 0),
      ]),
      edgesFrame([
        { source: 'src:A', target: 'dst:n1', vm_count: 3 },
        { source: 'src:B', target: 'dst:n2', vm_count: 2 },
      ]),
      recommendationsFrame([
        { source_network: 'C', vm_count: 1, rank: 1, network_id: 'n2', network_name: 'two', score: 0.6 },
      ]),
    ],
    { minScore: 0 },
  );
}

const byKind = (layout: TopologyLayout, kind: 'source' | 'destination') =>
  layout.nodes.filter((p) => p.node.kind === kind);

function overlaps(a: PositionedNode, b: PositionedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** No two nodes overlap (every pair is checked: 600 nodes are 180,000 pairs). */
function assertNoOverlaps(layout: TopologyLayout) {
  const { nodes } = layout;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (overlaps(nodes[i], nodes[j])) {
        throw new Error(`${nodes[i].node.id} overlaps ${nodes[j].node.id}`);
      }
    }
  }
}

test('the overlap check catches nodes that touch the same space', () => {
  const layout = layoutTopology(small(), options('LR'));
  const [a, b] = layout.nodes;
  expect(() => assertNoOverlaps({ ...layout, nodes: [a, { ...b, x: a.x + 5, y: a.y + 5 }] })).toThrow(
    /overlaps/,
  );
});

describe('layoutTopology', () => {
  it('puts the VMware networks in one layer and the CloudStack networks in the next, left to right', () => {
    const layout = layoutTopology(small(), options('LR'));
    const sources = byKind(layout, 'source');
    const destinations = byKind(layout, 'destination');
    expect(sources.map((p) => p.node.id)).toEqual(['src:A', 'src:B', 'src:C']);
    expect(new Set(sources.map((p) => p.x)).size).toBe(1);
    expect(new Set(destinations.map((p) => p.x)).size).toBe(1);
    // An unused destination (no edge at all) is still in the destination layer.
    expect(destinations.map((p) => p.node.id).sort()).toEqual(['dst:n1', 'dst:n2', 'dst:n3']);
    expect(sources[0].x + DEFAULT_LAYOUT.nodeWidth + DEFAULT_LAYOUT.layerGap).toBe(destinations[0].x);
    expect(layout.edges.map((e) => e.id)).toEqual(['src:A->dst:n1', 'src:B->dst:n2', 'rec:src:C->dst:n2']);
    assertNoOverlaps(layout);
  });

  it('starts at 0,0 and reports the size of what it laid out', () => {
    const layout = layoutTopology(small(), options('LR'));
    expect(Math.min(...layout.nodes.map((p) => p.x))).toBe(0);
    expect(Math.min(...layout.nodes.map((p) => p.y))).toBe(0);
    expect(layout.width).toBe(2 * DEFAULT_LAYOUT.nodeWidth + DEFAULT_LAYOUT.layerGap);
    expect(layout.height).toBe(Math.max(...layout.nodes.map((p) => p.y + p.height)));
  });

  it('mirrors for right to left and stacks the layers for top to bottom', () => {
    const rl = layoutTopology(small(), options('RL'));
    expect(byKind(rl, 'source')[0].x).toBeGreaterThan(byKind(rl, 'destination')[0].x);
    const tb = layoutTopology(small(), options('TB'));
    const [s, d] = [byKind(tb, 'source'), byKind(tb, 'destination')];
    expect(new Set(s.map((p) => p.y))).toEqual(new Set([0]));
    expect(new Set(d.map((p) => p.y)).size).toBe(1);
    expect(d[0].y).toBeGreaterThan(DEFAULT_LAYOUT.nodeHeight);
    assertNoOverlaps(tb);
  });

  it('leaves out unmapped sources (and their recommendations) or just the recommendations on request', () => {
    const hidden = layoutTopology(small(), options('LR', { showUnmapped: false }));
    expect(hidden.nodes.map((p) => p.node.id)).not.toContain('src:C');
    expect(hidden.edges.map((e) => e.kind)).toEqual(['mapping', 'mapping']);
    const noRecs = layoutTopology(small(), options('LR', { showRecommendations: false }));
    expect(noRecs.nodes.map((p) => p.node.id)).toContain('src:C');
    expect(noRecs.edges.some((e) => e.kind === 'recommendation')).toBe(false);
  });

  it('leaves out CloudStack networks nothing shown leads to, and counts them', () => {
    const layout = layoutTopology(small(), options('LR', { showUnusedDestinations: false }));
    expect(byKind(layout, 'destination').map((p) => p.node.id)).toEqual(['dst:n1', 'dst:n2']);
    expect(layout.hiddenDestinations).toBe(1);
    // Without recommendations n2 is still used (B maps to it); without unmapped sources too.
    const fewer = layoutTopology(
      small(),
      options('LR', { showUnusedDestinations: false, showUnmapped: false }),
    );
    expect(fewer.hiddenDestinations).toBe(1);
    expect(layoutTopology(small(), options('LR')).hiddenDestinations).toBe(0);
  });

  it('lays out nothing for an empty model, and only destinations when there are no sources', () => {
    const empty = buildTopologyModel([nodesFrame([]), edgesFrame([])], { minScore: 0 });
    expect(layoutTopology(empty, options())).toEqual({
      nodes: [],
      edges: [],
      width: 0,
      height: 0,
      hiddenDestinations: 0,
    });
    const onlyDest = buildTopologyModel([nodesFrame([dst('a', 'a', 0), dst('b', 'b', 0)])], { minScore: 0 });
    const layout = layoutTopology(onlyDest, options());
    expect(layout.nodes).toHaveLength(2);
    assertNoOverlaps(layout);
  });

  it('300 source × 300 destination networks: two layers, no overlaps, deterministic', () => {
    const nodes: NodeRow[] = [];
    const edges: EdgeRow[] = [];
    for (let i = 0; i < 300; i++) {
      // Every 7th source is unmapped; every 5th has a second destination (a partial split).
      nodes.push(src(`PG-${i}`, 1 + (i % 9), i % 7 === 0 ? 'unmapped' : 'mapped'));
      nodes.push(dst(`n${i}`, `net-${i}`, 0));
      if (i % 7 !== 0) {
        edges.push({ source: `src:PG-${i}`, target: `dst:n${(i * 13) % 211}`, vm_count: 1 + (i % 9) });
      }
      if (i % 5 === 0 && i % 7 !== 0) {
        edges.push({
          source: `src:PG-${i}`,
          target: `dst:n${(i * 7) % 251}`,
          vm_count: 1,
          validation_status: 'invalid',
        });
      }
    }
    const model = buildTopologyModel([nodesFrame(nodes), edgesFrame(edges)], { minScore: 0 });
    expect(model.sources).toHaveLength(300);
    expect(model.destinations).toHaveLength(300);

    const layout = layoutTopology(model, options('LR'));
    expect(layout.nodes).toHaveLength(600);
    const sourceX = new Set(byKind(layout, 'source').map((p) => p.x));
    const destinationX = new Set(byKind(layout, 'destination').map((p) => p.x));
    expect([...sourceX]).toEqual([0]);
    expect([...destinationX]).toEqual([DEFAULT_LAYOUT.nodeWidth + DEFAULT_LAYOUT.layerGap]);
    assertNoOverlaps(layout);
    // Within a layer, nodes keep at least the configured gap.
    for (const kind of ['source', 'destination'] as const) {
      const ys = byKind(layout, kind)
        .map((p) => p.y)
        .sort((a, b) => a - b);
      const gaps = ys.slice(1).map((y, i) => y - ys[i]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DEFAULT_LAYOUT.nodeHeight + DEFAULT_LAYOUT.nodeGap);
    }
    expect(layoutTopology(model, options('LR'))).toEqual(layout);
  });
});
