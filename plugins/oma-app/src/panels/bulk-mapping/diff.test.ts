import { buildDiff, changeSentence } from './diff';
import { change, result } from './test-utils/factory';

const dryRun = result(
  {
    summary: { vms_matched: 4, created: 3, updated: 2, unchanged: 1 },
    changes: [
      change('web-2', 'VLAN-100', null, ['d-100', 'prod-100']),
      change('web-10', 'VLAN-100', null, ['d-100', 'prod-100']),
      change('web-1', 'VLAN-100', ['d-old', 'legacy'], ['d-100', 'prod-100']),
      change('web-1', 'VLAN-200', null, ['d-200', 'prod-200']),
      change('db-1', 'VLAN-300', ['d-9', 'x'], ['d-300', 'prod-300']),
      // Listed with the same destination before and after: not a change.
      change('db-2', 'VLAN-300', ['d-300', 'prod-300'], ['d-300', 'prod-300']),
    ],
  },
  [
    { vm_name: 'web-1', status: 'valid', issues: [] },
    {
      vm_name: 'web-2',
      status: 'invalid',
      issues: [
        {
          code: 'ZONE_MISMATCH',
          severity: 'error',
          message: 'prod-100 is in zone B, web-2 in A',
          source_network: 'VLAN-100',
          destination_network_id: 'd-100',
        },
        {
          code: 'DUPLICATE_TARGET',
          severity: 'warning',
          message: 'two NICs on prod-100',
          source_network: null,
          destination_network_id: 'd-100',
        },
      ],
    },
    {
      vm_name: 'db-1',
      status: 'warning',
      issues: [
        {
          code: 'DUPLICATE_TARGET',
          severity: 'warning',
          message: 'two NICs on prod-300',
          source_network: null,
          destination_network_id: 'd-300',
        },
        {
          code: 'DUPLICATE_TARGET',
          severity: 'warning',
          message: 'again',
          source_network: null,
          destination_network_id: 'd-300',
        },
      ],
    },
    {
      vm_name: 'db-2',
      status: 'invalid',
      issues: [
        {
          code: 'UNMAPPED_NETWORK',
          severity: 'error',
          message: 'VLAN-400 has no live mapping',
          source_network: 'VLAN-400',
          destination_network_id: null,
        },
      ],
    },
  ],
);

test('changes grouped by source network as before -> after lines, largest first, with the first VMs', () => {
  const diff = buildDiff(dryRun, 2);
  expect(diff.groups).toEqual([
    {
      sourceNetwork: 'VLAN-100',
      nics: 3,
      transitions: [
        { before: null, after: { id: 'd-100', name: 'prod-100' }, nics: 2, vms: ['web-2', 'web-10'] },
        {
          before: { id: 'd-old', name: 'legacy' },
          after: { id: 'd-100', name: 'prod-100' },
          nics: 1,
          vms: ['web-1'],
        },
      ],
    },
    {
      sourceNetwork: 'VLAN-200',
      nics: 1,
      transitions: [{ before: null, after: { id: 'd-200', name: 'prod-200' }, nics: 1, vms: ['web-1'] }],
    },
    {
      sourceNetwork: 'VLAN-300',
      nics: 1,
      transitions: [
        {
          before: { id: 'd-9', name: 'x' },
          after: { id: 'd-300', name: 'prod-300' },
          nics: 1,
          vms: ['db-1'],
        },
      ],
    },
  ]);
  expect(buildDiff(dryRun, 1).groups[0].transitions[0].vms).toEqual(['web-2']);
  expect(buildDiff(dryRun, 0).groups[0].transitions[0].vms).toEqual([]);
});

test("counts: the server's summary, and the NICs and VMs that really change", () => {
  const diff = buildDiff(dryRun, 5);
  expect(diff).toMatchObject({
    dryRun: true,
    applied: false,
    summary: { vms_matched: 4, created: 3, updated: 2, unchanged: 1 },
    changedNics: 5,
    changedVms: 4,
  });
  expect(changeSentence(diff)).toBe('5 NICs on 4 VMs');
  expect(changeSentence({ changedNics: 1, changedVms: 1 })).toBe('1 NIC on 1 VM');
});

test('validation summary: counts and issues by code, errors first, VMs counted once per code', () => {
  expect(buildDiff(dryRun, 5).validation).toEqual({
    valid: false,
    vms: 4,
    validVms: 1,
    invalidVms: 2,
    warningVms: 1,
    issues: [
      { code: 'UNMAPPED_NETWORK', severity: 'error', vms: 1, example: 'VLAN-400 has no live mapping' },
      { code: 'ZONE_MISMATCH', severity: 'error', vms: 1, example: 'prod-100 is in zone B, web-2 in A' },
      { code: 'DUPLICATE_TARGET', severity: 'warning', vms: 2, example: 'two NICs on prod-100' },
    ],
  });
});

test('a result without changes is an empty diff, valid when validation is', () => {
  const diff = buildDiff(result({ summary: { vms_matched: 3, created: 0, updated: 0, unchanged: 3 } }), 5);
  expect(diff).toMatchObject({
    changedNics: 0,
    changedVms: 0,
    groups: [],
    validation: { valid: true, issues: [] },
  });
});
