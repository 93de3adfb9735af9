import {
  getDefaultTimeRange,
  LoadingState,
  type DataFrame,
  type PanelData,
  type PanelProps,
} from '@grafana/data';
import { config, RefreshEvent } from '@grafana/runtime';
import type { DataQuery } from '@grafana/schema';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DEFAULT_OPTIONS, type BulkMappingOptions } from '../types';
import { change, recommendationFrame, result, vmFrame } from '../test-utils/factory';
import { layoutCanvasText, layoutInlineHeights } from '../test-utils/layout';
import { BulkMappingPanel } from './BulkMappingPanel';

const getDs = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({ get: getDs }),
}));

// Combobox menus are sized by CSS: 300 px, enough for every option of these tests.
layoutInlineHeights(300);
layoutCanvasText();

const frames = (): DataFrame[] => [
  vmFrame([
    { vm: 'web-01', source: 'VLAN-100', live: ['d-old', 'legacy'] },
    { vm: 'web-01', source: 'VLAN-200' },
    { vm: 'web-02', source: 'VLAN-100' },
    { vm: 'db-01', source: 'VLAN-300', vcenter: 'vc-2' },
  ]),
  recommendationFrame([
    {
      source: 'VLAN-100',
      rank: 1,
      id: 'd-100',
      name: 'prod-100',
      score: 0.92,
      reasons: ['VLAN 100 in both names'],
    },
    {
      source: 'VLAN-200',
      rank: 1,
      id: 'd-200',
      name: 'prod-200',
      score: 0.55,
      reasons: ['name tokens: prod'],
    },
  ]),
];

const TARGETS = [
  { refId: 'vms', queryType: 'networkVms', datasource: { uid: 'oma-migration' } },
  {
    refId: 'recs',
    queryType: 'networkRecommendations',
    failoverType: '$failover_type',
    datasource: { uid: 'oma-migration' },
  },
] as DataQuery[];

function props(
  overrides: { series?: DataFrame[]; options?: Partial<BulkMappingOptions>; failover?: string } = {},
) {
  const timeRange = getDefaultTimeRange();
  const data: PanelData = {
    state: LoadingState.Done,
    series: overrides.series ?? frames(),
    timeRange,
    request: { targets: TARGETS } as PanelData['request'],
  };
  return {
    id: 7,
    data,
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...overrides.options },
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 1200,
    height: 900,
    renderCounter: 0,
    title: 'Bulk mapping',
    eventBus: {
      publish: jest.fn(),
      subscribe: jest.fn(),
      getStream: jest.fn(),
      removeAllListeners: jest.fn(),
      newScopedBus: jest.fn(),
    },
    replaceVariables: (v: string) => v.replace('$failover_type', overrides.failover ?? 'live'),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<BulkMappingOptions>;
}

const dryRunResult = result({
  summary: { vms_matched: 3, created: 2, updated: 1, unchanged: 0 },
  changes: [
    change('web-01', 'VLAN-100', ['d-old', 'legacy'], ['d-100', 'prod-100']),
    change('web-02', 'VLAN-100', null, ['d-100', 'prod-100']),
    change('web-01', 'VLAN-200', null, ['d-200', 'prod-200']),
  ],
});
const appliedResult = { ...dryRunResult, dry_run: false, applied: true };

let bulkMapping: jest.Mock;
let onRefresh: jest.Mock;
const setRole = (orgRole: string) => {
  config.bootData.user = { ...config.bootData.user, orgRole: orgRole as never, isGrafanaAdmin: false };
};
const button = (name: RegExp) => screen.getByRole('button', { name });

beforeEach(() => {
  bulkMapping = jest.fn();
  getDs.mockReset().mockResolvedValue({ bulkMapping });
  onRefresh = jest.fn();
  (window as { __grafanaSceneContext?: unknown }).__grafanaSceneContext = {
    state: { $timeRange: { onRefresh } },
  };
  setRole('Editor');
});

