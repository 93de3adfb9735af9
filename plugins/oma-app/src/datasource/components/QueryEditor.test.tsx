import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';

import type { DataSource } from '../datasource';
import { MAX_NETWORK_VM_ROWS, type OmaQuery } from '../types';
import { QueryEditor, switchQueryType } from './QueryEditor';

/** Renders the editor the way Grafana does: onChange feeds the query back in. */
function setup(initial: OmaQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  function Harness() {
    const [query, setQuery] = useState<OmaQuery>(initial);
    return (
      <QueryEditor
        datasource={{} as DataSource}
        query={query}
        onChange={(q) => {
          onChange(q);
          setQuery(q);
        }}
        onRunQuery={onRunQuery}
      />
    );
  }
  const utils = render(<Harness />);
  return { ...utils, onChange, onRunQuery, user: userEvent.setup() };
}

/** The query type the Select shows (its single value, next to the input labelled "Query type"). */
function queryTypeShown(): string | null | undefined {
  const input = screen.getByLabelText('Query type');
  return input.closest('[class*="grafana-select-value-container"]')?.textContent;
}

async function pickQueryType(user: ReturnType<typeof userEvent.setup>, label: string) {
  await user.click(screen.getByLabelText('Query type'));
  await user.click(await screen.findByRole('option', { name: label }));
}

describe('QueryEditor', () => {
  it('shows the vmContexts filters for a new (empty) query', () => {
    setup({ refId: 'A' } as OmaQuery);
    expect(queryTypeShown()).toBe('VM contexts');
    expect(screen.getByLabelText('vCenter')).toBeInTheDocument();
    expect(screen.getByLabelText('Search')).toBeInTheDocument();
    expect(screen.getByLabelText('Limit')).toHaveValue(500);
    expect(screen.queryByRole('radio', { name: 'Running' })).not.toBeInTheDocument();
  });

  it('switches to a jobs query of running jobs and runs it', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'B', queryType: 'vmContexts', search: 'web' });
    await pickQueryType(user, 'Replication jobs');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ refId: 'B', queryType: 'jobs', status: 'running', limit: 500 }),
    );
    expect(onChange.mock.lastCall[0]).not.toHaveProperty('search');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('changes the job status filter', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'jobs', status: 'running' });
    const group = screen.getByRole('radio', { name: 'Failed' });
    await user.click(group);
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'jobs', status: 'failed' }),
    );
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('updates the search while typing and runs the query on blur', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'vmContexts' });
    await user.type(screen.getByLabelText('Search'), 'd');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'd' }));
    expect(onRunQuery).not.toHaveBeenCalled();
    await user.tab();
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('takes a VM name or variable in the jobs VM filter', async () => {
    const { user, onChange } = setup({ refId: 'A', queryType: 'jobs', status: 'all' });
    await user.type(screen.getByLabelText('VM'), '$');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'jobs', vm: '$' }));
  });

  it('picks a VM status from the list', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'vmContexts' });
    await user.click(screen.getByLabelText('VM status'));
    const option = await screen.findByText('ready for failover');
    await user.click(option);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'ready_for_failover' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('takes a template variable as the VM status', async () => {
    const { user, onChange } = setup({ refId: 'A', queryType: 'vmContexts' });
    await user.click(screen.getByLabelText('VM status'));
    await user.keyboard('$status{Enter}');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ status: '$status' }));
  });

  it('applies a new limit when leaving the field, and ignores one that is not a positive number', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'vmContexts', limit: 5 });
    const limit = screen.getByLabelText('Limit');
    await user.clear(limit);
    await user.type(limit, '50');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 50 }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    await user.clear(limit);
    await user.type(limit, '0');
    await user.tab();
    // 0 is no limit: the query falls back to the default row limit.
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: undefined }));
    expect(limit).toHaveValue(500);
  });

  it('shows the annotation query with its VM filter', () => {
    setup({ refId: 'Anno', queryType: 'failedJobAnnotations', vm: 'db-01' });
    expect(queryTypeShown()).toBe('Failed job annotations');
    expect(screen.getByLabelText('VM')).toHaveValue('db-01');
  });
});

