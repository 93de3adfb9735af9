// The one place the panel sends a bulk mapping. The data source is getting a dedicated
// `bulkMapping(request, idempotencyKey)` that also sends the Idempotency-Key header; until it
// lands this goes through its generic write(), which sends no header: switch here when it does.
import { getAppEvents } from '@grafana/runtime';
import type { BulkMappingRequest, BulkMappingResult } from '@oma-insights/contracts/network-mapping';

import type { DataSource } from '../../datasource/datasource';

export type SendBulkMapping = (
  request: BulkMappingRequest,
  idempotencyKey?: string,
) => Promise<BulkMappingResult>;

export const BULK_MAPPING_PATH = '/networks/bulk-mapping';

export function bulkMappingClient(ds: Pick<DataSource, 'write'>): SendBulkMapping {
  return (request, _idempotencyKey) => ds.write<BulkMappingResult>('POST', BULK_MAPPING_PATH, request);
}

/** A new Idempotency-Key for one apply. */
export const newIdempotencyKey = () => crypto.randomUUID();

interface SceneContext {
  state?: { $timeRange?: { onRefresh?: () => void } };
}

/**
 * Asks the dashboard to run every query again (the mappings changed). Grafana has no public API
 * for it: a Scenes dashboard (Grafana 12+) exposes itself as `window.__grafanaSceneContext` and
 * refreshes through its time range, as its refresh button does; a classic dashboard refreshes on
 * the `variables-changed` app event.
 */
export function refreshDashboard(): void {
  const scene = (window as unknown as { __grafanaSceneContext?: SceneContext }).__grafanaSceneContext;
  const timeRange = scene?.state?.$timeRange;
  if (typeof timeRange?.onRefresh === 'function') {
    timeRange.onRefresh();
    return;
  }
  getAppEvents()?.publish({ type: 'variables-changed', payload: { refreshAll: true } });
}