test('an Editor: rules pre-filled from recommendations, dry run shows the diff, apply after confirmation', async () => {
  const user = userEvent.setup();
  bulkMapping.mockResolvedValueOnce(dryRunResult).mockResolvedValueOnce(appliedResult);
  const panelProps = props();
  render(<BulkMappingPanel {...panelProps} />);

  expect(screen.getByTestId('selection-count')).toHaveTextContent('3 of 3 VMs selected · 4 NICs');
  expect(screen.getByText('Live failover')).toBeInTheDocument();
  const rule100 = screen.getByTestId('rule-VLAN-100');
  expect(within(rule100).getByText('92 %')).toBeInTheDocument();
  expect(within(rule100).getByText('VLAN 100 in both names')).toBeInTheDocument();
  expect(within(rule100).getByText('legacy (1), unmapped (1)')).toBeInTheDocument();
  expect(within(rule100).getByRole('combobox', { name: 'Destination for VLAN-100' })).toHaveValue('prod-100');
  expect(within(screen.getByTestId('rule-VLAN-300')).getByRole('combobox')).toHaveValue('');
  expect(button(/Apply/)).toBeDisabled();

  await user.click(button(/Dry run/));
  expect(bulkMapping).toHaveBeenCalledWith(
    {
      selector: { vm_names: ['db-01', 'web-01', 'web-02'] },
      rules: [
        { source_network: 'VLAN-100', destination_network_id: 'd-100', is_test_network: false },
        { source_network: 'VLAN-200', destination_network_id: 'd-200', is_test_network: false },
      ],
      failover_type: 'live',
      dry_run: true,
    },
    // A dry run changes nothing: it needs no idempotency key.
    undefined,
  );
  const diff = await screen.findByRole('region', { name: 'Dry run result' });
  expect(within(diff).getByText('Dry run: 3 NICs on 2 VMs would change')).toBeInTheDocument();
  expect(within(diff).getByTestId('diff-counts')).toHaveTextContent(
    '3 VMs matched · 2 created · 1 updated · 0 unchanged',
  );
  expect(within(within(diff).getByTestId('diff-VLAN-100')).getByText('legacy')).toBeInTheDocument();

  await user.click(button(/^Apply$/));
  const dialog = await screen.findByRole('dialog');
  expect(dialog).toHaveTextContent('Map 3 NICs on 2 VMs for live failover (2 created, 1 updated)');
  expect(bulkMapping).toHaveBeenCalledTimes(1);
  await user.click(within(dialog).getByRole('button', { name: 'Apply to 3 NICs on 2 VMs' }));

  await screen.findByRole('region', { name: 'Applied result' });
  expect(bulkMapping).toHaveBeenCalledTimes(2);
  expect(bulkMapping.mock.calls[1][0]).toEqual({ ...bulkMapping.mock.calls[0][0], dry_run: false });
  expect(bulkMapping.mock.calls[1][1]).toEqual(expect.any(String));
  expect(screen.getByText('Applied: 3 NICs on 2 VMs changed')).toBeInTheDocument();
  expect(onRefresh).toHaveBeenCalledTimes(1);
  expect(panelProps.eventBus.publish).toHaveBeenCalledTimes(1);
  expect(panelProps.eventBus.publish).toHaveBeenCalledWith(expect.any(RefreshEvent));
  // The diff was for the applied state: applying again needs a new dry run.
  expect(screen.queryByRole('region', { name: 'Dry run result' })).toBeNull();
  expect(button(/^Apply$/)).toBeDisabled();
  expect(getDs).toHaveBeenCalledWith({ uid: 'oma-migration' });
});

test('a Viewer sees everything read-only with the reason; no dry run or apply', () => {
  setRole('Viewer');
  render(<BulkMappingPanel {...props()} />);
  expect(
    screen.getByRole('status', {
      name: 'Read-only: changing network mappings needs the Editor role (you are Viewer).',
    }),
  ).toBeInTheDocument();
  expect(screen.getAllByText(/needs the Editor role \(you are Viewer\)/).length).toBeGreaterThan(0);
  expect(button(/Dry run/)).toBeDisabled();
  expect(button(/Apply/)).toBeDisabled();
  for (const combobox of within(screen.getByRole('table', { name: 'Mapping rules' })).getAllByRole(
    'combobox',
  )) {
    expect(combobox).toBeDisabled();
  }
  // Reading is not writing: the list and rules are all there.
  expect(screen.getByTestId('rule-VLAN-100')).toBeInTheDocument();
  expect(screen.getByText('web-02')).toBeInTheDocument();
});

