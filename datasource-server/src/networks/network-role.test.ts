import { isTestNetwork, nameWords, networkRole } from './network-role';

describe('nameWords', () => {
  test('splits on separators, case changes and digits', () => {
    expect(nameWords('DrTest01-web_APP (VLAN 12)')).toEqual(['dr', 'test', 'web', 'app', 'vlan']);
    expect(nameWords('')).toEqual([]);
  });
});

describe('networkRole', () => {
  const shared = { network_type: 'Shared' };
  const isolated = { network_type: 'Isolated' };

  test.each([
    ['test-web', shared],
    ['web-tst', shared],
    ['DRtest web', shared],
    ['sandbox db 12', shared],
    ['Prod Web (DR test)', shared],
    ['web', isolated],
    ['app-net', { ...isolated, display_text: null }],
  ])('%s (%j) is a test network', (name, extra) => {
    expect(isTestNetwork({ name, ...extra })).toBe(true);
  });

  test.each([
    ['prod-web', shared],
    ['web', shared],
    ['contest-results', shared], // "test" inside a word is not the word
    ['prod-web', isolated], // a production name outweighs the Isolated type
    ['web', {}],
  ])('%s (%j) is a live network', (name, extra) => {
    expect(isTestNetwork({ name, ...extra })).toBe(false);
  });

  test('display text counts like the name', () => {
    expect(networkRole({ name: 'net-17', display_text: 'DR test: web', ...shared })).toEqual({
      role: 'test',
      reason: '"test" in its name',
    });
  });

  test('tags outrank names and types, in both stored forms', () => {
    expect(networkRole({ name: 'test-web', ...shared, tags: { purpose: 'live' } })).toEqual({
      role: 'live',
      reason: 'tag purpose=live',
    });
    expect(networkRole({ name: 'web', ...shared, tags: JSON.stringify({ Purpose: 'DR-Test' }) })).toEqual({
      role: 'test',
      reason: 'tag Purpose=DR-Test',
    });
    expect(
      networkRole({
        name: 'web',
        ...isolated,
        tags: JSON.stringify([{ key: 'environment', value: 'production' }]),
      }).role,
    ).toBe('live');
    expect(networkRole({ name: 'web', ...shared, tags: [{ key: 'dr-test', value: 'true' }] }).role).toBe(
      'test',
    );
    // A test tag wins over a live tag on the same network.
    expect(networkRole({ name: 'web', ...shared, tags: { env: 'prod', purpose: 'test' } }).role).toBe('test');
  });

  test('tags that say nothing about the role, or are malformed, are ignored', () => {
    expect(networkRole({ name: 'web', ...isolated, tags: { owner: 'test-team' } }).role).toBe('test');
    expect(networkRole({ name: 'web', ...shared, tags: { owner: 'test-team' } }).role).toBe('live');
    expect(networkRole({ name: 'web', ...shared, tags: { test: 'no' } }).role).toBe('live');
    expect(networkRole({ name: 'web', ...shared, tags: '{not json' }).role).toBe('live');
    expect(networkRole({ name: 'web', ...shared, tags: [null, 'x', { key: 1 }] }).role).toBe('live');
  });
});
