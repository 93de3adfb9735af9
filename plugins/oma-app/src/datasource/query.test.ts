import {
  buildQueryRequest,
  interpolateQuery,
  normalizeQuery,
  parseVariableQuery,
  toWireQuery,
} from './query';
import {
  DEFAULT_CANDIDATES,
  DEFAULT_LIMIT,
  MAX_CANDIDATES,
  MAX_LIMIT,
  MAX_NETWORK_VM_ROWS,
  MAX_PREDICTION_CONCURRENCY,
  type OmaQuery,
} from './types';

const vars: Record<string, string> = { vcenter: 'vc-01.lab', vm: 'db-01', st: 'failed', js: 'recent' };
const interpolate = (v: string) => v.replace(/\$(\w+)/g, (m, name: string) => vars[name] ?? m);

describe('normalizeQuery', () => {
  it('reads a query without queryType (an empty new panel) as vmContexts with the default limit', () => {
    expect(normalizeQuery({ refId: 'A' })).toEqual(
      expect.objectContaining({ refId: 'A', queryType: 'vmContexts', limit: DEFAULT_LIMIT }),
    );
  });

  it('falls back to vmContexts for an unknown queryType', () => {
    expect(normalizeQuery({ refId: 'B', queryType: 'nope' }).queryType).toBe('vmContexts');
  });

  it('defaults a jobs query to running jobs and clamps the limit', () => {
    const q = normalizeQuery({ refId: 'A', queryType: 'jobs', limit: 10_000_000 } as never);
    expect(q).toEqual(expect.objectContaining({ queryType: 'jobs', status: 'running', limit: MAX_LIMIT }));
  });

  it('keeps a template variable as the job status filter', () => {
    const q = normalizeQuery({ refId: 'A', queryType: 'jobs', status: '$js' } as never);
    expect(q).toEqual(expect.objectContaining({ status: '$js' }));
  });

  it('turns blank filters into undefined and a bad limit into the default', () => {
    const q = normalizeQuery({
      refId: 'A',
      queryType: 'vmContexts',
      search: '  ',
      vcenter: '',
      limit: -3,
    } as never);
    expect(q).toEqual(
      expect.objectContaining({ search: undefined, vcenter: undefined, limit: DEFAULT_LIMIT }),
    );
  });
});

describe('predictions queries', () => {
  it('keep their filters, clamp the concurrency and drop junk', () => {
    expect(
      normalizeQuery({
        refId: 'A',
        queryType: 'predictions',
        vm: 'db-01,$vm',
        vcenter: '$vcenter',
        concurrency: 500,
        junk: 1,
      } as never),
    ).toEqual({
      refId: 'A',
      queryType: 'predictions',
      hide: undefined,
      datasource: undefined,
      key: undefined,
      vm: 'db-01,$vm',
      vcenter: '$vcenter',
      datacenter: undefined,
      concurrency: MAX_PREDICTION_CONCURRENCY,
    });
    expect(normalizeQuery({ refId: 'A', queryType: 'predictions', concurrency: 0 } as never)).toEqual(
      expect.objectContaining({ concurrency: 4 }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'predictions' } as never)).toEqual(
      expect.objectContaining({ concurrency: undefined, vm: undefined }),
    );
  });

  it('replace template variables in the VM names, vCenter and datacenter', () => {
    const q: OmaQuery = {
      refId: 'A',
      queryType: 'predictions',
      vm: 'web-01,$vm',
      vcenter: '$vcenter',
      concurrency: 2,
    };
    expect(interpolateQuery(q, interpolate)).toEqual({
      ...q,
      vm: 'web-01,db-01',
      vcenter: 'vc-01.lab',
      datacenter: undefined,
    });
  });
});