test('an invalid regex is a visible error, selects nothing and blocks the dry run; fixing it recovers', async () => {
  const user = userEvent.setup();
  render(<BulkMappingPanel {...props()} />);
  await user.click(screen.getByRole('radio', { name: 'Regex' }));
  await user.type(screen.getByLabelText('VM name pattern'), 'web-(');
  expect(screen.getAllByText(/Invalid regular expression/).length).toBeGreaterThan(0);
  expect(screen.getByTestId('selection-count')).toHaveTextContent('0 of 3 VMs selected');
  expect(button(/Dry run/)).toBeDisabled();
  expect(screen.getByTestId('action-hint')).toHaveTextContent(/^Fix the name pattern first/);

  // user-event reads '[' as a key descriptor: '[[' types one.
  await user.type(screen.getByLabelText('VM name pattern'), '0[[12])$');
  expect(screen.getByTestId('selection-count')).toHaveTextContent('2 of 3 VMs selected');
  bulkMapping.mockResolvedValueOnce(dryRunResult);
  await user.click(button(/Dry run/));
  expect(bulkMapping.mock.calls[0][0].selector).toEqual({
    vm_names: ['web-01', 'web-02'],
    name_pattern: { match: 'regex', value: 'web-(0[12])$' },
  });
});

test("an apply that gets no answer: the advice, and a retry that reuses the apply's Idempotency-Key", async () => {
  const user = userEvent.setup();
  const uuid = jest.spyOn(crypto, 'randomUUID');
  const unreachable = Object.assign(new Error('Cannot reach the OMA Migration Insights server'), {
    kind: 'unreachable',
    status: 502,
  });
  bulkMapping
    .mockResolvedValueOnce(dryRunResult)
    .mockRejectedValueOnce(unreachable)
    .mockResolvedValueOnce(appliedResult);
  render(<BulkMappingPanel {...props({ options: { requireConfirmation: false } })} />);
  await user.click(button(/Dry run/));
  await screen.findByRole('region', { name: 'Dry run result' });
  await user.click(button(/^Apply$/));

  expect(await screen.findByText('Apply: the server did not answer')).toBeInTheDocument();
  expect(screen.getByText('Cannot reach the OMA Migration Insights server')).toBeInTheDocument();
  expect(screen.getByText(/same Idempotency-Key/)).toBeInTheDocument();
  expect(uuid).toHaveBeenCalledTimes(1);

  await user.click(button(/Retry apply/));
  await screen.findByRole('region', { name: 'Applied result' });
  expect(bulkMapping).toHaveBeenCalledTimes(3);
  expect(bulkMapping.mock.calls[2][0]).toEqual(bulkMapping.mock.calls[1][0]);
  // The same Idempotency-Key: the server answers the first apply's result if it did apply.
  expect(bulkMapping.mock.calls[2][1]).toBe(bulkMapping.mock.calls[1][1]);
  expect(uuid).toHaveBeenCalledTimes(1);
  uuid.mockRestore();
});

test('a dry run the server refuses shows its message and what to do next', async () => {
  const user = userEvent.setup();
  bulkMapping.mockRejectedValueOnce(
    Object.assign(
      new Error(
        'The server refused the request (HTTP 422 UNKNOWN_NETWORK): d-200 is not a destination network',
      ),
      {
        kind: 'badRequest',
        status: 422,
      },
    ),
  );
  render(<BulkMappingPanel {...props()} />);
  await user.click(button(/Dry run/));
  expect(await screen.findByText('Dry run refused by the server')).toBeInTheDocument();
  expect(screen.getByText(/d-200 is not a destination network/)).toBeInTheDocument();
  expect(screen.getByText(/^Correct what the message names/)).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: /Retry/ })).toBeNull();
  expect(button(/^Apply$/)).toBeDisabled();
});

test('"Top recommendations" sends use_recommendations; test failover comes from the dashboard variable', async () => {
  const user = userEvent.setup();
  bulkMapping.mockResolvedValueOnce(result());
  render(<BulkMappingPanel {...props({ failover: 'test' })} />);
  expect(screen.getByText('Test failover')).toBeInTheDocument();
  await user.click(screen.getByRole('radio', { name: 'Top recommendations' }));
  await user.click(button(/Dry run/));
  expect(bulkMapping.mock.calls[0][0]).toEqual({
    selector: { vm_names: ['db-01', 'web-01', 'web-02'] },
    use_recommendations: true,
    failover_type: 'test',
    dry_run: true,
  });
  expect(
    await screen.findByText('No mapping changes: every selected NIC already has this destination.'),
  ).toBeInTheDocument();
  expect(screen.getByText(/The server matched 0 VMs; the list shows 3/)).toBeInTheDocument();
});

