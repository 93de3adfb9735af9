import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { of, throwError } from 'rxjs';

import type { AppSettings } from '../../types';
import { AppConfig } from './AppConfig';

const fetch = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch }),
}));

const props = (enabled = false) =>
  ({
    plugin: { meta: { id: 'oma-migration-app', enabled, pinned: false, jsonData: {} } },
    query: {},
  }) as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;

const notFound = () => throwError(() => ({ status: 404, data: { message: 'Data source not found' } }));

beforeEach(() => fetch.mockReset());

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
