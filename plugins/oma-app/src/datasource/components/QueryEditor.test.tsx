import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';

import type { DataSource } from '../datasource';
import type { OmaQuery } from '../types';
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

describe('QueryEditor', () => {
  it('shows the vmContexts filters for a new (empty) query', () => {
    setup({ refId: 'A' } as OmaQuery);
    expect(screen.getByRole('radio', { name: 'VM contexts' })).toBeChecked();
    expect(screen.getByLabelText('vCenter')).toBeInTheDocument();
    expect(screen.getByLabelText('Search')).toBeInTheDocument();
    expect(screen.getByLabelText('Limit')).toHaveValue(500);
    expect(screen.queryByRole('radio', { name: 'Running' })).not.toBeInTheDocument();
  });

  it('switches to a jobs query of running jobs and runs it', async () => {
    const { user, onChange, onRunQuery } = setup({ refId: 'B', queryType: 'vmContexts', search: 'web' });
    await user.click(screen.getByRole('radio', { name: 'Replication jobs' }));
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
    const types = screen.getByRole('radiogroup', { name: 'Query type' });
    expect(within(types).getByRole('radio', { name: 'Failed job annotations' })).toBeChecked();
    expect(screen.getByLabelText('VM')).toHaveValue('db-01');
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
