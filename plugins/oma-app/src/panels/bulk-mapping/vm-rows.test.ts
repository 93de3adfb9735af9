import { FieldType, toDataFrame } from '@grafana/data';

import { vmFrame } from './test-utils/factory';
import { buildVmRows, compareNames, destinationFor } from './vm-rows';

describe('buildVmRows', () => {
  test('one row per VM with each NIC network and its live and test destinations', () => {
    const rows = buildVmRows([
      vmFrame([
        { vm: 'web-10', source: 'VLAN-200', live: ['d2', 'prod-200', 'valid'], test: null },
        { vm: 'web-2', source: 'VLAN-100', live: ['d1', 'prod-100'], test: ['t1', 'test-100', 'pending'] },
        { vm: 'web-10', source: 'VLAN-100', vcenter: 'vc-1', live: null, test: null },
      ]),
    ]);
    expect(rows).toEqual([
      {
        name: 'web-2',
        vcenter: 'vc-1',
        datacenter: 'dc-1',
        status: 'replicating',
        nics: [
          {
            sourceNetwork: 'VLAN-100',
            live: { id: 'd1', name: 'prod-100', validation: null },
            test: { id: 't1', name: 'test-100', validation: 'pending' },
          },
        ],
      },
      {
        name: 'web-10',
        vcenter: 'vc-1',
        datacenter: 'dc-1',
        status: 'replicating',
        nics: [
          { sourceNetwork: 'VLAN-100', live: null, test: null },
          {
            sourceNetwork: 'VLAN-200',
            live: { id: 'd2', name: 'prod-200', validation: 'valid' },
            test: null,
          },
        ],
      },
    ]);
  });

  test('rows from several frames are merged; a NIC network seen twice is kept once (first row wins)', () => {
    const rows = buildVmRows([
      vmFrame([{ vm: 'a', source: 'n1', live: ['d1', 'D1'] }]),
      vmFrame([
        { vm: 'a', source: 'n1', live: ['d9', 'D9'] },
        { vm: 'a', source: 'n2' },
      ]),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].nics.map((n) => [n.sourceNetwork, n.live?.id ?? null])).toEqual([
      ['n1', 'd1'],
      ['n2', null],
    ]);
  });

  test('a destination without a name shows its id; rows without a VM or network are skipped', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'vm_name', type: FieldType.string, values: ['a', null, 'b'] },
        { name: 'source_network', type: FieldType.string, values: ['n1', 'n1', ''] },
        { name: 'live_network_id', type: FieldType.string, values: ['d1', 'd1', null] },
        { name: 'test_network_id', type: FieldType.string, values: [null, null, null] },
      ],
    });
    expect(buildVmRows([frame])).toEqual([
      {
        name: 'a',
        vcenter: '',
        datacenter: '',
        status: '',
        nics: [{ sourceNetwork: 'n1', live: { id: 'd1', name: 'd1', validation: null }, test: null }],
      },
    ]);
  });

  test('no frames, no rows', () => {
    expect(buildVmRows([])).toEqual([]);
  });
});

test('compareNames sorts naturally and is total (case variants keep a stable order)', () => {
  expect(['web-10', 'web-2', 'Web-2', 'app'].sort(compareNames)).toEqual(['app', 'Web-2', 'web-2', 'web-10']);
});

test('destinationFor picks the live or test destination', () => {
  const nic = { sourceNetwork: 'n', live: { id: 'l', name: 'L', validation: null }, test: null };
  expect(destinationFor(nic, 'live')?.id).toBe('l');
  expect(destinationFor(nic, 'test')).toBeNull();
});
