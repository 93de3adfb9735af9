import { EventBusSrv } from '@grafana/data';
import { setAppEvents } from '@grafana/runtime';

import {
  BULK_MAPPING_PATH,
  bulkMappingClient,
  newIdempotencyKey,
  refreshDashboard,
} from './bulk-mapping-client';
import { result } from './test-utils/factory';

test("sends the request and its idempotency key through the data source's bulkMapping and answers its result", async () => {
  const answer = result({ applied: true });
  const bulkMapping = jest.fn().mockResolvedValue(answer);
  const request = {
    selector: { vm_names: ['a'] },
    use_recommendations: true,
    failover_type: 'live' as const,
    dry_run: false,
  };
  await expect(bulkMappingClient({ bulkMapping } as never)(request, 'key-1')).resolves.toBe(answer);
  expect(bulkMapping).toHaveBeenCalledWith(request, 'key-1');
  expect(BULK_MAPPING_PATH).toBe('/networks/bulk-mapping');
});

test('a rejection reaches the caller unchanged', async () => {
  const err = Object.assign(new Error('refused'), { status: 422 });
  await expect(
    bulkMappingClient({ bulkMapping: jest.fn().mockRejectedValue(err) } as never)({} as never),
  ).rejects.toBe(err);
});

test('idempotency keys are fresh UUIDs', () => {
  const a = newIdempotencyKey();
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(newIdempotencyKey()).not.toBe(a);
});

describe('refreshDashboard', () => {
  afterEach(() => {
    delete (window as { __grafanaSceneContext?: unknown }).__grafanaSceneContext;
  });

  test('a Scenes dashboard refreshes through its time range', () => {
    const onRefresh = jest.fn();
    (window as { __grafanaSceneContext?: unknown }).__grafanaSceneContext = {
      state: { $timeRange: { onRefresh } },
    };
    refreshDashboard();
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  test('otherwise it publishes the app event a classic dashboard refreshes on', () => {
    const bus = new EventBusSrv();
    const seen: unknown[] = [];
    bus.subscribe({ type: 'variables-changed' } as never, (e: { payload?: unknown }) => seen.push(e.payload));
    setAppEvents(bus);
    refreshDashboard();
    expect(seen).toEqual([{ refreshAll: true }]);
  });
});
