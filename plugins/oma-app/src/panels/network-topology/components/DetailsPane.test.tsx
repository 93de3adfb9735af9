import { EventBusSrv, LoadingState, type PanelData } from '@grafana/data';
import { RefreshEvent } from '@grafana/runtime';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { RecommendationEdge } from '../model/topology-model';
import { readVmRows, type Selection } from '../model/vms';
import { vmsFrame } from '../test-utils/frames';
import { DetailsPane } from './DetailsPane';

// The data source comes from Grafana's DataSourceSrv; the dashboard refreshes through its scene.
const getDs = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({ get: getDs }),
}));
const onRefresh = jest.fn();

const edge: RecommendationEdge = {
  kind: 'recommendation',
  id: 'rec:src:PG-Dev->dst:n-9',
  source: 'src:PG-Dev',
  target: 'dst:n-9',
  sourceNetwork: 'PG-Dev',
  networkId: 'n-9',
  networkName: 'dev-net',
  score: 0.83,
  reasons: ['name words match: dev', 'VLAN 30 in both'],
  vmCount: 2,
};
const selection: Selection = {
  type: 'edge',
  edge,
  sourceNetwork: 'PG-Dev',
  networkId: 'n-9',
  networkName: 'dev-net',
};
const vmRows = readVmRows([
  vmsFrame([
    { vm_name: 'dev-02', source_network: 'PG-Dev', datacenter: 'DC1' },
    { vm_name: 'dev-01', source_network: 'PG-Dev', datacenter: 'DC1' },
    { vm_name: 'web-01', source_network: 'PG-Web', live_network_id: 'n-1' },
  ]),
]);
const colours = { mapped: 'green', unmapped: 'orange', invalid: 'red', recommended: 'blue', pending: 'grey' };
const data = { state: LoadingState.Done, series: [], timeRange: {} } as unknown as PanelData;
const applied = {
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

function setup(access = { allowed: true }, failoverType: 'live' | 'test' = 'live') {
  const bulkMapping = jest.fn();
  getDs.mockResolvedValue({ bulkMapping });
  const eventBus = new EventBusSrv();
  const refreshes: unknown[] = [];
  eventBus.subscribe(RefreshEvent, (e) => refreshes.push(e));
  render(
    <DetailsPane
      selection={selection}
      failoverType={failoverType}
      vmRows={vmRows}
      access={access}
      data={data}
      eventBus={eventBus}
      colours={colours}
      width={380}
      overlay={false}
      onClose={jest.fn()}
    />,
  );
  return { bulkMapping, refreshes, user: userEvent.setup() };
}

beforeEach(() => {
  getDs.mockReset();
  onRefresh.mockReset();
  (window as { __grafanaSceneContext?: unknown }).__grafanaSceneContext = {
    state: { $timeRange: { onRefresh } },
  };
});

afterEach(() => {
  delete (window as { __grafanaSceneContext?: unknown }).__grafanaSceneContext;
});

test('a recommendation shows its score, its reasons and how many VM NICs Apply would map', () => {
  setup();
  const pane = screen.getByTestId('oma-topology-details');
  expect(within(pane).getByText('PG-Dev → dev-net')).toBeInTheDocument();
  expect(within(pane).getByText('Score 83%')).toBeInTheDocument();
  expect(within(pane).getByRole('list', { name: 'Why' })).toHaveTextContent(
    'name words match: devVLAN 30 in both',
  );
  // The VMs of PG-Dev (the list itself is virtualised: jsdom lays nothing out, the browser test reads it).
  expect(within(pane).getByText('2 VM NICs')).toBeInTheDocument();
});

test('an Editor applies it: one bulk mapping of the whole network with a key, then a refresh', async () => {
  const { bulkMapping, refreshes, user } = setup({ allowed: true }, 'test');
  bulkMapping.mockResolvedValue(applied);
  await user.click(screen.getByRole('button', { name: 'Apply: map PG-Dev to dev-net' }));
  expect(await screen.findByText('Applied')).toBeInTheDocument();
  expect(screen.getByText(/Mapped 2 NICs \(2 new, 0 changed, 0 unchanged\) on 2 VMs/)).toBeInTheDocument();
  expect(bulkMapping).toHaveBeenCalledTimes(1);
  expect(bulkMapping).toHaveBeenCalledWith(
    {
      selector: { source_network: 'PG-Dev' },
      rules: [{ source_network: 'PG-Dev', destination_network_id: 'n-9', is_test_network: true }],
      failover_type: 'test',
    },
    expect.stringMatching(/^[0-9a-f-]{32,36}$/),
  );
  expect(refreshes).toHaveLength(1);
  expect(onRefresh).toHaveBeenCalledTimes(1);
  expect(getDs).toHaveBeenCalledWith({ uid: 'oma-migration' });
  // Done: no second Apply for the same recommendation.
  expect(screen.queryByRole('button', { name: /^Apply/ })).toBeNull();
});

test('a refused apply shows the server’s message and refreshes nothing; trying again is a new request', async () => {
  const { bulkMapping, refreshes, user } = setup();
  const refused = Object.assign(
    new Error('The server refused the request (HTTP 422): n-9 is not deployable'),
    {
      kind: 'badRequest',
      status: 422,
    },
  );
  bulkMapping.mockRejectedValueOnce(refused).mockResolvedValueOnce(applied);
  const apply = screen.getByRole('button', { name: 'Apply: map PG-Dev to dev-net' });
  await user.click(apply);
  expect(await screen.findByText('Not applied')).toBeInTheDocument();
  expect(screen.getByText(/n-9 is not deployable/)).toBeInTheDocument();
  expect(refreshes).toHaveLength(0);
  expect(onRefresh).not.toHaveBeenCalled();
  await user.click(apply);
  expect(await screen.findByText('Applied')).toBeInTheDocument();
  expect(bulkMapping.mock.calls[1][1]).not.toBe(bulkMapping.mock.calls[0][1]);
});

test('an apply that got no answer is retried with the same key, so it cannot apply twice', async () => {
  const { bulkMapping, user } = setup();
  const unreachable = Object.assign(new Error('Cannot reach the OMA Migration Insights server'), {
    kind: 'unreachable',
    status: 504,
  });
  bulkMapping.mockRejectedValueOnce(unreachable).mockResolvedValueOnce(applied);
  const apply = screen.getByRole('button', { name: 'Apply: map PG-Dev to dev-net' });
  await user.click(apply);
  expect(await screen.findByText('Not applied')).toBeInTheDocument();
  await user.click(apply);
  expect(await screen.findByText('Applied')).toBeInTheDocument();
  expect(bulkMapping.mock.calls[1][1]).toBe(bulkMapping.mock.calls[0][1]);
});

test('a Viewer sees the reason and no Apply', () => {
  const { bulkMapping } = setup({
    allowed: false,
    reason: 'Read-only: changing network mappings needs the Editor role (you are Viewer).',
  } as never);
  expect(screen.getByText(/needs the Editor role \(you are Viewer\)/)).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: /^Apply/ })).toBeNull();
  expect(bulkMapping).not.toHaveBeenCalled();
});

test('without a networkVms query it says which query lists the VMs', () => {
  render(
    <DetailsPane
      selection={selection}
      failoverType="live"
      vmRows={undefined}
      access={{ allowed: true }}
      data={data}
      eventBus={new EventBusSrv()}
      colours={colours}
      width={380}
      overlay={false}
      onClose={jest.fn()}
    />,
  );
  expect(screen.getByText(/Add a "Network VMs" query/)).toBeInTheDocument();
});
