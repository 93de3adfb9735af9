import { summarizeSourceNetworks } from './source-networks';

const nics = (...names: string[]) =>
  JSON.stringify(names.map((network_name, i) => ({ name: `Network adapter ${i + 1}`, network_name })));

describe('summarizeSourceNetworks', () => {
  test('counts VMs, NICs, vCenters and mapped VMs per network', () => {
    const result = summarizeSourceNetworks(
      [
        { context_id: 'a', vcenter_host: 'vc1', network_config: nics('prod-web', 'backup') },
        { context_id: 'b', vcenter_host: 'vc2', network_config: nics('prod-web', 'prod-web') },
        { context_id: 'c', vcenter_host: 'vc1', network_config: nics('backup') },
      ],
      [
        { vm_context_id: 'a', source_network_name: 'prod-web', is_test_network: 0 },
        { vm_context_id: 'a', source_network_name: 'prod-web', is_test_network: 1 },
        { vm_context_id: 'c', source_network_name: 'prod-web', is_test_network: 0 }, // not on that VM: ignored
      ],
    );
    expect(result).toEqual([
      {
        network_name: 'backup',
        vm_count: 2,
        nic_count: 2,
        vcenters: ['vc1'],
        mapped_live: 0,
        mapped_test: 0,
      },
      {
        network_name: 'prod-web',
        vm_count: 2,
        nic_count: 3,
        vcenters: ['vc1', 'vc2'],
        mapped_live: 1,
        mapped_test: 1,
      },
    ]);
  });

  test('tolerates malformed and empty network_config text', () => {
    expect(
      summarizeSourceNetworks(
        [
          { context_id: 'a', vcenter_host: 'vc', network_config: '{not json' },
          { context_id: 'b', vcenter_host: 'vc', network_config: null },
          {
            context_id: 'c',
            vcenter_host: 'vc',
            network_config: JSON.stringify([{ name: 'x' }, null, 'str', { network_name: '  ' }]),
          },
        ],
        [],
      ),
    ).toEqual([]);
  });
});
