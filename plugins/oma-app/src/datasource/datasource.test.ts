import { FieldType, type DataQueryResponse } from '@grafana/data';
import type { WireQueryResponse } from '@oma-insights/contracts/frames';
import { lastValueFrom, of, throwError } from 'rxjs';

import { DataSource } from './datasource';
import type { OmaQuery } from './types';
import {
  FIXED_NOW,
  PROXY_URL,
  makeInstanceSettings,
  makeRequest,
  makeTemplateSrv,
  makeWireField,
  makeWireFrame,
} from './test-utils/factory';

const fetchMock = jest.fn();
let templateSrv = makeTemplateSrv({});

jest.mock('@grafana/runtime', () => ({
  getBackendSrv: () => ({ fetch: fetchMock }),
  getTemplateSrv: () => templateSrv,
}));

function respond(data: unknown) {
  return of({ data, status: 200, ok: true });
}

function fail(status: number, data: unknown) {
  return throwError(() => ({ status, data, statusText: '' }));
}

const health = {
  status: 'ok',
  version: '0.1.0',
  mode: 'standalone',
  dialect: 'sqlite',
  uptime_s: 3,
  checks: {},
  counts: {},
};

beforeEach(() => {
  fetchMock.mockReset();
  templateSrv = makeTemplateSrv({ vcenter: 'vc-01.lab', vms: ['db-01', 'web-01'] });
});

