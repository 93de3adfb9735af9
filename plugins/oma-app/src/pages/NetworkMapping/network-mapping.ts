// The Network mapping page's data: the queries behind its two panels and its summary row, and
// the pure shaping of the summary. No React, no I/O.
import type { DataFrame } from '@grafana/data';

import { MAX_NETWORK_VM_ROWS, type OmaQuery } from '../../datasource/types';
import { buildTopologyModel, TopologyDataError } from '../../panels/network-topology/model/topology-model';

export const TOPOLOGY_PANEL_ID = 'oma-networktopology-panel';
export const BULK_MAPPING_PANEL_ID = 'oma-bulkmapping-panel';

/** What the topology panel shows; its switch asks for test failover itself. */
export const TOPOLOGY_QUERIES: OmaQuery[] = [
  { refId: 'topology', queryType: 'networkTopology', failoverType: 'live' },
  { refId: 'recommendations', queryType: 'networkRecommendations', failoverType: 'live', unmappedOnly: true },
  { refId: 'vms', queryType: 'networkVms' },
];

/**
 * What the bulk mapping panel works on (as on the Network Mapping dashboard): every VM NIC, the
 * recommendations for its rules, every destination network as a choice.
 */
export const BULK_MAPPING_QUERIES: OmaQuery[] = [
  { refId: 'vms', queryType: 'networkVms', limit: MAX_NETWORK_VM_ROWS },
  { refId: 'recs', queryType: 'networkRecommendations', failoverType: 'live' },
  { refId: 'dst', queryType: 'variable', variable: 'destinationNetworks' },
];

export interface MappingSummary {
  /** VMware networks with at least one VM without a mapping (live failover). */
  unmappedNetworks: number;
  /** VM NICs on those networks without a mapping. */
  unmappedVms: number;
  /** Mappings (source → destination) of which at least one failed validation. */
  invalidMappings: number;
}

/** The summary row, from the topology query's frames; undefined until they are there. */
export function mappingSummary(frames: DataFrame[]): MappingSummary | undefined {
  try {
    const { sources, summary } = buildTopologyModel(frames, { minScore: 1 });
    return {
      unmappedNetworks: summary.unmappedSources + summary.partialSources,
      unmappedVms: sources.reduce((n, s) => n + s.unmappedVmCount, 0),
      invalidMappings: summary.invalidMappings,
    };
  } catch (err) {
    if (err instanceof TopologyDataError) {
      return undefined;
    }
    throw err;
  }
}
