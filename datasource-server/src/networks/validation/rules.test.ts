import { VALIDATION_CODES, type FailoverType, type ValidationCode } from '@oma-insights/contracts';
import {
  isDeployable,
  mappingStatus,
  SEVERITY,
  summarize,
  validateVm,
  type Destination,
  type ExpectedZone,
  type MappedDestination,
  type ProbeOutcome,
  type RuleContext,
  type VmUnderValidation,
} from './rules';

const network = (id: string, overrides: Partial<Destination> = {}): Destination => ({
  id,
  name: 'guest network', // neutral: type and tags decide the role here, not words in the ids
  display_text: null,
  state: 'Implemented',
  zone_id: 'z1-id',
  zone_name: 'z1',
  network_type: 'Shared',
  can_use_for_deploy: 1,
  tags: null,
  ...overrides,
});
const testNetwork = (id: string, overrides: Partial<Destination> = {}) =>
  network(id, { network_type: 'Isolated', tags: '{"purpose":"test"}', ...overrides });

const INVENTORY = [
  network('live-a'),
  network('live-b'),
  testNetwork('test-a'),
  testNetwork('test-b'),
  network('shutdown', { state: 'Shutdown' }),
  network('no-deploy', { can_use_for_deploy: 0 }),
  network('other-zone', { zone_id: 'z2-id', zone_name: 'z2' }),
  network('no-zone', { zone_id: null, zone_name: null }),
];

function context(failoverType: FailoverType, extra: Partial<RuleContext> = {}): RuleContext {
  return {
    failoverType,
    destinations: new Map(INVENTORY.map((n) => [n.id, n])),
    inventoryEmpty: false,
    ...extra,
  };
}

const vm = (...nics: string[]): VmUnderValidation => ({ context_id: 'ctx-1', vm_name: 'vm-1', nics });
const mapped = (pairs: Record<string, string>): Map<string, MappedDestination> =>
  new Map(
    Object.entries(pairs).map(([source, id]) => [
      source,
      { source_network_name: source, destination_network_id: id },
    ]),
  );
const codes = (r: { issues: { code: ValidationCode }[] }) => r.issues.map((i) => i.code);

