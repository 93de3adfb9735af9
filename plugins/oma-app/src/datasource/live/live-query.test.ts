// Streaming queries in the query model (query.ts) and in the data source (datasource.ts).
import { FieldType, LoadingState, type DataQueryResponse } from '@grafana/data';
import { firstValueFrom, of, take, toArray } from 'rxjs';

import { DataSource } from '../datasource';
import { interpolateQuery, liveModeOf, normalizeQuery, pollIntervalMs, toServerQuery } from '../query';
import { PROXY_URL, makeInstanceSettings, makeRequest, makeTemplateSrv } from '../test-utils/factory';
import type { LiveProgressQuery, OmaQuery, StreamingQuery } from '../types';

const fetchMock = jest.fn();
jest.mock('@grafana/runtime', () => ({
  getBackendSrv: () => ({ fetch: fetchMock }),
  getTemplateSrv: () => makeTemplateSrv({ vm: 'web-01' }),
}));

describe('streaming queries in the query model', () => {
  test('normalizeQuery keeps known fields and drops nonsense', () => {
    expect(
      normalizeQuery({
        refId: 'A',
        queryType: 'liveProgress',
        view: 'throughput',
        vm: ' ',
        limit: '50',
        liveMode: 'polling',
      } as never),
    ).toEqual({
      refId: 'A',
      queryType: 'liveProgress',
      view: 'throughput',
      vm: undefined,
      job: undefined,
      limit: 50,
      liveMode: 'polling',
      hide: undefined,
      datasource: undefined,
      key: undefined,
    });
    const odd = normalizeQuery({
      refId: 'N',
      queryType: 'notifications',
      limit: -3,
      liveMode: 'tcp',
    } as never);
    expect(odd).toMatchObject({ queryType: 'notifications', limit: 200, liveMode: undefined });
    expect(normalizeQuery({ refId: 'H', queryType: 'systemHealth', limit: 1e9 } as never)).toMatchObject({
      limit: 5000,
    });
  });

  test('template variables apply to the VM and job filters; All means no filter', () => {
    const q: LiveProgressQuery = { refId: 'A', queryType: 'liveProgress', vm: '$vm', job: '$job' };
    const out = interpolateQuery(q, (v) => (v === '$vm' ? 'web-01' : '__all')) as LiveProgressQuery;
    expect(out).toMatchObject({ vm: 'web-01', job: undefined });
  });

  test('the server is sent only what it filters on', () => {
    expect(
      toServerQuery({
        refId: 'A',
        queryType: 'liveProgress',
        view: 'throughput',
        vm: 'web-01',
        limit: 9,
        liveMode: 'auto',
      }),
    ).toEqual({ refId: 'A', queryType: 'liveProgress', vm: 'web-01' });
    expect(toServerQuery({ refId: 'N', queryType: 'notifications', limit: 9, liveMode: 'polling' })).toEqual({
      refId: 'N',
      queryType: 'notifications',
    });
  });

  test('the live mode: the query’s, else the data source’s, else auto; the poll interval is clamped', () => {
    const q: StreamingQuery = { refId: 'A', queryType: 'systemHealth' };
    expect(liveModeOf(q, {})).toBe('auto');
    expect(liveModeOf(q, { liveMode: 'polling' })).toBe('polling');
    expect(liveModeOf(q, { liveMode: 'smoke signals' })).toBe('auto');
    expect(liveModeOf({ ...q, liveMode: 'websocket' }, { liveMode: 'polling' })).toBe('websocket');
    expect(pollIntervalMs({})).toBe(5000);
    expect(pollIntervalMs({ pollIntervalSeconds: 2.5 })).toBe(2500);
    expect(pollIntervalMs({ pollIntervalSeconds: 0.01 })).toBe(1000);
    expect(pollIntervalMs({ pollIntervalSeconds: 1e6 })).toBe(300_000);
    expect(pollIntervalMs({ pollIntervalSeconds: 'soon' })).toBe(5000);
  });
});

