import {
  ALL_GROUP,
  buildRuleRows,
  destinationOptions,
  formatScore,
  readDestinations,
  readRecommendations,
  RECOMMENDED_GROUP,
  type RuleInput,
} from './rules';
import { destinationFrame, recommendationFrame, vmFrame } from './test-utils/factory';
import { buildVmRows } from './vm-rows';

const recFrame = recommendationFrame([
  { source: 'VLAN-100', rank: 2, id: 'd-100b', name: 'prod-100-old', score: 0.1, reasons: ['name tokens'] },
  {
    source: 'VLAN-100',
    rank: 1,
    id: 'd-100',
    name: 'prod-100',
    score: 0.85,
    reasons: ['VLAN 100 in both names', ' 12 VMs on VLAN-100 already mapped here '],
    current: 'd-100',
  },
  { source: 'VLAN-200', rank: 1, id: 'd-200', name: 'prod-200', score: 0.6 },
  { source: 'VLAN-999', rank: 1, id: 'd-999', name: 'other', score: 0.5 },
]);
const recommendations = readRecommendations([recFrame]);

const vms = buildVmRows([
  vmFrame([
    { vm: 'web-01', source: 'VLAN-100', live: ['d-100', 'prod-100'], test: ['t-100', 'test-100'] },
    { vm: 'web-01', source: 'VLAN-200' },
    { vm: 'web-02', source: 'VLAN-100', live: ['d-old', 'legacy'] },
    { vm: 'web-03', source: 'VLAN-100' },
    { vm: 'db-01', source: 'VLAN-300', live: ['d-300', 'prod-300'] },
  ]),
]);
const destinations = readDestinations(
  [
    destinationFrame([
      ['d-x', 'extra'],
      ['d-100', 'prod-100'],
    ]),
  ],
  recommendations,
  vms,
);

const input = (overrides: Partial<RuleInput> = {}): RuleInput => ({
  selected: vms,
  failoverType: 'live',
  recommendations,
  destinations,
  overrides: {},
  ...overrides,
});