describe('validateVm', () => {
  test('a VM whose NICs map to deployable networks of the right kind in one zone is valid', () => {
    const live = validateVm(vm('web', 'db'), mapped({ web: 'live-a', db: 'live-b' }), null, context('live'));
    expect(live).toEqual({ vm_name: 'vm-1', status: 'valid', issues: [] });
    const test = validateVm(vm('web', 'db'), mapped({ web: 'test-a', db: 'test-b' }), null, context('test'));
    expect(test).toEqual({ vm_name: 'vm-1', status: 'valid', issues: [] });
  });

  test('NO_NICS: a VM without NIC networks is invalid, whatever its mappings', () => {
    const r = validateVm(vm(), mapped({ web: 'live-a' }), null, context('live'));
    expect(r.status).toBe('invalid');
    expect(r.issues).toEqual([
      expect.objectContaining({ code: 'NO_NICS', severity: 'error', source_network: null }),
    ]);
  });

  test('UNMAPPED_NETWORK: one issue per unmapped network, not per NIC', () => {
    const r = validateVm(vm('web', 'db', 'db'), mapped({ web: 'live-a' }), null, context('live'));
    expect(r.issues).toEqual([
      {
        code: 'UNMAPPED_NETWORK',
        severity: 'error',
        message: 'Network "db" has no live mapping',
        source_network: 'db',
        destination_network_id: null,
      },
    ]);
    expect(r.status).toBe('invalid');
  });

  test('DESTINATION_NOT_FOUND names the missing id, and says so when the inventory is empty', () => {
    const r = validateVm(vm('web'), mapped({ web: 'gone' }), null, context('live'));
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'DESTINATION_NOT_FOUND',
        severity: 'error',
        source_network: 'web',
        destination_network_id: 'gone',
      }),
    ]);
    expect(r.issues[0].message).toContain('not in the CloudStack network inventory');
    const empty = validateVm(
      vm('web'),
      mapped({ web: 'gone' }),
      null,
      context('live', { destinations: new Map(), inventoryEmpty: true }),
    );
    expect(empty.issues[0].message).toContain('inventory is empty');
  });

  test('DESTINATION_NOT_DEPLOYABLE: a shut-down network or one CloudStack refuses to deploy to', () => {
    const r = validateVm(
      vm('web', 'db'),
      mapped({ web: 'shutdown', db: 'no-deploy' }),
      null,
      context('live'),
    );
    expect(codes(r)).toEqual(['DESTINATION_NOT_DEPLOYABLE', 'DESTINATION_NOT_DEPLOYABLE']);
    expect(r.issues[0].message).toContain('state Shutdown');
    expect(r.issues[1].message).toContain('cannot be deployed to');
    expect(r.status).toBe('invalid');
  });

  test('isDeployable: unknown and working states are deployable, dead ones are not', () => {
    for (const state of [null, 'Implemented', 'Allocated', 'Setup'])
      expect(isDeployable(network('x', { state }))).toBe(true);
    for (const state of ['Shutdown', 'Destroy', 'destroyed', ' Error '])
      expect(isDeployable(network('x', { state }))).toBe(false);
    expect(isDeployable(network('x', { can_use_for_deploy: false }))).toBe(false);
  });

  describe('ZONE_MISMATCH', () => {
    const zone: ExpectedZone = { zone: 'z1', config_name: 'primary' };

    test('destinations in several zones (no OSSEA zone known): one VM-wide issue', () => {
      const r = validateVm(
        vm('web', 'db'),
        mapped({ web: 'live-a', db: 'other-zone' }),
        null,
        context('live'),
      );
      expect(r.issues).toEqual([
        {
          code: 'ZONE_MISMATCH',
          severity: 'error',
          message: 'The VM\'s destinations span zones: z1 ("web"); z2 ("db")',
          source_network: null,
          destination_network_id: null,
        },
      ]);
    });

    test('a destination outside the OSSEA config zone, matched by zone name or id', () => {
      const r = validateVm(
        vm('web', 'db'),
        mapped({ web: 'live-a', db: 'other-zone' }),
        zone,
        context('live'),
      );
      expect(r.issues).toEqual([
        expect.objectContaining({
          code: 'ZONE_MISMATCH',
          source_network: 'db',
          destination_network_id: 'other-zone',
        }),
      ]);
      expect(r.issues[0].message).toContain('OSSEA config "primary"');
      // The config may hold the zone id instead of its name.
      const byId = validateVm(
        vm('web'),
        mapped({ web: 'live-a' }),
        { zone: 'Z1-ID', config_name: 'p' },
        context('live'),
      );
      expect(byId.issues).toEqual([]);
      // All destinations in one other zone: still a mismatch against the config.
      const allOther = validateVm(vm('db'), mapped({ db: 'other-zone' }), zone, context('live'));
      expect(codes(allOther)).toEqual(['ZONE_MISMATCH']);
    });

    test('destinations without a zone are not held against the VM', () => {
      const r = validateVm(vm('web', 'db'), mapped({ web: 'live-a', db: 'no-zone' }), zone, context('live'));
      expect(r.issues).toEqual([]);
    });
  });

  test('TEST_FAILOVER_ON_LIVE_NETWORK is a warning naming why the network looks live', () => {
    const r = validateVm(vm('web'), mapped({ web: 'live-a' }), null, context('test'));
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'TEST_FAILOVER_ON_LIVE_NETWORK',
        severity: 'warning',
        source_network: 'web',
        destination_network_id: 'live-a',
      }),
    ]);
    expect(r.issues[0].message).toContain('without test tags or name');
    expect(r.status).toBe('warning');
  });

  test('LIVE_FAILOVER_ON_TEST_NETWORK is an error', () => {
    const r = validateVm(vm('web'), mapped({ web: 'test-a' }), null, context('live'));
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'LIVE_FAILOVER_ON_TEST_NETWORK',
        severity: 'error',
        source_network: 'web',
        destination_network_id: 'test-a',
      }),
    ]);
    expect(r.issues[0].message).toContain('tag purpose=test');
    expect(r.status).toBe('invalid');
  });

  test('DUPLICATE_TARGET: two networks, or two NICs on one network, landing on one destination', () => {
    const two = validateVm(vm('web', 'db'), mapped({ web: 'live-a', db: 'live-a' }), null, context('live'));
    expect(two.issues).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_TARGET',
        severity: 'warning',
        source_network: null,
        destination_network_id: 'live-a',
      }),
    ]);
    expect(two.issues[0].message).toContain('"web", "db"');
    expect(two.status).toBe('warning');
    const sameNetwork = validateVm(vm('web', 'web'), mapped({ web: 'live-a' }), null, context('live'));
    expect(sameNetwork.issues).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_TARGET',
        source_network: 'web',
        destination_network_id: 'live-a',
      }),
    ]);
  });

  test('PROBE_FAILED only when every attempt of a probed destination failed', () => {
    const probes = new Map<string, ProbeOutcome>([
      ['live-a', { target: '10.0.0.1:22', attempts: 3, failed: 3 }],
      ['live-b', { target: '10.0.0.2:22', attempts: 3, failed: 2 }],
    ]);
    const r = validateVm(
      vm('web', 'db'),
      mapped({ web: 'live-a', db: 'live-b' }),
      null,
      context('live', { probes }),
    );
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'PROBE_FAILED',
        severity: 'error',
        source_network: 'web',
        destination_network_id: 'live-a',
      }),
    ]);
    expect(r.issues[0].message).toContain('10.0.0.1:22');
    // Not probed (no target): no issue.
    const unprobed = validateVm(
      vm('web'),
      mapped({ web: 'live-a' }),
      null,
      context('live', { probes: new Map() }),
    );
    expect(unprobed.issues).toEqual([]);
  });

  test('mappings of networks the VM has no NIC on are ignored', () => {
    const r = validateVm(vm('web'), mapped({ web: 'live-a', old: 'gone' }), null, context('live'));
    expect(r.issues).toEqual([]);
  });

  test('every code has a severity and is produced by a test above', () => {
    expect(Object.keys(SEVERITY).sort()).toEqual([...VALIDATION_CODES].sort());
  });
});