describe('interpolateQuery', () => {
  it('replaces variables in every vmContexts filter', () => {
    const q: OmaQuery = {
      refId: 'A',
      queryType: 'vmContexts',
      status: '$st',
      vcenter: '$vcenter',
      search: 'web-$vm',
    };
    expect(interpolateQuery(q, interpolate)).toEqual(
      expect.objectContaining({ status: 'failed', vcenter: 'vc-01.lab', search: 'web-db-01' }),
    );
  });

  it('replaces variables in jobs, variable and annotation queries', () => {
    expect(
      interpolateQuery({ refId: 'A', queryType: 'jobs', status: '$js' as never, vm: '$vm' }, interpolate),
    ).toEqual(expect.objectContaining({ status: 'recent', vm: 'db-01' }));
    expect(
      interpolateQuery(
        { refId: 'A', queryType: 'variable', variable: 'vms', vcenter: '$vcenter' },
        interpolate,
      ),
    ).toEqual(expect.objectContaining({ vcenter: 'vc-01.lab' }));
    expect(
      interpolateQuery({ refId: 'A', queryType: 'failedJobAnnotations', vm: '$vm' }, interpolate),
    ).toEqual(expect.objectContaining({ vm: 'db-01' }));
  });

  it('falls back to running when a job status variable resolves to something unknown', () => {
    const q = interpolateQuery(
      { refId: 'A', queryType: 'jobs', status: '$unknownvar' as never },
      interpolate,
    );
    expect(q).toEqual(expect.objectContaining({ status: 'running' }));
  });

  it('drops a filter whose variable is set to All (allValue __all)', () => {
    const q = interpolateQuery(
      { refId: 'A', queryType: 'vmContexts', vcenter: '$vcenter', search: 'x' },
      (v) => (v === '$vcenter' ? '__all' : v),
    );
    expect(q).toEqual(expect.objectContaining({ vcenter: undefined, search: 'x' }));
  });

  it('drops a filter whose variable resolves to an empty string', () => {
    const q = interpolateQuery({ refId: 'A', queryType: 'jobs', status: 'all', vm: '$empty' }, (v) =>
      v === '$empty' ? '' : v,
    );
    expect(q).toEqual(expect.objectContaining({ vm: undefined }));
  });
});

describe('buildQueryRequest', () => {
  it('sends an ISO range, interval and the queries without Grafana-only keys', () => {
    const body = buildQueryRequest(
      [
        {
          refId: 'A',
          queryType: 'vmContexts',
          status: 'failed',
          search: undefined,
          hide: false,
          datasource: { type: 'oma-migration-datasource', uid: 'x' },
        },
      ],
      { from: new Date(0), to: new Date(3600_000), intervalMs: 60_000, maxDataPoints: 100 },
    );
    expect(body).toEqual({
      range: { from: '1970-01-01T00:00:00.000Z', to: '1970-01-01T01:00:00.000Z' },
      intervalMs: 60_000,
      maxDataPoints: 100,
      queries: [{ refId: 'A', queryType: 'vmContexts', status: 'failed' }],
    });
  });

  it('omits intervalMs and maxDataPoints when not given', () => {
    const body = buildQueryRequest([], { from: new Date(0), to: new Date(1) });
    expect(Object.keys(body).sort()).toEqual(['queries', 'range']);
  });

  it('toWireQuery keeps every set field', () => {
    expect(toWireQuery({ refId: 'J', queryType: 'jobs', status: 'failed', vm: 'a', limit: 5 })).toEqual({
      refId: 'J',
      queryType: 'jobs',
      status: 'failed',
      vm: 'a',
      limit: 5,
    });
  });
});

describe('parseVariableQuery', () => {
  it.each([['vcenters'], ['datacenters'], ['vms'], ['sourceNetworks'], ['destinationNetworks']])(
    'reads "%s"',
    (kind) => {
      expect(parseVariableQuery(kind)).toEqual({
        refId: 'variable',
        queryType: 'variable',
        variable: kind,
        vcenter: undefined,
      });
    },
  );

  it('reads a vCenter argument', () => {
    expect(parseVariableQuery(' vms( $vcenter ) ')).toEqual(
      expect.objectContaining({ variable: 'vms', vcenter: '$vcenter' }),
    );
  });

  it('accepts an object query', () => {
    expect(parseVariableQuery({ queryType: 'variable', variable: 'datacenters' })).toEqual(
      expect.objectContaining({ queryType: 'variable', variable: 'datacenters' }),
    );
  });

  it('rejects an unknown list with the valid names', () => {
    expect(() => parseVariableQuery('hosts')).toThrow(
      /Unknown variable query "hosts".*vcenters, datacenters/,
    );
  });
});

