import { act, fireEvent, render, screen, within } from '@testing-library/react';

import { layoutInlineHeights } from '../test-utils/layout';
import type { VmRow } from '../vm-rows';
import { VM_ROW_HEIGHT, VmList } from './VmList';

layoutInlineHeights();

const vms = (n: number): VmRow[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `vm-${String(i).padStart(5, '0')}`,
    vcenter: 'vc-1',
    datacenter: 'dc-1',
    status: 'replicating',
    nics: [
      {
        sourceNetwork: 'VLAN-100',
        live: { id: 'd1', name: 'prod-100', validation: i % 2 ? 'invalid' : 'valid' },
        test: null,
      },
      { sourceNetwork: 'VLAN-200', live: null, test: null },
    ],
  }));

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
const names = () => bodyRows().map((r) => within(r).getAllByRole('cell')[0].textContent);

test('10,000 VMs: only a window of rows is in the DOM, and scrolling moves the window', () => {
  render(<VmList vms={vms(10_000)} failoverType="live" visibleRows={10} />);
  const scroller = screen.getByTestId('vm-list-scroller');
  expect(scroller.style.height).toBe(`${10 * VM_ROW_HEIGHT}px`);
  // The scroll area is as tall as all rows, so the scrollbar is true to the list.
  expect((scroller.firstChild as HTMLElement).style.height).toBe(`${10_000 * VM_ROW_HEIGHT}px`);
  expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '10001');

  const first = bodyRows();
  expect(first.length).toBeGreaterThanOrEqual(10);
  expect(first.length).toBeLessThan(30);
  expect(names()[0]).toBe('vm-00000');

  act(() => {
    scroller.scrollTop = 5_000 * VM_ROW_HEIGHT;
    fireEvent.scroll(scroller);
  });
  const after = names();
  expect(after.length).toBeLessThan(30);
  expect(after).toContain('vm-05000');
  expect(after).toContain('vm-05009');
  expect(after).not.toContain('vm-00000');
  const row = bodyRows().find((r) => within(r).getAllByRole('cell')[0].textContent === 'vm-05000')!;
  expect(row).toHaveAttribute('aria-rowindex', '5002');
  expect(row.style.transform).toBe(`translateY(${5_000 * VM_ROW_HEIGHT}px)`);
});

test('a row shows each NIC network and its destination for the failover type; unmapped stands out', () => {
  render(<VmList vms={vms(2)} failoverType="live" visibleRows={10} />);
  const [first] = bodyRows();
  const cells = within(first).getAllByRole('cell');
  expect(cells.map((c) => c.textContent)).toEqual([
    'vm-00000',
    'vc-1 / dc-1',
    'VLAN-100 → prod-100VLAN-200 → unmapped',
  ]);
  expect(within(first).getByTitle('VLAN-200: no live mapping')).toBeInTheDocument();
  expect(within(bodyRows()[1]).getByTitle('VLAN-100 → prod-100 (invalid)')).toBeInTheDocument();
});

test('test failover shows test destinations; a short list is only as tall as its rows', () => {
  render(<VmList vms={vms(3)} failoverType="test" visibleRows={10} />);
  expect(screen.getByTestId('vm-list-scroller').style.height).toBe(`${3 * VM_ROW_HEIGHT}px`);
  expect(bodyRows()).toHaveLength(3);
  expect(within(bodyRows()[0]).getByTitle('VLAN-100: no test mapping')).toBeInTheDocument();
});

test('no VMs: says so', () => {
  render(<VmList vms={[]} failoverType="live" visibleRows={10} />);
  expect(screen.getByText('No VM matches the filters.')).toBeInTheDocument();
  expect(screen.queryByRole('table')).toBeNull();
});