describe('query', () => {
  it('posts every visible query, interpolated, to the read route and converts frames', async () => {
    const wire: WireQueryResponse = { results: { A: { frames: [makeWireFrame()] }, B: { frames: [] } } };
    fetchMock.mockReturnValue(respond(wire));
    const ds = new DataSource(makeInstanceSettings());
    const targets: OmaQuery[] = [
      { refId: 'A', queryType: 'vmContexts', vcenter: '$vcenter', status: 'failed' },
      { refId: 'B', queryType: 'jobs', status: 'running', vm: '$vms' },
      { refId: 'C', queryType: 'jobs', status: 'all', hide: true },
    ];

    const res: DataQueryResponse = await lastValueFrom(ds.query(makeRequest(targets)));

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const options = fetchMock.mock.calls[0][0];
    expect(options.url).toBe(`${PROXY_URL}/read/query`);
    expect(options.method).toBe('POST');
    expect(options.data).toEqual({
      range: {
        from: new Date(FIXED_NOW - 6 * 3600 * 1000).toISOString(),
        to: new Date(FIXED_NOW).toISOString(),
      },
      intervalMs: 60000,
      maxDataPoints: 500,
      queries: [
        { refId: 'A', queryType: 'vmContexts', vcenter: 'vc-01.lab', status: 'failed', limit: 500 },
        { refId: 'B', queryType: 'jobs', status: 'running', vm: 'db-01,web-01', limit: 500 },
      ],
    });
    expect(res.data).toHaveLength(1);
    expect(res.data[0].fields.find((f: { name: string }) => f.name === 'last_job_at')?.type).toBe(
      FieldType.time,
    );
    expect(res.errors).toBeUndefined();
  });

  it('prefers scoped variables (repeated panels) over dashboard variables', async () => {
    fetchMock.mockReturnValue(respond({ results: { A: { frames: [] } } }));
    const ds = new DataSource(makeInstanceSettings());
    await lastValueFrom(
      ds.query(
        makeRequest([{ refId: 'A', queryType: 'jobs', status: 'all', vm: '$vm' }], {
          scopedVars: { vm: { text: 'app-07', value: 'app-07' } },
        }),
      ),
    );
    expect(fetchMock.mock.calls[0][0].data.queries[0].vm).toBe('app-07');
  });

  it('surfaces a per-query error without losing the other query’s frames', async () => {
    fetchMock.mockReturnValue(
      respond({
        results: { A: { frames: [makeWireFrame()] }, B: { error: 'limit must be <= 5000', status: 400 } },
      }),
    );
    const ds = new DataSource(makeInstanceSettings());
    const res = await lastValueFrom(
      ds.query(
        makeRequest([
          { refId: 'A', queryType: 'vmContexts' },
          { refId: 'B', queryType: 'jobs', status: 'all' },
        ]),
      ),
    );
    expect(res.data).toHaveLength(1);
    expect(res.errors).toEqual([{ refId: 'B', message: 'limit must be <= 5000', status: 400 }]);
  });

  it('reports a rejected token on every query when the proxy answers 400 "Authentication to data source failed"', async () => {
    fetchMock.mockReturnValue(fail(400, 'Authentication to data source failed'));
    const ds = new DataSource(makeInstanceSettings());
    const res = await lastValueFrom(
      ds.query(
        makeRequest([
          { refId: 'A', queryType: 'vmContexts' },
          { refId: 'B', queryType: 'jobs', status: 'all' },
        ]),
      ),
    );
    expect(res.data).toEqual([]);
    expect(res.errors?.map((e) => e.refId)).toEqual(['A', 'B']);
    expect(res.errors?.[0].message).toMatch(/rejected the read token \(HTTP 401\)/);
  });

  it('sends nothing when every query is hidden', async () => {
    const ds = new DataSource(makeInstanceSettings());
    const res = await lastValueFrom(
      ds.query(makeRequest([{ refId: 'A', queryType: 'vmContexts', hide: true }])),
    );
    expect(res).toEqual({ data: [] });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('metricFindQuery', () => {
  it('asks the server for a variable list and returns text/value pairs', async () => {
    fetchMock.mockReturnValue(
      respond({
        results: {
          variable: {
            frames: [
              {
                fields: [
                  makeWireField({ name: 'text', values: ['dc-east', 'dc-west'] }),
                  makeWireField({ name: 'value', values: ['dc-east', 'dc-west'] }),
                ],
              },
            ],
          },
        },
      }),
    );
    const ds = new DataSource(makeInstanceSettings());
    const values = await ds.metricFindQuery('datacenters($vcenter)');
    expect(values).toEqual([
      { text: 'dc-east', value: 'dc-east' },
      { text: 'dc-west', value: 'dc-west' },
    ]);
    const sent = fetchMock.mock.calls[0][0];
    expect(sent.url).toBe(`${PROXY_URL}/read/query`);
    expect(sent.data.queries).toEqual([
      { refId: 'variable', queryType: 'variable', variable: 'datacenters', vcenter: 'vc-01.lab' },
    ]);
  });

  it('throws the server’s error for the variable query', async () => {
    fetchMock.mockReturnValue(
      respond({ results: { variable: { error: 'database unavailable', status: 503 } } }),
    );
    const ds = new DataSource(makeInstanceSettings());
    await expect(ds.metricFindQuery('vms')).rejects.toThrow('database unavailable');
  });

  it('rejects an unknown variable query before calling the server', async () => {
    const ds = new DataSource(makeInstanceSettings());
    await expect(ds.metricFindQuery('clusters')).rejects.toThrow(/Unknown variable query/);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('write', () => {
  it('sends network mappings through the write route', async () => {
    fetchMock.mockReturnValue(respond({ id: 1 }));
    const ds = new DataSource(makeInstanceSettings());
    await expect(
      ds.createNetworkMapping({
        vm_id: 'db-01',
        source_network_name: 'VM Network',
        destination_network_id: 'n-1',
      }),
    ).resolves.toEqual({ id: 1 });
    expect(fetchMock.mock.calls[0][0]).toEqual(
      expect.objectContaining({ url: `${PROXY_URL}/write/network-mappings`, method: 'POST' }),
    );
  });

  it('says that a Viewer needs the Editor role when the proxy refuses the route', async () => {
    fetchMock.mockReturnValue(fail(403, { message: 'plugin proxy route access denied' }));
    const ds = new DataSource(makeInstanceSettings());
    await expect(
      ds.createNetworkMapping({
        vm_id: 'db-01',
        source_network_name: 'VM Network',
        destination_network_id: 'n-1',
      }),
    ).rejects.toMatchObject({
      kind: 'forbiddenRole',
      status: 403,
      message: expect.stringMatching(/Editor role/),
    });
  });
});

describe('bulkMapping', () => {
  const request = {
    selector: { source_network: 'VM Network' },
    rules: [{ source_network: 'VM Network', destination_network_id: 'n-1', is_test_network: false }],
    failover_type: 'live' as const,
  };
  const result = {
    dry_run: false,
    applied: true,
    summary: { vms_matched: 2, created: 2, updated: 0, unchanged: 0 },
    changes: [],
    validation: {
      failover_type: 'live',
      valid: true,
      summary: { vms: 2, valid: 2, invalid: 0, warnings: 0 },
      results: [],
    },
  };

  it('posts the request to the write route with the Idempotency-Key header and returns the result', async () => {
    fetchMock.mockReturnValue(respond(result));
    const ds = new DataSource(makeInstanceSettings());
    await expect(ds.bulkMapping(request, 'key-1')).resolves.toEqual(result);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0]).toEqual(
      expect.objectContaining({
        url: `${PROXY_URL}/write/networks/bulk-mapping`,
        method: 'POST',
        data: request,
        headers: { 'Idempotency-Key': 'key-1' },
      }),
    );
  });

  it('sends no Idempotency-Key header without a key', async () => {
    fetchMock.mockReturnValue(respond(result));
    const ds = new DataSource(makeInstanceSettings());
    await ds.bulkMapping({ ...request, dry_run: true });
    expect(fetchMock.mock.calls[0][0].headers).toBeUndefined();
    expect(fetchMock.mock.calls[0][0].data).toEqual({ ...request, dry_run: true });
  });

  it('rejects with the server’s message when it refuses the request (422)', async () => {
    fetchMock.mockReturnValue(
      fail(422, { error: { code: 'unsafe_regex', message: 'name_pattern.value could run away' } }),
    );
    const ds = new DataSource(makeInstanceSettings());
    await expect(ds.bulkMapping(request, 'key-2')).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('could run away'),
    });
  });

  it('says that a Viewer needs the Editor role when the proxy refuses the write route', async () => {
    fetchMock.mockReturnValue(fail(403, { message: 'plugin proxy route access denied' }));
    const ds = new DataSource(makeInstanceSettings());
    await expect(ds.bulkMapping(request)).rejects.toMatchObject({ kind: 'forbiddenRole', status: 403 });
  });
});

describe('testDatasource', () => {
  function route(handlers: { health?: () => unknown; query?: () => unknown }) {
    fetchMock.mockImplementation((opts: { url: string }) => {
      if (opts.url.endsWith('/read/debug/health')) {
        return handlers.health ? handlers.health() : respond(health);
      }
      if (opts.url.endsWith('/read/query')) {
        return handlers.query ? handlers.query() : respond({ results: { health: { frames: [] } } });
      }
      return fail(404, {});
    });
  }

  it('succeeds when the server is reachable, compatible and accepts the read token', async () => {
    route({});
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('success');
    expect(res.message).toMatch(/0\.1\.0 \(standalone, sqlite\).*accepts the read token/);
    expect(fetchMock.mock.calls.map((c) => c[0].url)).toEqual([
      `${PROXY_URL}/read/debug/health`,
      `${PROXY_URL}/read/query`,
    ]);
  });

  it('asks for the server URL when it is not set, without calling anything', async () => {
    const res = await new DataSource(makeInstanceSettings({ jsonData: {} })).testDatasource();
    expect(res).toEqual(
      expect.objectContaining({ status: 'error', message: expect.stringMatching(/server URL/) }),
    );
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says the server is unreachable when the proxy answers 502', async () => {
    route({ health: () => fail(502, '') });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toMatch(/Cannot reach .* at http:\/\/oma\.test:8080/);
  });

  it('says the read token was rejected (401)', async () => {
    route({ query: () => fail(400, 'Authentication to data source failed') });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toMatch(/rejected the read token \(HTTP 401\)/);
  });

  it('says the token lacks the read scope (403)', async () => {
    route({ query: () => fail(403, { error: { code: 'forbidden', message: 'missing scope: read' } }) });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toMatch(/lacks the "read" scope \(HTTP 403: missing scope: read\)/);
  });

  it('reports a version mismatch without trying the token', async () => {
    route({ health: () => respond({ ...health, version: '1.4.0' }) });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toMatch(/Version mismatch: the server runs 1\.4\.0, this plugin needs a 0\.x server/);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('says when the URL does not point to our server', async () => {
    route({ health: () => respond('<html>hello</html>') });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toMatch(/did not answer like an OMA Migration Insights server/);
  });

  it('treats a 503 health answer with a health body as a degraded but reachable server', async () => {
    route({ health: () => fail(503, { ...health, status: 'degraded', reasons: ['jobs down: lock lost'] }) });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('warning');
    expect(res.message).toMatch(
      /accepts the read token\. The server reports status "degraded": jobs down: lock lost\./,
    );
  });

  it('still calls a bare 503 unreachable', async () => {
    route({ health: () => fail(503, '') });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res).toEqual(
      expect.objectContaining({ status: 'error', message: expect.stringMatching(/Cannot reach/) }),
    );
  });

  it('warns when the server reports degraded health', async () => {
    route({ health: () => respond({ ...health, status: 'degraded', checks: { db: 'slow' } }) });
    const res = await new DataSource(makeInstanceSettings()).testDatasource();
    expect(res.status).toBe('warning');
    expect(res.message).toMatch(/reports status "degraded"/);
    expect(res.details?.verboseMessage).toContain('slow');
  });
});

describe('defaults', () => {
  it('offers a vmContexts default query and a failed-job default annotation query', () => {
    const ds = new DataSource(makeInstanceSettings());
    expect(ds.getDefaultQuery('dashboard' as never)).toEqual(
      expect.objectContaining({ queryType: 'vmContexts' }),
    );
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({ queryType: 'failedJobAnnotations' });
  });
});