describe('network queries', () => {
  const netVars: Record<string, string> = {
    failover: 'test',
    bad: 'staging',
    vcenter: 'vc-01.lab',
    dc: 'DC-East',
    net: 'VM Network',
    vms: 'db-01,web-01',
    all: '__all',
  };
  const netInterpolate = (v: string) => v.replace(/\$(\w+)/g, (m, name: string) => netVars[name] ?? m);

  it('reads saved network queries with their defaults', () => {
    expect(normalizeQuery({ refId: 'A', queryType: 'networkTopology' } as never)).toEqual(
      expect.objectContaining({ queryType: 'networkTopology', failoverType: 'live' }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'networkRecommendations' } as never)).toEqual(
      expect.objectContaining({
        failoverType: 'live',
        candidates: DEFAULT_CANDIDATES,
        unmappedOnly: undefined,
      }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'networkVms' } as never)).toEqual(
      expect.objectContaining({ queryType: 'networkVms', limit: MAX_NETWORK_VM_ROWS }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'networkValidation' } as never)).toEqual(
      expect.objectContaining({ failoverType: 'live', vmNames: undefined }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'networkPerformance', junk: 1 } as never)).toEqual({
      refId: 'A',
      queryType: 'networkPerformance',
      hide: undefined,
      datasource: undefined,
      key: undefined,
    });
  });

  it('repairs bad saved values: an unknown failover type, out-of-range counts, blank names', () => {
    const rec = normalizeQuery({
      refId: 'A',
      queryType: 'networkRecommendations',
      failoverType: 'staging',
      candidates: 99,
      unmappedOnly: 'yes',
    } as never);
    expect(rec).toEqual(
      expect.objectContaining({ failoverType: 'live', candidates: MAX_CANDIDATES, unmappedOnly: undefined }),
    );
    expect(
      normalizeQuery({ refId: 'A', queryType: 'networkRecommendations', candidates: 0 } as never),
    ).toEqual(expect.objectContaining({ candidates: DEFAULT_CANDIDATES }));
    expect(
      normalizeQuery({ refId: 'A', queryType: 'networkVms', limit: MAX_NETWORK_VM_ROWS * 10 } as never),
    ).toEqual(expect.objectContaining({ limit: MAX_NETWORK_VM_ROWS }));
    expect(
      normalizeQuery({ refId: 'A', queryType: 'networkValidation', vmNames: [' ', 'db-01', 7] } as never),
    ).toEqual(expect.objectContaining({ vmNames: 'db-01' }));
    expect(
      normalizeQuery({ refId: 'A', queryType: 'networkValidation', vmNames: 'db-01, web-01,' } as never),
    ).toEqual(expect.objectContaining({ vmNames: 'db-01,web-01' }));
  });

  it('keeps a template variable as the failover type until interpolation', () => {
    const saved = normalizeQuery({
      refId: 'A',
      queryType: 'networkTopology',
      failoverType: '$failover',
    } as never);
    expect(saved).toEqual(expect.objectContaining({ failoverType: '$failover' }));
    expect(interpolateQuery(saved, netInterpolate)).toEqual(
      expect.objectContaining({ failoverType: 'test' }),
    );
  });

  it('falls back to live when the failover variable resolves to something else', () => {
    const q = interpolateQuery(
      { refId: 'A', queryType: 'networkValidation', failoverType: '$bad' },
      netInterpolate,
    );
    expect(q).toEqual(expect.objectContaining({ failoverType: 'live' }));
  });

  it('replaces variables in every string field of topology, recommendations and VM queries', () => {
    expect(
      interpolateQuery(
        {
          refId: 'A',
          queryType: 'networkTopology',
          failoverType: 'live',
          vcenter: '$vcenter',
          datacenter: '$dc',
        },
        netInterpolate,
      ),
    ).toEqual(expect.objectContaining({ failoverType: 'live', vcenter: 'vc-01.lab', datacenter: 'DC-East' }));
    expect(
      interpolateQuery(
        { refId: 'A', queryType: 'networkRecommendations', failoverType: '$failover', sourceNetwork: '$net' },
        netInterpolate,
      ),
    ).toEqual(expect.objectContaining({ failoverType: 'test', sourceNetwork: 'VM Network' }));
    expect(
      interpolateQuery(
        {
          refId: 'A',
          queryType: 'networkVms',
          vcenter: '$vcenter',
          datacenter: '$all',
          sourceNetwork: '$net',
          search: 'web-$dc',
        },
        netInterpolate,
      ),
    ).toEqual(
      expect.objectContaining({
        vcenter: 'vc-01.lab',
        datacenter: undefined,
        sourceNetwork: 'VM Network',
        search: 'web-DC-East',
      }),
    );
  });

  it('expands a multi-value VM variable into names, drops "All" and duplicates', () => {
    const q = interpolateQuery(
      {
        refId: 'A',
        queryType: 'networkValidation',
        failoverType: 'test',
        vmNames: '$vms,db-01,$all',
      },
      netInterpolate,
    );
    expect(q).toEqual(expect.objectContaining({ failoverType: 'test', vmNames: 'db-01,web-01' }));
    const none = interpolateQuery(
      { refId: 'A', queryType: 'networkValidation', failoverType: 'live', vmNames: '$all' },
      netInterpolate,
    );
    expect(none).toEqual(expect.objectContaining({ vmNames: undefined }));
  });

  it('sends a network query with only its set fields', () => {
    const body = buildQueryRequest(
      [
        normalizeQuery({
          refId: 'T',
          queryType: 'networkTopology',
          failoverType: 'test',
          datasource: { uid: 'x' },
        } as never),
      ],
      { from: new Date(0), to: new Date(1) },
    );
    expect(body.queries).toEqual([{ refId: 'T', queryType: 'networkTopology', failoverType: 'test' }]);
  });
});

