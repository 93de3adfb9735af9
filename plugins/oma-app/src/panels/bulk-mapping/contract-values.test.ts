import * as contract from '@oma-insights/contracts/network-mapping';

import { FAILOVER_TYPES, MAX_BULK_RULES, MAX_SELECTOR_VMS, NAME_MATCH_TYPES } from './contract-values';

test("the panel's copies of contract values equal the contract's", () => {
  expect(FAILOVER_TYPES).toEqual(contract.FAILOVER_TYPES);
  expect(NAME_MATCH_TYPES).toEqual(contract.NAME_MATCH_TYPES);
  expect(MAX_SELECTOR_VMS).toBe(contract.MAX_SELECTOR_VMS);
  expect(MAX_BULK_RULES).toBe(contract.MAX_BULK_RULES);
});
