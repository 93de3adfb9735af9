import { FieldType, createDataFrame } from '@grafana/data';

import { dst, edgesFrame, nodesFrame, recommendationsFrame, src, vmsFrame } from '../test-utils/frames';
import { TopologyDataError, buildTopologyModel, shortName } from './topology-model';

const options = { minScore: 0.2 };

const topology = () => [
  nodesFrame([
    src('PG-Prod-App', 12, 'mapped', '110'),
    src('PG-Prod-DB', 5, 'partial', null, 2),
    src('PG-Dev', 3, 'unmapped'),
    src('PG-Lab', 2, 'unmapped'),
    dst('net-1', 'prod-app', 12),
    dst('net-2', 'prod-db', 3),
    dst('net-3', 'spare', 0, 'zone-2', 'Allocated'),
  ]),
  edgesFrame([
    { source: 'src:PG-Prod-App', target: 'dst:net-1', vm_count: 12 },
    { source: 'src:PG-Prod-DB', target: 'dst:net-2', vm_count: 3, validation_status: 'invalid' },
  ]),
];

describe('buildTopologyModel', () => {
  it('reads source and destination networks and the mappings between them', () => {
    const model = buildTopologyModel(topology(), options);
    expect(model.sources.map((s) => [s.name, s.vmCount, s.unmappedVmCount, s.state, s.vlan])).toEqual([
      ['PG-Prod-App', 12, 0, 'mapped', '110'],
      ['PG-Prod-DB', 5, 2, 'partial', null],
      ['PG-Dev', 3, 3, 'unmapped', null],
      ['PG-Lab', 2, 2, 'unmapped', null],
    ]);
    expect(model.destinations.map((d) => [d.id, d.networkId, d.name, d.vmCount, d.zone, d.state])).toEqual([
      ['dst:net-1', 'net-1', 'prod-app', 12, 'zone-1', 'Implemented'],
      ['dst:net-2', 'net-2', 'prod-db', 3, 'zone-1', 'Implemented'],
      ['dst:net-3', 'net-3', 'spare', 0, 'zone-2', 'Allocated'],
    ]);
    expect(model.mappings).toEqual([
      expect.objectContaining({
        source: 'src:PG-Prod-App',
        target: 'dst:net-1',
        vmCount: 12,
        validation: 'valid',
      }),
      expect.objectContaining({
        source: 'src:PG-Prod-DB',
        target: 'dst:net-2',
        vmCount: 3,
        validation: 'invalid',
      }),
    ]);
    expect(model.summary).toEqual({
      sources: 4,
      destinations: 3,
      unmappedSources: 2,
      partialSources: 1,
      invalidMappings: 1,
      recommendations: 0,
    });
  });

  it('finds the frames by name or shape, whatever their refIds and order', () => {
    const [nodes, edges] = topology();
    const renamed = [
      vmsFrame([{ vm_name: 'a', source_network: 'PG-Dev' }]),
      createDataFrame({ ...edges, name: undefined, refId: 'Z' }),
      createDataFrame({ ...nodes, name: undefined, refId: 'Y' }),
    ];
    const model = buildTopologyModel(renamed, options);
    expect(model.sources).toHaveLength(4);
    expect(model.mappings).toHaveLength(2);
  });

  it('draws the top candidate of each unmapped source at or above the score threshold', () => {
    const frames = [
      ...topology(),
      recommendationsFrame([
        // Listed out of rank order: rank decides, not position.
        {
          source_network: 'PG-Dev',
          vm_count: 3,
          rank: 2,
          network_id: 'net-1',
          network_name: 'prod-app',
          score: 0.2,
        },
        {
          source_network: 'PG-Dev',
          vm_count: 3,
          rank: 1,
          network_id: 'net-9',
          network_name: 'dev',
          score: 0.71,
          reasons: 'name tokens match: dev; VLAN 30 in both',
        },
        {
          source_network: 'PG-Lab',
          vm_count: 2,
          rank: 1,
          network_id: 'net-3',
          network_name: 'spare',
          score: 0.1,
        },
        // Partly mapped and mapped sources get no recommended edge.
        {
          source_network: 'PG-Prod-DB',
          vm_count: 5,
          rank: 1,
          network_id: 'net-2',
          network_name: 'prod-db',
          score: 0.9,
        },
        {
          source_network: 'PG-Prod-App',
          vm_count: 12,
          rank: 1,
          network_id: 'net-1',
          network_name: 'prod-app',
          score: 0.95,
        },
      ]),
    ];
    const model = buildTopologyModel(frames, options);
    expect(model.recommendations).toEqual([
      {
        kind: 'recommendation',
        id: 'rec:src:PG-Dev->dst:net-9',
        source: 'src:PG-Dev',
        target: 'dst:net-9',
        sourceNetwork: 'PG-Dev',
        networkId: 'net-9',
        networkName: 'dev',
        score: 0.71,
        reasons: ['name tokens match: dev', 'VLAN 30 in both'],
        vmCount: 3,
      },
    ]);
    // net-9 was not in the topology: it is added, with no VMs yet.
    expect(model.destinations.find((d) => d.id === 'dst:net-9')).toEqual(
      expect.objectContaining({ name: 'dev', vmCount: 0 }),
    );
    expect(model.summary.recommendations).toBe(1);
    expect(buildTopologyModel(frames, { minScore: 0 }).recommendations.map((r) => r.sourceNetwork)).toEqual([
      'PG-Dev',
      'PG-Lab',
    ]);
  });

  it('derives a source state from the edges when the frame gives none, and drops dangling edges', () => {
    const nodes = nodesFrame([src('A', 1, ''), src('B', 1, ''), dst('n', 'n', 1)]);
    const edges = edgesFrame([
      { source: 'src:A', target: 'dst:n', vm_count: 1, validation_status: 'mixed' },
      { source: 'src:A', target: 'dst:gone', vm_count: 1 },
      { source: 'src:nobody', target: 'dst:n', vm_count: 1 },
    ]);
    const model = buildTopologyModel([nodes, edges], options);
    expect(model.sources.map((s) => [s.name, s.state])).toEqual([
      ['A', 'mapped'],
      ['B', 'unmapped'],
    ]);
    expect(model.mappings.map((e) => [e.target, e.validation])).toEqual([['dst:n', 'mixed']]);
    // Mixed is valid and not yet validated: not an invalid mapping.
    expect(model.summary.invalidMappings).toBe(0);
  });

  it('reads plain field names too, and tolerates missing, blank and odd values', () => {
    const nodes = createDataFrame({
      name: 'nodes',
      fields: [
        { name: 'id', type: FieldType.string, values: ['src:X', 'dst:7', '', 'weird', 'src:Y'] },
        { name: 'title', type: FieldType.string, values: ['X', 'seven', 'blank', 'weird', null] },
        { name: 'mainstat', type: FieldType.string, values: ['4 VMs', 'n/a', '1', '1', '-3'] },
        { name: 'state', type: FieldType.string, values: ['unmapped', null, null, null, 'bogus'] },
      ],
    });
    const model = buildTopologyModel([nodes], options);
    expect(model.sources.map((s) => [s.id, s.name, s.vmCount, s.unmappedVmCount, s.state])).toEqual([
      ['src:X', 'X', 4, 4, 'unmapped'],
      // No title: the name comes from the id; an unknown state is derived (no edges: unmapped).
      ['src:Y', 'Y', 0, 0, 'unmapped'],
    ]);
    expect(model.destinations.map((d) => [d.networkId, d.vmCount])).toEqual([['7', 0]]);
    expect(model.mappings).toEqual([]);
  });

  it('says which query is missing when there is no topology frame', () => {
    expect(() => buildTopologyModel([], options)).toThrow(TopologyDataError);
    expect(() => buildTopologyModel([vmsFrame([{ vm_name: 'a', source_network: 'b' }])], options)).toThrow(
      /add a "Network topology" query/,
    );
  });

  it('an empty topology is a model with nothing in it', () => {
    const model = buildTopologyModel([nodesFrame([]), edgesFrame([])], options);
    expect(model.sources).toEqual([]);
    expect(model.summary.sources).toBe(0);
  });
});

describe('shortName', () => {
  it('keeps short names and shortens long ones in the middle to the given length', () => {
    expect(shortName('PG-Prod', 10)).toBe('PG-Prod');
    const s = shortName('dvPortGroup-Production-Application-VLAN110', 20);
    expect(s).toBe('dvPortGrou…n-VLAN110');
    expect(s).toHaveLength(20);
  });

  it('never goes below five characters', () => {
    expect(shortName('abcdefghij', 1)).toBe('ab…ij');
  });
});
