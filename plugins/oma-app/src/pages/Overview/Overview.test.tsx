import { FieldType, toDataFrame } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import { of } from 'rxjs';

import { Overview } from './Overview';

const getDs = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({ get: getDs }),
  PluginPage: ({ children, actions }: { children: React.ReactNode; actions?: React.ReactNode }) => (
    <div>
      {actions}
      {children}
    </div>
  ),
}));

const frame = (refId: string, fields: Record<string, unknown[]>) =>
  toDataFrame({
    refId,
    fields: Object.entries(fields).map(([name, values]) => ({
      name,
      type: typeof values[0] === 'number' ? FieldType.number : FieldType.string,
      values,
    })),
  });

beforeEach(() => getDs.mockReset());

test('without the data source it says how to connect, not an error', async () => {
  getDs.mockRejectedValue(new Error('Datasource oma-migration was not found'));
  render(<Overview />);
  expect(
    await screen.findByText('Connect Grafana to your OMA Migration Insights server'),
  ).toBeInTheDocument();
  expect(screen.getByText(/Datasource oma-migration was not found/)).toBeInTheDocument();
  expect(getDs).toHaveBeenCalledWith({ uid: 'oma-migration' });
});

test('shows the VM counts, what is migrating and what failed, from the data source queries', async () => {
  const query = jest.fn().mockReturnValue(
    of({
      data: [
        frame('vms', { vm_name: ['a', 'b', 'c'], current_status: ['replicating', 'failed', 'replicating'] }),
        frame('running', {
          job_id: ['j1'],
          vm_name: ['web-01'],
          vcenter_host: ['vc-1'],
          phase: ['Transfer'],
          progress_percent: [42.5],
        }),
        frame('failed', {
          job_id: ['j2'],
          vm_name: ['db-07'],
          vcenter_host: ['vc-2'],
          error_message: ['NBD export timed out'],
        }),
      ],
    }),
  );
  getDs.mockResolvedValue({ query });
  render(<Overview datasourceUid="other-uid" />);
  expect(await screen.findByText('web-01')).toBeInTheDocument();
  expect(screen.getByText('42.5 %')).toBeInTheDocument();
  expect(screen.getByText('NBD export timed out')).toBeInTheDocument();
  expect(screen.getByTestId('status-replicating')).toHaveTextContent('2');
  expect(screen.getByTestId('status-failed')).toHaveTextContent('1');
  expect(getDs).toHaveBeenCalledWith({ uid: 'other-uid' });
  const targets = query.mock.calls[0][0].targets.map(
    (t: { refId: string; queryType: string }) => `${t.refId}:${t.queryType}`,
  );
  expect(targets).toEqual(['running:jobs', 'failed:jobs', 'vms:vmContexts']);
});

test("a query error is shown with the data source's message", async () => {
  getDs.mockResolvedValue({
    query: () =>
      of({
        data: [],
        errors: [{ refId: 'running', message: 'The server rejected the read token (HTTP 401).' }],
      }),
  });
  render(<Overview />);
  expect(await screen.findByText('The server rejected the read token (HTTP 401).')).toBeInTheDocument();
  expect(screen.getByText('The overview could not be loaded')).toBeInTheDocument();
});