describe('mappingStatus', () => {
  test('a row is invalid when an error names its network or the whole VM; warnings do not count', () => {
    const r = validateVm(
      vm('web', 'db', 'app'),
      mapped({ web: 'live-a', db: 'shutdown', app: 'live-a' }),
      null,
      context('live'),
    );
    expect(codes(r).sort()).toEqual(['DESTINATION_NOT_DEPLOYABLE', 'DUPLICATE_TARGET']);
    expect(mappingStatus(r, 'web')).toBe('valid');
    expect(mappingStatus(r, 'app')).toBe('valid');
    expect(mappingStatus(r, 'db')).toBe('invalid');
    const spread = validateVm(
      vm('web', 'db'),
      mapped({ web: 'live-a', db: 'other-zone' }),
      null,
      context('live'),
    );
    expect(mappingStatus(spread, 'web')).toBe('invalid');
    expect(mappingStatus(spread, 'db')).toBe('invalid');
  });
});

describe('summarize', () => {
  test('counts VMs by status; valid only without errors', () => {
    const ok = validateVm(vm('web'), mapped({ web: 'live-a' }), null, context('live'));
    const warn = validateVm(vm('web', 'db'), mapped({ web: 'live-a', db: 'live-a' }), null, context('live'));
    const bad = validateVm(vm('web'), mapped({}), null, context('live'));
    expect(summarize('live', [ok, warn]).valid).toBe(true);
    const report = summarize('live', [ok, warn, bad]);
    expect(report.valid).toBe(false);
    expect(report.summary).toEqual({ vms: 3, valid: 1, invalid: 1, warnings: 1 });
    expect(summarize('test', [])).toEqual({
      failover_type: 'test',
      valid: true,
      summary: { vms: 0, valid: 0, invalid: 0, warnings: 0 },
      results: [],
    });
  });
});
