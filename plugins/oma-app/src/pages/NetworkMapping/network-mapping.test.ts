import { dst, edgesFrame, nodesFrame, src } from '../../panels/network-topology/test-utils/frames';
import { mappingSummary } from './network-mapping';

describe('mappingSummary', () => {
  it('counts networks with unmapped VMs (none or some mapped), their VMs, and invalid mappings', () => {
    const frames = [
      nodesFrame([
        src('A', 4),
        src('B', 5, 'partial', null, 2),
        src('C', 3, 'unmapped'),
        dst('n1', 'one', 4),
        dst('n2', 'two', 3),
      ]),
      edgesFrame([
        { source: 'src:A', target: 'dst:n1', vm_count: 4, validation_status: 'invalid' },
        { source: 'src:B', target: 'dst:n2', vm_count: 3, validation_status: 'mixed' },
      ]),
    ];
    expect(mappingSummary(frames)).toEqual({ unmappedNetworks: 2, unmappedVms: 5, invalidMappings: 1 });
  });

  it('is undefined without topology frames (still loading, or the query failed)', () => {
    expect(mappingSummary([])).toBeUndefined();
  });
});