test('without a networkVms query the panel says which query it needs', () => {
  render(<BulkMappingPanel {...props({ series: [] })} />);
  expect(
    screen.getByText(/Add a "Network VMs" query of the OMA Migration Insights data source/),
  ).toBeInTheDocument();
});

test('changing the filters after a dry run drops its diff (it was for another request)', async () => {
  const user = userEvent.setup();
  bulkMapping.mockResolvedValueOnce(dryRunResult);
  render(<BulkMappingPanel {...props()} />);
  await user.click(button(/Dry run/));
  await screen.findByRole('region', { name: 'Dry run result' });
  await user.type(screen.getByLabelText('VM name pattern'), 'web');
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Dry run result' })).toBeNull());
  expect(button(/^Apply$/)).toBeDisabled();
  await act(async () => undefined);
});

test("the operator changes a rule's destination to any destination network, or clears it", async () => {
  const user = userEvent.setup();
  bulkMapping.mockResolvedValue(result());
  render(<BulkMappingPanel {...props()} />);
  const rule200 = screen.getByTestId('rule-VLAN-200');
  await user.click(within(rule200).getByRole('combobox'));
  await user.click(await screen.findByRole('option', { name: /legacy/ }));
  expect(within(rule200).getByRole('combobox')).toHaveValue('legacy');
  expect(within(rule200).getByText('changed')).toBeInTheDocument();
  expect(within(rule200).getAllByText('—')).toHaveLength(2); // not a candidate: no score, no reasons

  // Clearing VLAN-100's rule leaves that network alone.
  await user.click(within(screen.getByTestId('rule-VLAN-100')).getByTitle('Clear value'));
  await user.click(button(/Dry run/));
  expect(bulkMapping.mock.calls[0][0].rules).toEqual([
    { source_network: 'VLAN-200', destination_network_id: 'd-old', is_test_network: false },
  ]);
});

test('picking a vCenter narrows the list, the rules and the selector; dismissing the confirmation applies nothing', async () => {
  const user = userEvent.setup();
  bulkMapping.mockResolvedValueOnce(
    result({
      summary: { vms_matched: 1, created: 1, updated: 0, unchanged: 0 },
      changes: [change('db-01', 'VLAN-300', null, ['d-100', 'prod-100'])],
    }),
  );
  render(<BulkMappingPanel {...props()} />);
  await user.click(screen.getByLabelText('vCenter'));
  await user.click(await screen.findByRole('option', { name: 'vc-2' }));
  expect(screen.getByTestId('selection-count')).toHaveTextContent('1 of 3 VMs selected · 1 NICs');
  expect(screen.queryByTestId('rule-VLAN-100')).toBeNull();

  const rule300 = screen.getByTestId('rule-VLAN-300');
  await user.click(within(rule300).getByRole('combobox'));
  await user.click(await screen.findByRole('option', { name: /prod-100/ }));
  await user.click(button(/Dry run/));
  expect(bulkMapping.mock.calls[0][0]).toEqual({
    selector: { vm_names: ['db-01'], vcenter: 'vc-2' },
    rules: [{ source_network: 'VLAN-300', destination_network_id: 'd-100', is_test_network: false }],
    failover_type: 'live',
    dry_run: true,
  });
  await screen.findByRole('region', { name: 'Dry run result' });
  await user.click(button(/^Apply$/));
  await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  expect(bulkMapping).toHaveBeenCalledTimes(1);
  expect(button(/^Apply$/)).toBeEnabled();
});

test('a VM list the server cut at its limit says so; the failover type is the one the recommendations were made for', () => {
  const [vms, recs] = frames();
  vms.meta = { custom: { truncated: true } };
  recs.meta = { custom: { failoverType: 'test' } };
  // The dashboard asks for live, but these recommendations are for test: the rules follow them.
  render(<BulkMappingPanel {...props({ series: [vms, recs], failover: 'live' })} />);
  expect(screen.getByText(/The VM list stops at 4 NIC rows/)).toBeInTheDocument();
  expect(screen.getByText('Test failover')).toBeInTheDocument();
  expect(screen.queryByText('(failover type from the panel options)')).toBeNull();
});
