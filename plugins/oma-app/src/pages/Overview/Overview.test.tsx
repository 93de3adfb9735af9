import {
  FieldType,
  LoadingState,
  toDataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
} from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { act, render, screen } from '@testing-library/react';
import { of, Subject } from 'rxjs';

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

/** A data source whose streaming query (liveProgress) answers from `live`, the others once. */
function dataSource(live: Subject<DataQueryResponse>, periodic: DataQueryResponse) {
  return {
    query: jest.fn((request: DataQueryRequest) =>
      request.targets[0].queryType === 'liveProgress' ? live.asObservable() : of(periodic),
    ),
  };
}

const running = (rows: Array<[string, string, number]>) =>
  frame('running', {
    job_id: rows.map((r) => r[0]),
    vm_name: rows.map((r) => r[1]),
    status: rows.map(() => 'replicating'),
    phase: rows.map(() => 'Transfer'),
    percentage: rows.map((r) => r[2]),
  });

const periodic: DataQueryResponse = {
  data: [
    frame('vms', { vm_name: ['a', 'b', 'c'], current_status: ['replicating', 'failed', 'replicating'] }),
    frame('failed', {
      job_id: ['j2'],
      vm_name: ['db-07'],
      vcenter_host: ['vc-2'],
      error_message: ['NBD export timed out'],
    }),
  ],
};

test('shows the VM counts, what is migrating and what failed, from the data source queries', async () => {
  const live = new Subject<DataQueryResponse>();
  const ds = dataSource(live, periodic);
  getDs.mockResolvedValue(ds);
  render(<Overview datasourceUid="other-uid" />);
  expect(await screen.findByText('NBD export timed out')).toBeInTheDocument();
  act(() => live.next({ data: [running([['j1', 'web-01', 42.5]])], state: LoadingState.Streaming }));
  expect(await screen.findByText('web-01')).toBeInTheDocument();
  expect(screen.getByText('42.5 %')).toBeInTheDocument();
  expect(screen.getByTestId('status-replicating')).toHaveTextContent('2');
  expect(screen.getByTestId('status-failed')).toHaveTextContent('1');
  expect(getDs).toHaveBeenCalledWith({ uid: 'other-uid' });
  const targets = ds.query.mock.calls.map((c) =>
    c[0].targets.map((t: DataQuery) => `${t.refId}:${t.queryType}`),
  );
  expect(targets).toEqual(
    expect.arrayContaining([['running:liveProgress'], ['failed:jobs', 'vms:vmContexts']]),
  );
  expect(targets).toHaveLength(2);
});

test('the active jobs update live; a job that ends reads the failures again', async () => {
  const live = new Subject<DataQueryResponse>();
  const ds = dataSource(live, periodic);
  getDs.mockResolvedValue(ds);
  render(<Overview />);
  await screen.findByText('NBD export timed out');
  act(() =>
    live.next({
      data: [
        running([
          ['j1', 'web-01', 10],
          ['j3', 'app-02', 5],
        ]),
      ],
      state: LoadingState.Streaming,
    }),
  );
  expect(await screen.findByText('10.0 %')).toBeInTheDocument();
  const periodicCalls = () =>
    ds.query.mock.calls.filter((c) => c[0].targets[0].queryType !== 'liveProgress').length;
  expect(periodicCalls()).toBe(1);

  act(() =>
    live.next({
      data: [
        running([
          ['j1', 'web-01', 64],
          ['j3', 'app-02', 5],
        ]),
      ],
      state: LoadingState.Streaming,
    }),
  );
  expect(await screen.findByText('64.0 %')).toBeInTheDocument();
  expect(screen.queryByText('10.0 %')).not.toBeInTheDocument();
  expect(periodicCalls()).toBe(1);

  act(() => live.next({ data: [running([['j1', 'web-01', 70]])], state: LoadingState.Streaming }));
  expect(await screen.findByText('70.0 %')).toBeInTheDocument();
  expect(screen.queryByText('app-02')).not.toBeInTheDocument();
  expect(periodicCalls()).toBe(2);
  // Only one live subscription for the page's lifetime.
  expect(ds.query.mock.calls.filter((c) => c[0].targets[0].queryType === 'liveProgress')).toHaveLength(1);
});

test('unmounting ends the live subscription', async () => {
  const live = new Subject<DataQueryResponse>();
  getDs.mockResolvedValue(dataSource(live, periodic));
  const { unmount } = render(<Overview />);
  await screen.findByText('NBD export timed out');
  expect(live.observed).toBe(true);
  unmount();
  expect(live.observed).toBe(false);
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

test('a live progress error is shown beside the rest of the overview', async () => {
  const live = new Subject<DataQueryResponse>();
  getDs.mockResolvedValue(dataSource(live, periodic));
  render(<Overview />);
  await screen.findByText('NBD export timed out');
  act(() =>
    live.next({
      data: [],
      errors: [{ refId: 'running', message: 'Unknown queryType "liveProgress"' }],
      state: LoadingState.Streaming,
    }),
  );
  expect(await screen.findByText('Live progress is unavailable')).toBeInTheDocument();
  expect(screen.getByText('Unknown queryType "liveProgress"')).toBeInTheDocument();
  expect(screen.getByText('NBD export timed out')).toBeInTheDocument();
});
