/**
 * Applying a recommended edge: map every VM of the source network to the recommended destination
 * for the failover type shown, through the data source's bulk mapping (one transaction).
 */
import type { BulkMappingRequest, BulkMappingResult } from '@oma-insights/contracts/network-mapping';

import type { FailoverType } from '../types';
import type { RecommendationEdge } from './topology-model';

export function recommendationRequest(
  edge: RecommendationEdge,
  failoverType: FailoverType,
): BulkMappingRequest {
  return {
    selector: { source_network: edge.sourceNetwork },
    rules: [
      {
        source_network: edge.sourceNetwork,
        destination_network_id: edge.networkId,
        is_test_network: failoverType === 'test',
      },
    ],
    failover_type: failoverType,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line for the user: what the server changed, and whether the result validates. */
export function describeResult(result: BulkMappingResult): string {
  const { vms_matched, created, updated, unchanged } = result.summary;
  const changed = created + updated;
  const what =
    changed === 0
      ? `Nothing changed: ${plural(vms_matched, 'VM')} already mapped that way.`
      : `Mapped ${plural(changed, 'NIC')} (${created} new, ${updated} changed, ${unchanged} unchanged) on ${plural(vms_matched, 'VM')}.`;
  const { invalid, warnings } = result.validation.summary;
  const check =
    invalid > 0
      ? ` Validation: ${plural(invalid, 'VM')} still invalid.`
      : warnings > 0
        ? ` Validation: ${plural(warnings, 'VM')} with warnings.`
        : ' Validation: no issues.';
  return what + check;
}