describe('QueryEditor: network queries', () => {
  it('offers every editor query type, the network ones included', async () => {
    const { user } = setup({ refId: 'A', queryType: 'vmContexts' });
    await user.click(screen.getByLabelText('Query type'));
    const options = (await screen.findAllByRole('option')).map((o) => o.textContent);
    expect(options).toEqual([
      'VM contexts',
      'Replication jobs',
      'Network topology',
      'Network recommendations',
      'Network VMs',
      'Network validation',
      'Network performance',
      'Recommendation adoption',
      'Sync predictions',
      'Migration trends',
      'CBT sync performance',
      'Volume operations',
      'KPI summary',
    ]);
  });

  it('switches to a volume operations query and picks its view', async () => {
    const { user, onChange } = setup({ refId: 'A', queryType: 'vmContexts', search: 'x' });
    await pickQueryType(user, 'Volume operations');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ refId: 'A', queryType: 'volumePerformance', view: 'operations' }),
    );
    expect(onChange.mock.lastCall[0]).not.toHaveProperty('search');
  });

  it('a CBT query shows its view and changes it', async () => {
    const { user, onChange, onRunQuery } = setup({
      refId: 'A',
      queryType: 'cbtPerformance',
      vcenter: 'vc-1',
    });
    await user.click(screen.getByText('Per sync type'));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'cbtPerformance', view: 'summary', vcenter: 'vc-1' }),
    );
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('switches to a migration trends query, which says what it returns', async () => {
    const { user, onChange } = setup({ refId: 'A', queryType: 'vmContexts', search: 'x' });
    await pickQueryType(user, 'Migration trends');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ refId: 'A', queryType: 'migrationTrends' }),
    );
    expect(onChange.mock.lastCall[0]).not.toHaveProperty('search');
  });

  it('switches to a live topology query and shows its failover type, vCenter and datacenter', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'vmContexts', search: 'x' });
    await pickQueryType(user, 'Network topology');
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      datasource: undefined,
      hide: undefined,
      key: undefined,
      queryType: 'networkTopology',
      failoverType: 'live',
    });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Live failover')).toBeInTheDocument();
    expect(screen.getByLabelText('vCenter')).toBeInTheDocument();
    expect(screen.getByLabelText('Datacenter')).toBeInTheDocument();
  });

  it('changes the failover type to test, or to a template variable', async () => {
    const { user, onChange, onRunQuery } = setup({
      refId: 'A',
      queryType: 'networkTopology',
      failoverType: 'live',
    });
    await user.click(screen.getByLabelText('Failover type'));
    await user.click(await screen.findByRole('option', { name: 'Test failover' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ failoverType: 'test' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    await user.click(screen.getByLabelText('Failover type'));
    await user.keyboard('$failover{Enter}');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ failoverType: '$failover' }));
  });

  it('edits a recommendations query: source network, unmapped only, candidates', async () => {
    const { user, onChange } = setup({
      refId: 'A',
      queryType: 'networkRecommendations',
      failoverType: 'test',
      candidates: 3,
    });
    expect(screen.getByText('Test failover')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Source network'), 'PG');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ sourceNetwork: 'PG' }));
    await user.click(screen.getByLabelText('Unmapped only'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ unmappedOnly: true }));
    const candidates = screen.getByLabelText('Candidates');
    expect(candidates).toHaveValue(3);
    await user.clear(candidates);
    await user.type(candidates, '5');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ candidates: 5 }));
  });

  it('edits a network VMs query: filters and limit', async () => {
    const { user, onChange } = setup({ refId: 'A', queryType: 'networkVms' });
    await user.type(screen.getByLabelText('Datacenter'), 'D');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'networkVms', datacenter: 'D' }),
    );
    await user.type(screen.getByLabelText('Search'), 'w');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'w' }));
    expect(screen.getByLabelText('Limit')).toHaveValue(MAX_NETWORK_VM_ROWS);
  });

  it('takes comma-separated VM names for a validation query when leaving the field', async () => {
    const { user, onChange, onRunQuery } = setup({
      refId: 'A',
      queryType: 'networkValidation',
      failoverType: 'live',
    });
    await user.type(screen.getByLabelText('VM names'), 'db-01, $vm ,');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ vmNames: 'db-01,$vm' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    await user.clear(screen.getByLabelText('VM names'));
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ vmNames: undefined }));
  });

  it('says what a performance query shows; it has no fields', () => {
    setup({ refId: 'A', queryType: 'networkPerformance' });
    expect(screen.getByText(/probe latency and loss over the dashboard/)).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });
});

describe('predictions query fields', () => {
  it('edits VM names and the concurrency, running the query when a field is left', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'A', queryType: 'predictions' });
    await user.type(screen.getByLabelText('VMs'), 'db-01,$vm');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ vm: 'db-01,$vm' }));
    await user.type(screen.getByLabelText('Concurrency'), '8');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'predictions', concurrency: 8 }),
    );
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });
});

describe('switchQueryType', () => {
  it('keeps refId and datasource and drops the old type’s filters', () => {
    const next = switchQueryType(
      { refId: 'C', queryType: 'jobs', status: 'failed', vm: 'x', datasource: { uid: 'u' } },
      'vmContexts',
    );
    expect(next).toEqual({
      refId: 'C',
      datasource: { uid: 'u' },
      hide: undefined,
      key: undefined,
      queryType: 'vmContexts',
      limit: 500,
    });
  });
});
