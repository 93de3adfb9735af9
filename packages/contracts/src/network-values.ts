// The network-mapping contract's plain values, without TypeBox: the plugins bundle these (the
// schemas in network-mapping.ts are built from them and stay out of the browser bundles).

export const FAILOVER_TYPES = ['live', 'test'] as const;
export type FailoverType = (typeof FAILOVER_TYPES)[number];

export const NAME_MATCH_TYPES = ['exact', 'contains', 'regex'] as const;
export type NameMatchType = (typeof NAME_MATCH_TYPES)[number];

/** VMs one bulk mapping or validation request may name. */
export const MAX_SELECTOR_VMS = 100_000;
/** Rules one bulk mapping request may carry. */
export const MAX_BULK_RULES = 2_000;

export const VALIDATION_CODES = [
  'UNMAPPED_NETWORK',
  'DESTINATION_NOT_FOUND',
  'DESTINATION_NOT_DEPLOYABLE',
  'ZONE_MISMATCH',
  'TEST_FAILOVER_ON_LIVE_NETWORK',
  'LIVE_FAILOVER_ON_TEST_NETWORK',
  'DUPLICATE_TARGET',
  'NO_NICS',
  'PROBE_FAILED',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];
