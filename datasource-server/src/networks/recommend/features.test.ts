import {
  cloudstackVlan,
  nameFeatures,
  nameTokens,
  notDeployableReason,
  parseCidr,
  subnetWithin,
  testNetworkReason,
} from './features';

describe('nameTokens', () => {
  test.each([
    ['dvSwitch-ProdWeb', ['dv', 'switch', 'prod', 'web']],
    ['VLAN120_Finance', ['vlan', '120', 'finance']],
    ['net.k8s.blue', ['net', 'k8s', 'blue']],
    ['  --  ', []],
  ])('%s', (name, tokens) => {
    expect(nameTokens(name)).toEqual(tokens);
  });
});

describe('nameFeatures', () => {
  test('environment and role words come out in one spelling', () => {
    const f = nameFeatures('pg-Production-Database-vlan 3001');
    expect([...f.envs]).toEqual(['prod']);
    expect([...f.words]).toEqual(['db']);
    expect([...f.explicitVlans]).toEqual([3001]);
    expect(f.trailingVlan).toBeNull();
  });

  test('a bare trailing number is a weaker VLAN hint; out-of-range numbers are not VLANs', () => {
    expect(nameFeatures('web-tier-812').trailingVlan).toBe(812);
    expect(nameFeatures('web-tier-5000').trailingVlan).toBeNull();
    expect(nameFeatures('web-tier-0').trailingVlan).toBeNull();
    expect([...nameFeatures('vlan 9999-web').explicitVlans]).toEqual([]);
  });

  test('generic words say nothing; test and retired markers are flags, not words', () => {
    const f = nameFeatures('dvPG-Network-Guest-Sandbox-payroll-old');
    expect([...f.words]).toEqual(['payroll']);
    expect(f.testMarked).toBe(true);
    expect(f.retiredMarked).toBe(true);
  });

  test('subnets written in names', () => {
    const f = nameFeatures('branch_192.168.40.0_22');
    expect(f.subnets).toEqual([[parseCidr('192.168.40.0/22')![0], 22]]);
    expect(nameFeatures('ip-300.1.1.1').subnets).toEqual([]);
  });
});

describe('subnets and VLAN fields', () => {
  test('subnetWithin compares the network part', () => {
    expect(subnetWithin(parseCidr('10.1.2.0/24')!, parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(subnetWithin(parseCidr('10.2.2.0/24')!, parseCidr('10.1.0.0/16')!)).toBe(false);
    expect(subnetWithin(parseCidr('10.1.0.0/16')!, parseCidr('10.1.2.0/24')!)).toBe(false);
  });

  test('parseCidr refuses what is not a CIDR', () => {
    expect(parseCidr('10.1.2.0')).toBeNull();
    expect(parseCidr('10.1.2.300/24')).toBeNull();
    expect(parseCidr('10.1.2.0/33')).toBeNull();
    expect(parseCidr(null)).toBeNull();
  });

  test('cloudstackVlan reads vlan:// URIs and plain ids', () => {
    expect(cloudstackVlan('vlan://731')).toBe(731);
    expect(cloudstackVlan('731')).toBe(731);
    expect(cloudstackVlan('vxlan://5001')).toBeNull();
    expect(cloudstackVlan('')).toBeNull();
  });
});

describe('network kinds', () => {
  const base = { name: 'payroll', network_type: 'Shared', tags: {} as Record<string, string> };

  test('a test network is recognised by tag, name or Isolated type, in that order', () => {
    expect(testNetworkReason({ ...base, tags: { purpose: 'dr-test' } })).toBe('tag purpose=dr-test');
    expect(testNetworkReason({ ...base, name: 'payroll-testing' })).toMatch(/name/);
    expect(testNetworkReason({ ...base, network_type: 'Isolated' })).toMatch(/Isolated/);
    expect(testNetworkReason(base)).toBeNull();
  });

  test('not deployable: a stopped state or the CloudStack flag', () => {
    expect(notDeployableReason({ state: 'Shutdown', can_use_for_deploy: true })).toBe('state Shutdown');
    expect(notDeployableReason({ state: 'Implemented', can_use_for_deploy: false })).toMatch(
      /cannot be used/,
    );
    expect(notDeployableReason({ state: 'Allocated', can_use_for_deploy: true })).toBeNull();
  });
});
