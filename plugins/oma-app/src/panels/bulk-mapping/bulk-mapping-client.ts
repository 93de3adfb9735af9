// The one place the panel sends a bulk mapping: the data source's bulkMapping(), through its
// write route with the Idempotency-Key header.
import type { BulkMappingRequest, BulkMappingResult } from '@oma-insights/contracts/network-mapping';

import type { DataSource } from '../../datasource/datasource';

export type SendBulkMapping = (
  request: BulkMappingRequest,
  idempotencyKey?: string,
) => Promise<BulkMappingResult>;

export const BULK_MAPPING_PATH = '/networks/bulk-mapping';

export function bulkMappingClient(ds: Pick<DataSource, 'bulkMapping'>): SendBulkMapping {
  return (request, idempotencyKey) => ds.bulkMapping(request, idempotencyKey);
}

/** A new Idempotency-Key for one apply. */
export const newIdempotencyKey = () => crypto.randomUUID();

// Shared with the topology panel, which changes mappings too.
export { refreshDashboard } from '../common/refresh-dashboard';
