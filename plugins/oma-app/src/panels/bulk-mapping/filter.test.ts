import { emptyFilters, filterChoices, filterVms, nameMatcher, type VmFilters } from './filter';
import { vmFrame } from './test-utils/factory';
import { buildVmRows } from './vm-rows';

const rows = buildVmRows([
  vmFrame([
    { vm: 'web-01', source: 'VLAN-100', vcenter: 'vc-a', datacenter: 'dc-1' },
    { vm: 'web-01', source: 'VLAN-200', vcenter: 'vc-a', datacenter: 'dc-1' },
    { vm: 'WEB-02', source: 'VLAN-100', vcenter: 'vc-a', datacenter: 'dc-2' },
    { vm: 'db-01', source: 'VLAN-300', vcenter: 'vc-b', datacenter: 'dc-9' },
  ]),
]);
const names = (filters: VmFilters) => filterVms(rows, filters).rows.map((r) => r.name);
const pattern = (match: 'exact' | 'contains' | 'regex', value: string): VmFilters => ({
  namePattern: { match, value },
});

describe('nameMatcher', () => {
  test('an empty pattern matches every name, whatever the match type (even regex)', () => {
    for (const match of ['exact', 'contains', 'regex'] as const) {
      const m = nameMatcher({ match, value: '' });
      expect(m.ok && m.test('anything')).toBe(true);
    }
  });

  test('exact is the whole name, case as typed', () => {
    expect(names(pattern('exact', 'web-01'))).toEqual(['web-01']);
    expect(names(pattern('exact', 'web-0'))).toEqual([]);
    expect(names(pattern('exact', 'WEB-01'))).toEqual([]);
  });

  test('contains is a substring in any case', () => {
    expect(names(pattern('contains', 'web'))).toEqual(['web-01', 'WEB-02']);
    expect(names(pattern('contains', '-0'))).toEqual(['db-01', 'web-01', 'WEB-02']);
  });

  test('regex matches anywhere unless anchored, and is case-sensitive', () => {
    expect(names(pattern('regex', '0[12]$'))).toEqual(['db-01', 'web-01', 'WEB-02']);
    expect(names(pattern('regex', '^web'))).toEqual(['web-01']);
    expect(names(pattern('regex', '^(web|WEB)-0[2-9]$'))).toEqual(['WEB-02']);
  });

  test.each(['web-(', '[a-', '*x', '(?<n>a)\\k<m>'])(
    'invalid regex %p is an error that names the problem',
    (value) => {
      const m = nameMatcher({ match: 'regex', value });
      expect(m.ok).toBe(false);
      expect(!m.ok && m.error).toMatch(/^Invalid regular expression: /);
      // Said once, though the engine's own message starts with it too.
      expect(!m.ok && m.error.split('Invalid regular expression')).toHaveLength(2);
    },
  );

  test('characters special to a regex are plain text for exact and contains', () => {
    expect(nameMatcher({ match: 'contains', value: 'web-(' }).ok).toBe(true);
    expect(names(pattern('contains', '.*'))).toEqual([]);
  });
});

describe('filterVms', () => {
  test('with no filter every VM is selected', () => {
    expect(names(emptyFilters('contains'))).toEqual(['db-01', 'web-01', 'WEB-02']);
  });

  test('vCenter, datacenter, source network (any NIC) and name combine with AND', () => {
    expect(names({ ...emptyFilters('exact'), vcenter: 'vc-a' })).toEqual(['web-01', 'WEB-02']);
    expect(names({ ...emptyFilters('exact'), vcenter: 'vc-a', datacenter: 'dc-2' })).toEqual(['WEB-02']);
    expect(names({ ...emptyFilters('exact'), sourceNetwork: 'VLAN-200' })).toEqual(['web-01']);
    expect(names({ ...pattern('contains', 'web'), sourceNetwork: 'VLAN-100', datacenter: 'dc-1' })).toEqual([
      'web-01',
    ]);
    expect(names({ ...emptyFilters('exact'), vcenter: 'vc-b', sourceNetwork: 'VLAN-100' })).toEqual([]);
  });

  test('an invalid regex selects nothing and reports the error instead of throwing', () => {
    const result = filterVms(rows, pattern('regex', 'web-('));
    expect(result.rows).toEqual([]);
    expect(result.error).toMatch(/Invalid regular expression/);
  });

  test('an unknown vCenter selects nothing (not everything)', () => {
    expect(names({ ...emptyFilters('exact'), vcenter: 'vc-zzz' })).toEqual([]);
  });
});

describe('filterChoices', () => {
  test('each filter offers the values left by the filters before it', () => {
    expect(filterChoices(rows, emptyFilters('exact'))).toEqual({
      vcenters: ['vc-a', 'vc-b'],
      datacenters: ['dc-1', 'dc-2', 'dc-9'],
      sourceNetworks: ['VLAN-100', 'VLAN-200', 'VLAN-300'],
    });
    expect(filterChoices(rows, { ...emptyFilters('exact'), vcenter: 'vc-a', datacenter: 'dc-2' })).toEqual({
      vcenters: ['vc-a', 'vc-b'],
      datacenters: ['dc-1', 'dc-2'],
      sourceNetworks: ['VLAN-100'],
    });
  });
});
