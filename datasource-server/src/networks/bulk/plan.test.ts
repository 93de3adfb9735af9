import { ApiError } from '../../http/errors';
import type { VmNetworks } from '../source-networks';
import { checkMode, indexRules, nameMatcher, planTargets } from './plan';

const vm = (name: string, networks: string[]): VmNetworks => ({
  context_id: `ctx-${name}`,
  vm_name: name,
  vmware_vm_id: `uuid-${name}`,
  vcenter_host: 'vc',
  datacenter: 'dc',
  current_status: 'replicating',
  networks,
});

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return {
      status: (err as ApiError).statusCode,
      code: (err as ApiError).code,
      message: (err as Error).message,
    };
  }
  throw new Error('expected a refusal');
};

describe('nameMatcher', () => {
  test('exact, contains (case-insensitive) and regex', () => {
    expect(nameMatcher({ match: 'exact', value: 'web-01' })!('web-01')).toBe(true);
    expect(nameMatcher({ match: 'exact', value: 'web-01' })!('web-011')).toBe(false);
    expect(nameMatcher({ match: 'contains', value: 'WEB' })!('prod-web-01')).toBe(true);
    expect(nameMatcher({ match: 'regex', value: '^web-\\d+$' })!('web-17')).toBe(true);
    expect(nameMatcher({ match: 'regex', value: '^web-\\d+$' })!('db-17')).toBe(false);
    expect(nameMatcher(undefined)).toBeNull();
  });

  test('an invalid regex is a 422 that says why', () => {
    expect(refusal(() => nameMatcher({ match: 'regex', value: 'web-(' }))).toMatchObject({
      status: 422,
      code: 'invalid_regex',
    });
  });

  test.each(['(a+)+$', '^(\\w+\\s?)*$', '(x*)*y'])('a regex that could run away is refused: %s', (value) => {
    expect(refusal(() => nameMatcher({ match: 'regex', value }))).toMatchObject({
      status: 422,
      code: 'unsafe_regex',
    });
  });
});

describe('rules', () => {
  test('conflicting rules for one network and failover type are refused, listing them', () => {
    const r = refusal(() =>
      indexRules([
        { source_network: 'web', destination_network_id: 'a' },
        { source_network: 'web', destination_network_id: 'b', is_test_network: false },
      ]),
    );
    expect(r).toMatchObject({ status: 422, code: 'conflicting_rules' });
    expect(r.message).toContain('web (live): a and b');
  });

  test('the same network may go elsewhere for test failover; duplicates that agree are fine', () => {
    const rules = indexRules([
      { source_network: 'web', destination_network_id: 'a' },
      { source_network: 'web', destination_network_id: 'a' },
      { source_network: 'web', destination_network_id: 't', is_test_network: true },
    ]);
    expect(rules.size).toBe(2);
  });

  test('exactly one of rules and use_recommendations', () => {
    const selector = { vm_names: ['x'] };
    expect(refusal(() => checkMode({ selector }))).toMatchObject({ code: 'no_rules' });
    expect(
      refusal(() =>
        checkMode({
          selector,
          use_recommendations: true,
          rules: [{ source_network: 'a', destination_network_id: 'b' }],
        }),
      ),
    ).toMatchObject({ code: 'ambiguous_mode' });
    expect(checkMode({ selector, use_recommendations: true })).toBe('recommendations');
  });
});

describe('planTargets', () => {
  const vms = [vm('a', ['web', 'db']), vm('b', ['web'])];
  const none = () => undefined;

  test('rules cover the NICs they name, for their failover type; other NICs are left alone', () => {
    const rules = indexRules([
      { source_network: 'web', destination_network_id: 'W' },
      { source_network: 'web', destination_network_id: 'T', is_test_network: true },
    ]);
    const targets = planTargets(vms, 'rules', rules, 'live', none);
    expect(targets.map((t) => [t.vm.vm_name, t.sourceNetwork, t.isTest, t.destinationId])).toEqual([
      ['a', 'web', false, 'W'],
      ['a', 'web', true, 'T'],
      ['b', 'web', false, 'W'],
      ['b', 'web', true, 'T'],
    ]);
  });

  test('a rule for a network no selected VM has is refused (a typo would change nothing)', () => {
    const rules = indexRules([{ source_network: 'wbe', destination_network_id: 'W' }]);
    expect(refusal(() => planTargets(vms, 'rules', rules, 'live', none))).toMatchObject({
      status: 422,
      code: 'rule_matches_no_nic',
    });
  });

  test('recommendations: the top candidate when it is likely, nothing when it is not', () => {
    const top = (network: string) =>
      network === 'web' ? { network_id: 'W', score: 0.9 } : { network_id: 'D', score: 0.3 };
    const targets = planTargets(vms, 'recommendations', new Map(), 'test', top);
    expect(targets.map((t) => [t.vm.vm_name, t.sourceNetwork, t.isTest, t.destinationId])).toEqual([
      ['a', 'web', true, 'W'],
      ['b', 'web', true, 'W'],
    ]);
  });
});
