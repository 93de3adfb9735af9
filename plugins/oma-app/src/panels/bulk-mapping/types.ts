// The bulk mapping panel's saved options and their defaults (one place; module.ts and the
// components read them from here).
import type { FailoverType } from '@oma-insights/contracts/network-mapping';

import type { NameMatchType } from '@oma-insights/contracts/network-values';

export type { FailoverType, NameMatchType };

export interface BulkMappingOptions {
  /** Failover type when the panel's queries do not name one (a `failoverType` on the recommendations query wins). */
  failoverType: FailoverType;
  /** Rows of the VM list visible at once: its height. */
  vmListRows: number;
  /** Match type the name pattern filter starts with. */
  nameMatchType: NameMatchType;
  /** Ask before applying, stating how many VMs and NICs change. */
  requireConfirmation: boolean;
  /** Show why each recommendation was made. */
  showReasons: boolean;
  /** Offer "map every NIC to its top recommendation" beside explicit rules. */
  allowUseRecommendations: boolean;
  /** Refresh the dashboard after an apply, so every panel shows the new mappings. */
  refreshAfterApply: boolean;
  /** VMs listed per before → after line of the diff (the rest are counted). */
  diffVmsPerLine: number;
}

export const DEFAULT_FAILOVER_TYPE: FailoverType = 'live';
export const DEFAULT_VM_LIST_ROWS = 10;
export const MIN_VM_LIST_ROWS = 3;
export const MAX_VM_LIST_ROWS = 100;
export const DEFAULT_NAME_MATCH_TYPE: NameMatchType = 'contains';
export const DEFAULT_DIFF_VMS_PER_LINE = 5;

export const DEFAULT_OPTIONS: BulkMappingOptions = {
  failoverType: DEFAULT_FAILOVER_TYPE,
  vmListRows: DEFAULT_VM_LIST_ROWS,
  nameMatchType: DEFAULT_NAME_MATCH_TYPE,
  requireConfirmation: true,
  showReasons: true,
  allowUseRecommendations: true,
  refreshAfterApply: true,
  diffVmsPerLine: DEFAULT_DIFF_VMS_PER_LINE,
};

export const FAILOVER_TYPE_LABELS: Record<FailoverType, string> = {
  live: 'Live failover',
  test: 'Test failover',
};

export const MATCH_TYPE_LABELS: Record<NameMatchType, string> = {
  exact: 'Exact',
  contains: 'Contains',
  regex: 'Regex',
};
