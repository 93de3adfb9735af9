import type { FailoverType } from '@oma-insights/contracts/network-mapping';

export type { FailoverType };

/** Where the VMware (source) networks sit; the CloudStack (destination) networks face them. */
export type LayoutDirection = 'LR' | 'RL' | 'TB';

/** The panel's saved options (module.ts builds their editors, with these defaults). */
export interface TopologyOptions {
  /** Display: which failover's mappings the panel shows first (the switch in the panel changes it). */
  failoverType: FailoverType;
  direction: LayoutDirection;
  /** Display: source networks whose VMs have no mapping at all. */
  showUnmapped: boolean;
  /** Display: CloudStack networks nothing is mapped (or recommended) to. */
  showUnusedDestinations: boolean;
  /** Display: longest network name drawn in a node (the full name is in its tooltip and the drawer). */
  nameLength: number;
  /** Recommendations: draw the top candidate of each unmapped source network, dashed. */
  showRecommendations: boolean;
  /** Recommendations: candidates scoring below this (0..1) are not drawn. */
  minScore: number;
  /** Colours: Grafana colour names or hex, resolved through the theme. */
  unmappedColor: string;
  invalidColor: string;
  recommendedColor: string;
  mappedColor: string;
}

export const DEFAULT_OPTIONS: TopologyOptions = {
  failoverType: 'live',
  direction: 'LR',
  showUnmapped: true,
  showUnusedDestinations: false,
  nameLength: 32,
  showRecommendations: true,
  minScore: 0.2,
  unmappedColor: 'orange',
  invalidColor: 'red',
  recommendedColor: 'blue',
  mappedColor: 'green',
};
