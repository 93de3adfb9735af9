import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { of, throwError } from 'rxjs';

import type { AppSettings } from '../../types';
import { AppConfig } from './AppConfig';

const fetch = jest.fn();
const reload = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch }),
  getDataSourceSrv: () => ({ reload }),
}));

const props = (enabled = false) =>
  ({
    plugin: { meta: { id: 'oma-migration-app', enabled, pinned: false, jsonData: {} } },
    query: {},
  }) as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;

const notFound = () => throwError(() => ({ status: 404, data: { message: 'Data source not found' } }));

beforeEach(() => {
  fetch.mockReset();
  reload.mockReset();
});

test('a bad server URL is refused on the page, before any request', async () => {
  fetch.mockImplementation(notFound);
  render(<AppConfig {...props()} />);
  const user = userEvent.setup();
  await user.type(await screen.findByPlaceholderText('http://oma-insights:8080'), 'oma-insights:8080');
  await user.click(screen.getByRole('button', { name: /Create data source and test/ }));
  expect(await screen.findByText(/must start with http:\/\/ or https:\/\//)).toBeInTheDocument();
  expect(fetch.mock.calls.map(([r]) => `${r.method} ${r.url}`)).toEqual([
    'GET /api/datasources/uid/oma-migration',
  ]);
});

test('a provisioned data source is shown, not editable, with its stored URL and no token', async () => {
  fetch.mockImplementation((r: { url: string }) =>
    r.url === '/api/datasources/uid/oma-migration'
      ? of({
          data: {
            id: 1,
            uid: 'oma-migration',
            name: 'OMA Migration Insights',
            type: 'oma-migration-datasource',
            access: 'proxy',
            readOnly: true,
            jsonData: { serverUrl: 'http://datasource-server:8080' },
            secureJsonFields: { readToken: true },
          },
        })
      : throwError(() => ({ status: 502, data: { message: 'bad gateway' } })),
  );
  render(<AppConfig {...props()} />);
  expect(await screen.findByText('Provisioned data source')).toBeInTheDocument();
  expect(screen.getByDisplayValue('http://datasource-server:8080')).toBeDisabled();
  expect(screen.getByRole('button', { name: /Save and test/ })).toBeDisabled();
  expect(await screen.findByText("The server's health could not be read")).toBeInTheDocument();
});

test('saving creates the data source with the tokens only in secureJsonData, reloads data sources, enables the app', async () => {
  const health = {
    status: 'ok',
    version: '0.1.0',
    api_version: 'v1',
    reasons: [],
    mode: 'standalone',
    dialect: 'sqlite',
    db_timezone: 'UTC',
    uptime_s: 60,
  };
  const created = {
    id: 3,
    uid: 'oma-migration',
    name: 'OMA Migration Insights',
    type: 'oma-migration-datasource',
    access: 'proxy',
    jsonData: { serverUrl: 'http://oma:8080' },
    secureJsonFields: { readToken: true },
  };
  fetch.mockImplementation((r: { method: string; url: string }) => {
    const key = `${r.method} ${r.url}`;
    if (key === 'GET /api/datasources/uid/oma-migration') return notFound();
    if (key === 'POST /api/datasources') return of({ data: { datasource: created } });
    if (key === 'POST /api/plugins/oma-migration-app/settings') return of({ data: {} });
    if (r.url.endsWith('/read/debug/health')) return of({ data: health });
    if (r.url.endsWith('/read/query')) return of({ data: { results: { health: { frames: [] } } } });
    if (key === 'GET /api/plugins/oma-migration-app/dashboards') return of({ data: [] });
    return throwError(() => ({ status: 404, data: { message: `unexpected ${key}` } }));
  });
  render(<AppConfig {...props()} />);
  const user = userEvent.setup();
  await user.type(await screen.findByPlaceholderText('http://oma-insights:8080'), 'http://oma:8080');
  await user.type(document.getElementById('oma-read-token')!, 'read-secret-0123456789');
  await user.click(screen.getByRole('button', { name: /Create data source and test/ }));
  expect(await screen.findByText('Connected')).toBeInTheDocument();
  const post = fetch.mock.calls
    .map(([r]) => r)
    .find((r) => r.method === 'POST' && r.url === '/api/datasources');
  expect(post.data.secureJsonData).toEqual({ readToken: 'read-secret-0123456789' });
  expect(JSON.stringify({ ...post.data, secureJsonData: undefined })).not.toContain('read-secret');
  expect(reload).toHaveBeenCalled();
  const settings = fetch.mock.calls
    .map(([r]) => r)
    .find((r) => r.url === '/api/plugins/oma-migration-app/settings');
  expect(settings.data).toEqual(
    expect.objectContaining({ enabled: true, jsonData: { datasourceUid: 'oma-migration' } }),
  );
  expect(screen.queryByDisplayValue('read-secret-0123456789')).toBeNull();
});
