// Values of the network-mapping contract the panel needs at run time. That module builds TypeBox
// schemas when it loads, so the bundle may import only its types (a static test keeps TypeBox
// out of every bundle); these copies are compared with the contract in contract-values.test.ts.
import type { BulkSelector, FailoverType } from '@oma-insights/contracts/network-mapping';

export type NameMatchType = NonNullable<BulkSelector['name_pattern']>['match'];

export const FAILOVER_TYPES = ['live', 'test'] as const satisfies readonly FailoverType[];
export const NAME_MATCH_TYPES = ['exact', 'contains', 'regex'] as const satisfies readonly NameMatchType[];
/** VMs one bulk request may name (`selector.vm_names`). */
export const MAX_SELECTOR_VMS = 100_000;
/** Rules one bulk request may carry. */
export const MAX_BULK_RULES = 2_000;
