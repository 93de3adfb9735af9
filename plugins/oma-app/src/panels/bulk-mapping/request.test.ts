import { MAX_BULK_RULES, MAX_SELECTOR_VMS } from '@oma-insights/contracts/network-values';
import { emptyFilters, filterVms, type VmFilters } from './filter';
import { buildBulkRequest, requestKey, type RequestInput } from './request';
import { buildRuleRows, readDestinations, readRecommendations, type RuleRow } from './rules';
import { recommendationFrame, vmFrame } from './test-utils/factory';
import { buildVmRows, type VmRow } from './vm-rows';

const vms = buildVmRows([
  vmFrame([
    { vm: 'web-10', source: 'VLAN-100', vcenter: 'vc-a' },
    { vm: 'web-10', source: 'VLAN-200', vcenter: 'vc-a' },
    { vm: 'web-2', source: 'VLAN-100', vcenter: 'vc-a', live: ['d-100', 'prod-100'] },
    { vm: 'db-1', source: 'VLAN-300', vcenter: 'vc-b' },
  ]),
]);
const recommendations = readRecommendations([
  recommendationFrame([
    { source: 'VLAN-100', rank: 1, id: 'd-100', name: 'prod-100', score: 0.9 },
    { source: 'VLAN-200', rank: 1, id: 'd-200', name: 'prod-200', score: 0.7 },
  ]),
]);
const destinations = readDestinations([], recommendations, vms);

function inputFor(
  filters: VmFilters,
  overrides: Partial<RequestInput> = {},
  ruleOverrides = {},
): RequestInput {
  const { rows, error } = filterVms(vms, filters);
  return {
    filters,
    filterError: error,
    selected: rows,
    rules: buildRuleRows({
      selected: rows,
      failoverType: overrides.failoverType ?? 'live',
      recommendations,
      destinations,
      overrides: ruleOverrides,
      sourceNetwork: filters.sourceNetwork,
    }),
    mode: 'rules',
    failoverType: 'live',
    ...overrides,
  };
}

