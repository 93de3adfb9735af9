import type { DestinationFacts } from './features';
import { prepareDestinations, rankDestinations } from './score';

let nextId = 0;
const net = (name: string, more: Partial<DestinationFacts> = {}): DestinationFacts => ({
  id: `n${++nextId}`,
  name,
  state: 'Implemented',
  zone_id: 'z1',
  zone_name: 'east',
  network_type: 'Shared',
  cidr: null,
  vlan: null,
  broadcast_uri: null,
  is_default: false,
  can_use_for_deploy: true,
  is_system: false,
  tags: {},
  ...more,
});

const inventory = prepareDestinations([
  net('Production Payroll', { vlan: 'vlan://310', cidr: '10.3.10.0/24' }),
  net('Production Payroll', { vlan: 'vlan://311' }),
  net('Staging Payroll', { vlan: 'vlan://310' }),
  net('Production Payroll-old', { vlan: 'vlan://310', state: 'Shutdown', can_use_for_deploy: false }),
  net('payroll sandbox', {
    vlan: 'vlan://310',
    cidr: '10.3.10.0/24',
    network_type: 'Isolated',
    tags: { purpose: 'test' },
  }),
  net('Production Ledger', { vlan: 'vlan://420' }),
  net('zone default', { is_default: true }),
  net('control plane', { is_system: true }),
]);
const byName = (name: string, vlan?: string) =>
  inventory.find((d) => d.name === name && (!vlan || d.vlan === vlan))!;

const rank = (name: string, failover: 'live' | 'test' = 'live', history = new Map<string, number>()) =>
  rankDestinations({ name, history, liveHistory: history }, inventory, failover);

describe('rankDestinations', () => {
  test('environment, role word and VLAN together pick the one network, with reasons', () => {
    const [top, second] = rank('pg-prd-payroll-vlan 310');
    expect(top.network_id).toBe(byName('Production Payroll', 'vlan://310').id);
    expect(top.reasons).toEqual(
      expect.arrayContaining(['environment prod matches', 'name words match: payroll', 'VLAN 310 matches']),
    );
    expect(top.score).toBeGreaterThan(0.9);
    expect(second.score).toBeLessThan(0.1);
  });

  test('scores are probabilities: between 0 and 1, summing to at most 1', () => {
    const ranked = rank('pg-prd-payroll-vlan 310');
    const total = ranked.reduce((sum, c) => sum + c.score, 0);
    expect(total).toBeLessThanOrEqual(1.001);
    for (const c of ranked) expect(c.score).toBeGreaterThanOrEqual(0);
  });

  test('a retired, undeployable network never wins and says why', () => {
    const ranked = rank('pg-prd-payroll-vlan 310');
    const retired = ranked.find((c) => c.network_id === byName('Production Payroll-old').id)!;
    expect(ranked.indexOf(retired)).toBeGreaterThan(0);
    expect(retired.reasons.join(' ')).toMatch(/cannot be deployed to: state Shutdown/);
  });

  test('system networks are never candidates', () => {
    expect(rank('control plane').map((c) => c.network_name)).not.toContain('control plane');
  });

  test('history outweighs names', () => {
    const ledger = byName('Production Ledger');
    const ranked = rank('pg-prd-payroll-vlan 310', 'live', new Map([[ledger.id, 3]]));
    expect(ranked[0].network_id).toBe(ledger.id);
    expect(ranked[0].reasons[0]).toBe('3 of 3 mapped VMs on this network use it');
  });

  test('a name without specifics goes to the default network, with a modest score', () => {
    const [top] = rank('PortGroup 7');
    expect(top.network_name).toBe('zone default');
    expect(top.score).toBeLessThan(0.9);
  });

  test('test failover picks the isolated counterpart of the live choice', () => {
    const [top] = rank('pg-prd-payroll-vlan 310', 'test');
    expect(top.network_name).toBe('payroll sandbox');
    expect(top.reasons).toEqual(
      expect.arrayContaining([
        'same VLAN as the live choice Production Payroll',
        'a test network (tag purpose=test)',
      ]),
    );
  });

  test('live failover steers away from test networks', () => {
    const ranked = rank('payroll vlan 310');
    const sandbox = ranked.find((c) => c.network_name === 'payroll sandbox')!;
    expect(sandbox.reasons.join(' ')).toMatch(/a test network/);
    expect(ranked[0].network_name).not.toBe('payroll sandbox');
  });

  test('a zone other than the one migrations go to costs points', () => {
    const [top] = rankDestinations(
      { name: 'pg-prd-payroll-vlan 310', history: new Map(), zone: 'west' },
      inventory,
      'live',
    );
    expect(top.reasons).toContain('zone east, migrations go to west');
  });

  test('order is deterministic for equal points', () => {
    expect(rank('unrelated words').map((c) => c.network_id)).toEqual(
      rank('unrelated words').map((c) => c.network_id),
    );
  });

  test('for live failover a test network never wins on a VLAN it does not state', () => {
    const world = prepareDestinations([
      net('Production Payroll', { vlan: 'vlan://310' }),
      net('payroll-prd-drtest', { network_type: 'Isolated' }),
    ]);
    const [top, second] = rankDestinations(
      { name: 'pg-prd-payroll-vlan 999', history: new Map() },
      world,
      'live',
    );
    expect(top.network_name).toBe('Production Payroll');
    expect(top.reasons).toContain('VLAN 310, not 999');
    expect(second.reasons.join(' ')).toMatch(/a test network/);
    // Neither is likely: the named VLAN exists nowhere.
    expect(top.score).toBeLessThan(0.5);
  });

  test('an isolated network without VLAN fields takes the VLAN its name states', () => {
    const [network] = prepareDestinations([net('payroll-test-vlan310', { network_type: 'Isolated' })]);
    expect(network.vlanId).toBe(310);
  });
});