describe('migration trends query', () => {
  it('keeps its filters, drops blanks and junk', () => {
    expect(
      normalizeQuery({
        refId: 'A',
        queryType: 'migrationTrends',
        vcenter: 'vc-1',
        datacenter: ' ',
        vm: 42,
        junk: 1,
      } as never),
    ).toEqual(
      expect.objectContaining({
        queryType: 'migrationTrends',
        vcenter: 'vc-1',
        datacenter: undefined,
        vm: undefined,
        replication_type: undefined,
        vm_group: undefined,
      }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'migrationTrends', junk: 1 } as never)).not.toHaveProperty(
      'junk',
    );
  });

  it('fills template variables into each filter; "All" means no filter', () => {
    const vars: Record<string, string> = { $vc: 'vc-2', $dc: '__all', $vm: 'web-01' };
    const q = interpolateQuery(
      { refId: 'A', queryType: 'migrationTrends', vcenter: '$vc', datacenter: '$dc', vm: '$vm' },
      (v) => vars[v] ?? v,
    );
    expect(q).toEqual(
      expect.objectContaining({
        vcenter: 'vc-2',
        datacenter: undefined,
        vm: 'web-01',
        replication_type: undefined,
      }),
    );
  });
});

describe('CBT, volume and KPI summary queries', () => {
  it('keep a known view and their filters; an unknown view is dropped', () => {
    expect(
      normalizeQuery({
        refId: 'A',
        queryType: 'cbtPerformance',
        view: 'summary',
        vm_group: 'g',
        junk: 1,
      } as never),
    ).toEqual(
      expect.objectContaining({ queryType: 'cbtPerformance', view: 'summary', vm_group: 'g', vm: undefined }),
    );
    expect(normalizeQuery({ refId: 'A', queryType: 'cbtPerformance', view: 'operations' } as never)).toEqual(
      expect.objectContaining({ view: undefined }),
    );
    expect(
      normalizeQuery({ refId: 'A', queryType: 'volumePerformance', view: 'cloudstack' } as never),
    ).toEqual(expect.objectContaining({ queryType: 'volumePerformance', view: 'cloudstack' }));
    expect(
      normalizeQuery({ refId: 'A', queryType: 'analyticsSummary', view: 'trend' } as never),
    ).not.toHaveProperty('view');
  });

  it('fill template variables into each filter', () => {
    const vars: Record<string, string> = { $vc: 'vc-2', $dc: '__all' };
    const q = interpolateQuery(
      { refId: 'A', queryType: 'analyticsSummary', vcenter: '$vc', datacenter: '$dc' },
      (v) => vars[v] ?? v,
    );
    expect(q).toEqual(expect.objectContaining({ vcenter: 'vc-2', datacenter: undefined }));
  });
});