describe('buildBulkRequest', () => {
  test('rules from the table, the listed VMs by name and the filters that are set', () => {
    const filters: VmFilters = { vcenter: 'vc-a', namePattern: { match: 'regex', value: '^web-' } };
    expect(buildBulkRequest(inputFor(filters), true)).toEqual({
      ok: true,
      request: {
        selector: {
          vm_names: ['web-10', 'web-2'],
          vcenter: 'vc-a',
          name_pattern: { match: 'regex', value: '^web-' },
        },
        rules: [
          { source_network: 'VLAN-100', destination_network_id: 'd-100', is_test_network: false },
          { source_network: 'VLAN-200', destination_network_id: 'd-200', is_test_network: false },
        ],
        failover_type: 'live',
        dry_run: true,
      },
    });
  });

  test('test failover: rules for test networks; the apply differs from the dry run only in dry_run', () => {
    const input = inputFor(
      { datacenter: 'dc-1', sourceNetwork: 'VLAN-200', namePattern: { match: 'exact', value: 'web-10' } },
      { failoverType: 'test' },
    );
    const apply = buildBulkRequest(input, false);
    expect(apply).toEqual({
      ok: true,
      request: {
        selector: {
          vm_names: ['web-10'],
          datacenter: 'dc-1',
          source_network: 'VLAN-200',
          name_pattern: { match: 'exact', value: 'web-10' },
        },
        rules: [{ source_network: 'VLAN-200', destination_network_id: 'd-200', is_test_network: true }],
        failover_type: 'test',
        dry_run: false,
      },
    });
    const dry = buildBulkRequest(input, true);
    expect(dry.ok && apply.ok && requestKey(dry.request)).toBe(apply.ok && requestKey(apply.request));
  });

  test('rules the operator cleared are left out; a changed destination is sent', () => {
    const built = buildBulkRequest(
      inputFor(emptyFilters('contains'), {}, { 'VLAN-100': null, 'VLAN-300': 'd-x' }),
      true,
    );
    expect(built.ok && built.request.rules).toEqual([
      { source_network: 'VLAN-200', destination_network_id: 'd-200', is_test_network: false },
      { source_network: 'VLAN-300', destination_network_id: 'd-x', is_test_network: false },
    ]);
    // No filter set: the selector still names every listed VM (in code-unit order), never an
    // empty selector, which the server refuses.
    expect(built.ok && built.request.selector).toEqual({ vm_names: ['db-1', 'web-10', 'web-2'] });
  });

  test('use_recommendations instead of rules', () => {
    expect(
      buildBulkRequest(
        inputFor(
          { vcenter: 'vc-b', namePattern: { match: 'contains', value: '' } },
          { mode: 'recommendations' },
        ),
        false,
      ),
    ).toEqual({
      ok: true,
      request: {
        selector: { vm_names: ['db-1'], vcenter: 'vc-b' },
        use_recommendations: true,
        failover_type: 'live',
        dry_run: false,
      },
    });
  });

  test('an invalid regex, no VM, or no rule with a destination: no request, and why', () => {
    const badRegex = buildBulkRequest(inputFor({ namePattern: { match: 'regex', value: '(' } }), true);
    expect(badRegex).toEqual({
      ok: false,
      problem: expect.stringMatching(/^Fix the name pattern first\. Invalid regular expression/),
    });
    expect(buildBulkRequest(inputFor({ namePattern: { match: 'exact', value: 'nope' } }), true)).toEqual({
      ok: false,
      problem: 'No VM matches the filters.',
    });
    expect(buildBulkRequest(inputFor({ ...emptyFilters('exact'), vcenter: 'vc-b' }), true)).toEqual({
      ok: false,
      problem: 'Choose a destination for at least one source network.',
    });
  });

  test('more VMs or rules than one request may carry are refused before sending', () => {
    const many = (n: number): VmRow[] =>
      Array.from({ length: n }, (_, i) => ({
        name: `vm-${i}`,
        vcenter: '',
        datacenter: '',
        status: '',
        nics: [],
      }));
    const rule = (i: number): RuleRow => ({
      sourceNetwork: `n-${i}`,
      vms: 1,
      unmapped: 1,
      current: [],
      candidates: [],
      destination: { id: 'd', name: 'd' },
      origin: 'chosen',
      candidate: null,
    });
    const base = inputFor(emptyFilters('exact'));
    const tooManyVms = buildBulkRequest({ ...base, selected: many(MAX_SELECTOR_VMS + 1) }, true);
    expect(tooManyVms).toEqual({
      ok: false,
      problem: expect.stringMatching(/at most 100000\. Narrow the filters/),
    });
    expect(buildBulkRequest({ ...base, selected: many(MAX_SELECTOR_VMS) }, true).ok).toBe(true);
    const rules = Array.from({ length: MAX_BULK_RULES + 1 }, (_, i) => rule(i));
    expect(buildBulkRequest({ ...base, rules }, true)).toEqual({
      ok: false,
      problem: expect.stringMatching(/at most 2000/),
    });
    expect(buildBulkRequest({ ...base, rules: rules.slice(1) }, true).ok).toBe(true);
  });

  test('a VM listed twice is named once', () => {
    const base = inputFor(emptyFilters('exact'));
    const built = buildBulkRequest({ ...base, selected: [...base.selected, base.selected[0]] }, true);
    expect(built.ok && built.request.selector.vm_names).toEqual(['db-1', 'web-10', 'web-2']);
  });
});

describe('requestKey', () => {
  test('ignores dry_run and changes with anything else', () => {
    const a = buildBulkRequest(inputFor(emptyFilters('exact')), true);
    const b = buildBulkRequest(inputFor(emptyFilters('exact'), {}, { 'VLAN-100': 'd-200' }), true);
    const c = buildBulkRequest(inputFor(emptyFilters('exact'), { failoverType: 'test' }), true);
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected requests');
    expect(requestKey({ ...a.request, dry_run: false })).toBe(requestKey(a.request));
    expect(new Set([a, b, c].map((x) => requestKey(x.request))).size).toBe(3);
  });
});