describe('streaming queries in the data source', () => {
  const opened: string[] = [];
  /** What the next socket does once opened: answer with a snapshot, or be refused. */
  let behaviour: 'silent' | 'answers' | 'refused' = 'silent';
  class RecordingWebSocket {
    onopen = null;
    onmessage: ((e: { data: string }) => void) | null = null;
    onclose: ((e: { code: number; reason: string }) => void) | null = null;
    onerror = null;
    constructor(url: string) {
      opened.push(url);
      const act = behaviour;
      setTimeout(() => {
        if (act === 'answers') this.onmessage?.({ data: '{"type":"snapshot"}' });
        if (act === 'refused') this.onclose?.({ code: 1006, reason: '' });
      }, 0);
    }
    close() {}
  }

  beforeEach(() => {
    fetchMock.mockReset();
    opened.length = 0;
    behaviour = 'silent';
    (globalThis as { WebSocket: unknown }).WebSocket = RecordingWebSocket;
  });

  test('polling: POST /query through the read route, answered as a streaming response', async () => {
    const liveProgress = {
      frames: [
        {
          name: 'live_progress',
          fields: [
            { name: 'job_id', type: 'string', values: ['j1'], config: {} },
            { name: 'percentage', type: 'number', values: [12.5], config: {} },
          ],
        },
      ],
    };
    fetchMock.mockReturnValue(of({ data: { results: { A: liveProgress } }, status: 200, ok: true }));
    const ds = new DataSource(
      makeInstanceSettings({ jsonData: { serverUrl: 'http://oma:8080', liveMode: 'polling' } }),
    );
    const request = makeRequest([{ refId: 'A', queryType: 'liveProgress', vm: '$vm' }]);
    const res: DataQueryResponse = await firstValueFrom(ds.query(request));
    expect(res.state).toBe(LoadingState.Streaming);
    expect(res.key).toBe('oma-live-A');
    const frame = res.data[0];
    expect(frame.fields.find((f: { name: string }) => f.name === 'percentage').values).toEqual([12.5]);
    expect(frame.fields.find((f: { name: string }) => f.name === 'updated_at').type).toBe(FieldType.time);
    const call = fetchMock.mock.calls[0][0];
    expect(call).toMatchObject({ url: `${PROXY_URL}/read/query`, method: 'POST' });
    expect(call.data.queries).toEqual([{ refId: 'A', queryType: 'liveProgress', vm: 'web-01' }]);
    // A relative range moves with each poll; its width is the request's (6 h).
    expect(Date.parse(call.data.range.to) - Date.parse(call.data.range.from)).toBe(6 * 3600_000);
    expect(opened).toEqual([]);
  });

  test('websocket: a ticket from the read route opens the channel on the live URL', async () => {
    fetchMock.mockReturnValue(of({ data: { ticket: 'tk-1' }, status: 200, ok: true }));
    const ds = new DataSource(
      makeInstanceSettings({
        jsonData: { serverUrl: 'http://oma:8080', liveUrl: 'https://oma.example.com', liveMode: 'websocket' },
      }),
    );
    const sub = ds.query(makeRequest([{ refId: 'N', queryType: 'notifications' }])).subscribe();
    await new Promise((r) => setTimeout(r, 0));
    expect(fetchMock.mock.calls.map((c) => `${c[0].method} ${c[0].url}`)).toEqual(
      expect.arrayContaining([`POST ${PROXY_URL}/read/ws/tickets`, `POST ${PROXY_URL}/read/query`]),
    );
    expect(opened).toEqual(['wss://oma.example.com/api/v1/ws/notifications?ticket=tk-1']);
    sub.unsubscribe();
  });

  test('streaming and ordinary queries in one request: each answered its own way', async () => {
    fetchMock.mockImplementation(({ data }: { data: { queries: OmaQuery[] } }) =>
      of({
        data: { results: Object.fromEntries(data.queries.map((q) => [q.refId, { frames: [] }])) },
        status: 200,
        ok: true,
      }),
    );
    const ds = new DataSource(
      makeInstanceSettings({ jsonData: { serverUrl: 'http://oma:8080', liveMode: 'polling' } }),
    );
    const request = makeRequest([
      { refId: 'A', queryType: 'vmContexts' },
      { refId: 'B', queryType: 'systemHealth' },
    ]);
    const responses = await firstValueFrom(ds.query(request).pipe(take(2), toArray()));
    expect(responses.map((r) => r.state ?? 'done').sort()).toEqual([LoadingState.Streaming, 'done']);
    const bodies = fetchMock.mock.calls.map((c) => c[0].data.queries.map((q: OmaQuery) => q.queryType));
    expect(bodies).toEqual(expect.arrayContaining([['vmContexts'], ['systemHealth']]));
  });

  describe('Save & test with a live URL', () => {
    const health = { status: 'ok', version: '0.1.0', mode: 'standalone', dialect: 'sqlite', checks: {} };
    beforeEach(() =>
      fetchMock.mockImplementation(({ url }: { url: string }) =>
        of({
          data: url.endsWith('/debug/health')
            ? health
            : url.endsWith('/ws/tickets')
              ? { ticket: 'probe-ticket' }
              : { results: { health: { frames: [] } } },
          status: 200,
          ok: true,
        }),
      ),
    );
    const ds = (liveMode?: 'auto' | 'websocket' | 'polling') =>
      new DataSource(
        makeInstanceSettings({
          jsonData: { serverUrl: 'http://oma:8080', liveUrl: 'https://oma.example.com', liveMode },
        }),
      );

    test('a channel that answers: success, saying live updates work', async () => {
      behaviour = 'answers';
      const result = await ds().testDatasource();
      expect(result.status).toBe('success');
      expect(result.message).toMatch(/Live updates over WebSocket at https:\/\/oma.example.com work/);
      expect(opened).toEqual(['wss://oma.example.com/api/v1/ws/system-health?ticket=probe-ticket']);
    });

    test('a refused socket: a warning that says what to check, and what panels do meanwhile', async () => {
      behaviour = 'refused';
      const auto = await ds().testDatasource();
      expect(auto.status).toBe('warning');
      expect(auto.message).toContain('accepts the read token');
      expect(auto.message).toContain('closed with code 1006');
      expect(auto.message).toContain(`LIVE_ALLOWED_ORIGINS includes ${window.location.origin}`);
      expect(auto.message).toContain('Live panels poll instead.');
      behaviour = 'refused';
      expect((await ds('websocket').testDatasource()).message).toContain('will not update until it works');
    });

    test('polling mode does not try the socket', async () => {
      const result = await ds('polling').testDatasource();
      expect(result.status).toBe('success');
      expect(opened).toEqual([]);
    });
  });
});
