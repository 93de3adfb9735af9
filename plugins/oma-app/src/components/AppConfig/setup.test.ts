import { checkServerUrl, dataSourceWrite, formFrom, type ExistingDataSource, type ServerForm } from './setup';

const form = (over: Partial<ServerForm> = {}): ServerForm => ({
  serverUrl: 'http://oma-insights:8080',
  liveUrl: '',
  readToken: 'read-secret-0123456789',
  writeToken: '',
  ...over,
});

const existing = (over: Partial<ExistingDataSource> = {}): ExistingDataSource => ({
  id: 7,
  uid: 'oma-migration',
  name: 'OMA Migration Insights',
  type: 'oma-migration-datasource',
  access: 'proxy',
  url: '',
  isDefault: true,
  jsonData: { serverUrl: 'http://old:8080', liveUrl: 'http://browser:8080' },
  secureJsonFields: { readToken: true, writeToken: true },
  version: 3,
  ...over,
});

describe('checkServerUrl', () => {
  test.each([
    ['http://oma-insights:8080/', { url: 'http://oma-insights:8080' }],
    ['  https://oma.example.com/insights  ', { url: 'https://oma.example.com/insights' }],
  ])('accepts %j', (text, expected) => {
    expect(checkServerUrl(text)).toEqual(expected);
  });

  test.each([
    ['', 'is required'],
    ['oma-insights:8080', 'must start with http:// or https://'],
    ['not a url', 'is not a URL'],
    ['ftp://oma:21', 'must start with http:// or https://'],
    ['http://oma:8080/api/v1', 'Leave out /api/v1'],
  ])('refuses %j', (text, message) => {
    expect(checkServerUrl(text)).toEqual({ error: expect.stringContaining(message) });
  });
});

describe('dataSourceWrite', () => {
  test('a new data source: fixed uid and type, URLs in jsonData, tokens only in secureJsonData', () => {
    const write = dataSourceWrite(
      form({ writeToken: 'write-secret-0123456789', liveUrl: 'http://localhost:8080/' }),
      null,
    );
    expect(write).toEqual({
      method: 'POST',
      url: '/api/datasources',
      data: {
        uid: 'oma-migration',
        name: 'OMA Migration Insights',
        type: 'oma-migration-datasource',
        access: 'proxy',
        jsonData: { serverUrl: 'http://oma-insights:8080', liveUrl: 'http://localhost:8080' },
        secureJsonData: { readToken: 'read-secret-0123456789', writeToken: 'write-secret-0123456789' },
      },
    });
    const { secureJsonData, ...rest } = (write as { data: Record<string, unknown> }).data;
    expect(JSON.stringify(rest)).not.toMatch(/secret/);
    expect(secureJsonData).toBeDefined();
  });

  test('an update keeps the stored tokens unless new ones are typed, and sends the version it read', () => {
    const write = dataSourceWrite(form({ readToken: '', serverUrl: 'http://new:8080' }), existing());
    expect(write).toEqual({
      method: 'PUT',
      url: '/api/datasources/uid/oma-migration',
      data: {
        uid: 'oma-migration',
        name: 'OMA Migration Insights',
        type: 'oma-migration-datasource',
        access: 'proxy',
        url: '',
        isDefault: true,
        jsonData: { serverUrl: 'http://new:8080', liveUrl: undefined },
        version: 3,
      },
    });
    const withNewRead = dataSourceWrite(form({ readToken: ' new-read-token-0123 ' }), existing());
    expect((withNewRead as { data: { secureJsonData?: unknown } }).data.secureJsonData).toEqual({
      readToken: 'new-read-token-0123',
    });
  });

  test('a reset write token with nothing typed is removed (sent empty)', () => {
    const write = dataSourceWrite(form({ readToken: '', clearWriteToken: true }), existing());
    expect((write as { data: { secureJsonData?: unknown } }).data.secureJsonData).toEqual({ writeToken: '' });
    const typed = dataSourceWrite(
      form({ readToken: '', writeToken: 'w-0123456789abcdef', clearWriteToken: true }),
      existing(),
    );
    expect((typed as { data: { secureJsonData?: unknown } }).data.secureJsonData).toEqual({
      writeToken: 'w-0123456789abcdef',
    });
  });

  test.each([
    ['no read token for a new data source', form({ readToken: '' }), null, 'A read token is required'],
    ['a bad server URL', form({ serverUrl: 'oma:8080' }), null, 'must start with http'],
    ['a bad live URL', form({ liveUrl: 'localhost' }), null, 'The live URL'],
    [
      'a live URL on another scheme',
      form({ liveUrl: 'ftp://oma' }),
      null,
      'The live URL must start with http',
    ],
    ['a live path ending in /api/v1', form({ liveUrl: '/oma-live/api/v1/' }), null, 'Leave out /api/v1'],
    ['a provisioned data source', form(), existing({ readOnly: true }), 'provisioned from files'],
    [
      'the uid taken by another type',
      form(),
      existing({ type: 'prometheus' }),
      'is a prometheus data source',
    ],
  ])('refuses %s', (_name, f, ds, message) => {
    expect(dataSourceWrite(f, ds)).toEqual({ error: expect.stringContaining(message) });
  });
});

test('the form starts from the stored URLs and never holds a stored token', () => {
  expect(formFrom(existing())).toEqual({
    serverUrl: 'http://old:8080',
    liveUrl: 'http://browser:8080',
    readToken: '',
    writeToken: '',
  });
  expect(formFrom(null)).toEqual({ serverUrl: '', liveUrl: '', readToken: '', writeToken: '' });
});

test('a live URL may be a path on Grafana’s own address (one reverse proxy for both)', () => {
  const write = dataSourceWrite(form({ liveUrl: ' /oma-live/ ' }), null);
  expect((write as { data: { jsonData: { liveUrl?: string } } }).data.jsonData.liveUrl).toBe('/oma-live');
  // Two slashes would be another host (a protocol-relative URL): not taken as a path.
  expect(dataSourceWrite(form({ liveUrl: '//evil.example' }), null)).toEqual({
    error: expect.stringContaining('The live URL'),
  });
});