describe('readRecommendations', () => {
  test('candidates per source network, best rank first, reasons split and trimmed', () => {
    const vlan100 = recommendations.get('VLAN-100')!;
    expect(vlan100.candidates).toEqual([
      {
        networkId: 'd-100',
        networkName: 'prod-100',
        rank: 1,
        score: 0.85,
        reasons: ['VLAN 100 in both names', '12 VMs on VLAN-100 already mapped here'],
      },
      { networkId: 'd-100b', networkName: 'prod-100-old', rank: 2, score: 0.1, reasons: ['name tokens'] },
    ]);
    expect(recommendations.get('VLAN-200')!.candidates[0].reasons).toEqual([]);
  });

  test('scores are clamped to 0..1 and a repeated candidate is kept once', () => {
    const recs = readRecommendations([
      recommendationFrame([
        { source: 's', rank: 1, id: 'a', name: 'A', score: 1.7 },
        { source: 's', rank: 2, id: 'a', name: 'A', score: 0.2 },
        { source: 's', rank: 3, id: 'b', name: 'B', score: -1 },
      ]),
    ]);
    expect(recs.get('s')!.candidates.map((c) => [c.networkId, c.score])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
  });
});

describe('readDestinations', () => {
  test('the inventory, the candidates and the current destinations, once each, by name', () => {
    expect(destinations).toEqual([
      { id: 'd-x', name: 'extra' },
      { id: 'd-old', name: 'legacy' },
      { id: 'd-999', name: 'other' },
      { id: 'd-100', name: 'prod-100' },
      { id: 'd-100b', name: 'prod-100-old' },
      { id: 'd-200', name: 'prod-200' },
      { id: 'd-300', name: 'prod-300' },
      { id: 't-100', name: 'test-100' },
    ]);
  });
});

describe('buildRuleRows', () => {
  test('one rule per source network on the selected VMs, pre-filled with its top candidate', () => {
    const rules = buildRuleRows(input());
    expect(rules.map((r) => r.sourceNetwork)).toEqual(['VLAN-100', 'VLAN-200', 'VLAN-300']);
    const [r100, r200, r300] = rules;
    expect(r100).toEqual({
      sourceNetwork: 'VLAN-100',
      vms: 3,
      unmapped: 1,
      current: [
        { id: 'd-old', name: 'legacy', vms: 1 },
        { id: 'd-100', name: 'prod-100', vms: 1 },
      ],
      candidates: recommendations.get('VLAN-100')!.candidates,
      destination: { id: 'd-100', name: 'prod-100' },
      origin: 'recommended',
      candidate: recommendations.get('VLAN-100')!.candidates[0],
    });
    expect(r200.destination).toEqual({ id: 'd-200', name: 'prod-200' });
    // No recommendation: no rule until the operator picks a destination.
    expect(r300).toMatchObject({
      destination: null,
      origin: 'none',
      candidate: null,
      unmapped: 0,
      candidates: [],
    });
  });

  test('only networks of the selected VMs, counted among them; the test failover reads test destinations', () => {
    const onlyWeb2 = vms.filter((v) => v.name === 'web-01');
    const rules = buildRuleRows(input({ selected: onlyWeb2, failoverType: 'test' }));
    expect(rules.map((r) => [r.sourceNetwork, r.vms, r.unmapped, r.current])).toEqual([
      ['VLAN-100', 1, 0, [{ id: 't-100', name: 'test-100', vms: 1 }]],
      ['VLAN-200', 1, 1, []],
    ]);
  });

  test('with a source network filter only that network has a rule', () => {
    expect(buildRuleRows(input({ sourceNetwork: 'VLAN-200' })).map((r) => r.sourceNetwork)).toEqual([
      'VLAN-200',
    ]);
  });

  test('the operator can pick another candidate, any destination, or none', () => {
    const rules = buildRuleRows(
      input({
        overrides: { 'VLAN-100': 'd-100b', 'VLAN-200': 'd-x', 'VLAN-300': 'd-300', 'VLAN-999': 'd-1' },
      }),
    );
    expect(rules.map((r) => [r.sourceNetwork, r.destination, r.origin, r.candidate?.rank ?? null])).toEqual([
      ['VLAN-100', { id: 'd-100b', name: 'prod-100-old' }, 'chosen', 2],
      ['VLAN-200', { id: 'd-x', name: 'extra' }, 'chosen', null],
      ['VLAN-300', { id: 'd-300', name: 'prod-300' }, 'chosen', null],
    ]);
    const none = buildRuleRows(input({ overrides: { 'VLAN-100': null } }));
    expect(none[0]).toMatchObject({ destination: null, origin: 'none', candidate: null });
  });

  test('a destination id nobody knows is kept as its id (the server will refuse it, visibly)', () => {
    const [rule] = buildRuleRows(input({ overrides: { 'VLAN-100': 'gone' } }));
    expect(rule.destination).toEqual({ id: 'gone', name: 'gone' });
  });

  test('no VMs selected, no rules', () => {
    expect(buildRuleRows(input({ selected: [] }))).toEqual([]);
  });
});

describe('destinationOptions', () => {
  test('candidates first with rank, score and reasons, then every other destination', () => {
    const [rule] = buildRuleRows(input());
    const options = destinationOptions(rule, destinations);
    expect(options.slice(0, 2)).toEqual([
      {
        value: 'd-100',
        label: 'prod-100',
        description: '#1, 85 % — VLAN 100 in both names; 12 VMs on VLAN-100 already mapped here',
        group: RECOMMENDED_GROUP,
      },
      {
        value: 'd-100b',
        label: 'prod-100-old',
        description: '#2, 10 % — name tokens',
        group: RECOMMENDED_GROUP,
      },
    ]);
    expect(options.slice(2).map((o) => [o.value, o.group])).toEqual(
      ['d-x', 'd-old', 'd-999', 'd-200', 'd-300', 't-100'].map((id) => [id, ALL_GROUP]),
    );
  });
});

test('formatScore', () => {
  expect([0, 0.004, 0.5, 0.876, 1].map(formatScore)).toEqual(['0 %', '0 %', '50 %', '88 %', '100 %']);
});
