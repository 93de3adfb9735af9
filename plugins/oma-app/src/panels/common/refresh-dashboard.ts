// After a panel changed mappings, everything that shows them must run its queries again.
import { getAppEvents } from '@grafana/runtime';

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
