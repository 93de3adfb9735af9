import type { DataQuery } from '@grafana/schema';

import { queriedFailoverType, withFailoverType } from './failover-query';

type Query = DataQuery & { failoverType?: string; limit?: number };

const topology = (failoverType?: string, extra = {}): Query => ({
  refId: 'A',
  queryType: 'networkTopology',
  failoverType,
  ...extra,
});
const vms: Query = { refId: 'C', queryType: 'networkVms', limit: 10 };

describe('queriedFailoverType', () => {
  it('is the failover type of the first failover-dependent query, live when unset', () => {
    expect(queriedFailoverType([vms, topology('test')])).toBe('test');
    expect(queriedFailoverType([topology()])).toBe('live');
    expect(
      queriedFailoverType([
        { refId: 'B', queryType: 'networkRecommendations', failoverType: 'test' } as Query,
      ]),
    ).toBe('test');
  });

  it('skips hidden queries and is undefined without a failover-dependent one', () => {
    expect(queriedFailoverType([topology('test', { hide: true }), topology('live')])).toBe('live');
    expect(queriedFailoverType([vms])).toBeUndefined();
    expect(queriedFailoverType(undefined)).toBeUndefined();
  });

  it('is undefined for a template variable (which value it took is not known here)', () => {
    expect(queriedFailoverType([topology('$failover')])).toBeUndefined();
  });
});

describe('withFailoverType', () => {
  it('sets the failover type on failover-dependent queries only, leaving the originals alone', () => {
    const targets: Query[] = [topology('live'), { refId: 'B', queryType: 'networkRecommendations' }, vms];
    const switched = withFailoverType(targets, 'test');
    expect(switched).toEqual([
      topology('test'),
      { refId: 'B', queryType: 'networkRecommendations', failoverType: 'test' },
      vms,
    ]);
    expect(targets[0].failoverType).toBe('live');
  });
});
