import { dst, edgesFrame, nodesFrame, src } from '../test-utils/frames';
import { findNetwork, focusPoint } from './find';
import { DEFAULT_LAYOUT, layoutTopology } from './layout';
import { buildTopologyModel } from './topology-model';

const model = buildTopologyModel(
  [
    nodesFrame([src('PG-Prod', 2), src('PG-Prod-DB', 1), dst('n1', 'prod-net', 3)]),
    edgesFrame([
      { source: 'src:PG-Prod', target: 'dst:n1', vm_count: 2 },
      { source: 'src:PG-Prod-DB', target: 'dst:n1', vm_count: 1 },
    ]),
  ],
  { minScore: 0 },
);
const layout = layoutTopology(model, {
  ...DEFAULT_LAYOUT,
  direction: 'LR',
  showUnmapped: true,
  showRecommendations: true,
  showUnusedDestinations: true,
});

describe('findNetwork', () => {
  it('prefers an exact name (any case) to a name that contains the text', () => {
    expect(findNetwork(layout, 'pg-prod-db')?.node.id).toBe('src:PG-Prod-DB');
    expect(findNetwork(layout, ' PG-PROD ')?.node.id).toBe('src:PG-Prod');
  });

  it('finds by part of a name, destinations too, and nothing for blank or unknown text', () => {
    expect(findNetwork(layout, 'net')?.node.id).toBe('dst:n1');
    expect(findNetwork(layout, '   ')).toBeUndefined();
    expect(findNetwork(layout, 'nope')).toBeUndefined();
  });
});

describe('focusPoint', () => {
  it('is level with the network, halfway between the layers', () => {
    const found = findNetwork(layout, 'PG-Prod-DB')!;
    expect(focusPoint(found, layout, 'LR')).toEqual({ x: layout.width / 2, y: found.y + found.height / 2 });
    expect(focusPoint(found, layout, 'TB')).toEqual({ x: found.x + found.width / 2, y: layout.height / 2 });
  });
});
