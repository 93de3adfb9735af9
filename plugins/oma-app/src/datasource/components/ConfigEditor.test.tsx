import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';

import type { OmaDataSourceOptions, OmaSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<OmaDataSourceOptions, OmaSecureJsonData>;

function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'oma',
    orgId: 1,
    name: 'OMA',
    type: 'oma-migration-datasource',
    typeName: 'OMA Migration Insights',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: { serverUrl: 'http://oma:8080' },
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...overrides,
  };
}

describe('ConfigEditor', () => {
  it('edits the server URL in jsonData', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={makeSettings({ jsonData: {} })} onOptionsChange={onOptionsChange} />);
    await userEvent.setup().type(screen.getByPlaceholderText('http://oma-insights:8080'), 'h');
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { serverUrl: 'h' } }),
    );
  });

  it('puts a typed read token in secureJsonData only', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={makeSettings()} onOptionsChange={onOptionsChange} />);
    await userEvent.setup().type(screen.getByPlaceholderText('read-scope token'), 's');
    const next = onOptionsChange.mock.lastCall[0] as Settings;
    expect(next.secureJsonData).toEqual({ readToken: 's' });
    expect(JSON.stringify(next.jsonData)).not.toContain('"s"');
  });

  it('shows a stored write token as configured and resets it', async () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={makeSettings({ secureJsonFields: { writeToken: true } })}
        onOptionsChange={onOptionsChange}
      />,
    );
    const resets = screen.getAllByRole('button', { name: /reset/i });
    expect(resets).toHaveLength(1);
    await userEvent.setup().click(resets[0]);
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        secureJsonFields: { writeToken: false },
        secureJsonData: { writeToken: '' },
      }),
    );
  });

  it('sets the live mode, auto by default', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={makeSettings()} onOptionsChange={onOptionsChange} />);
    expect(screen.getByRole('radio', { name: 'Auto' })).toBeChecked();
    await userEvent.setup().click(screen.getByRole('radio', { name: 'Polling' }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { serverUrl: 'http://oma:8080', liveMode: 'polling' } }),
    );
  });

  it('keeps the poll interval as a number, and unset when cleared or not a number', async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={makeSettings()} onOptionsChange={onOptionsChange} />);
    const user = userEvent.setup();
    await user.type(screen.getByPlaceholderText('5'), '9');
    expect(onOptionsChange.mock.lastCall[0].jsonData).toEqual({
      serverUrl: 'http://oma:8080',
      pollIntervalSeconds: 9,
    });
    rerender(
      <ConfigEditor
        options={makeSettings({ jsonData: { serverUrl: 'http://oma:8080', pollIntervalSeconds: 9 } })}
        onOptionsChange={onOptionsChange}
      />,
    );
    await user.clear(screen.getByDisplayValue('9'));
    expect(onOptionsChange.mock.lastCall[0].jsonData).toEqual({
      serverUrl: 'http://oma:8080',
      pollIntervalSeconds: undefined,
    });
  });
});
