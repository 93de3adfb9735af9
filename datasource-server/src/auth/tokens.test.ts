import { parseApiTokens, verifySecret } from './tokens';

describe('API_TOKENS', () => {
  const tokens = parseApiTokens(
    'grafana:read:aaaaaaaaaaaaaaaa1, ops:read+write:bbbbbbbbbbbbbbbb2,vma:ingest:cccc:cccccccccccc3',
  );

  test('parses names, scopes and secrets (a secret may contain colons)', () => {
    expect(tokens.map((t) => [t.name, t.scopes])).toEqual([
      ['grafana', ['read']],
      ['ops', ['read', 'write']],
      ['vma', ['ingest']],
    ]);
    expect(verifySecret(tokens, 'cccc:cccccccccccc3')?.name).toBe('vma');
  });

  test('keeps only a digest of each secret', () => {
    expect(JSON.stringify(tokens)).not.toContain('aaaaaaaaaaaaaaaa1');
  });

  test('verifies by secret and rejects near misses', () => {
    expect(verifySecret(tokens, 'bbbbbbbbbbbbbbbb2')).toEqual({ name: 'ops', scopes: ['read', 'write'] });
    expect(verifySecret(tokens, 'bbbbbbbbbbbbbbbb')).toBeUndefined();
    expect(verifySecret(tokens, '')).toBeUndefined();
    expect(verifySecret(tokens, 'grafana')).toBeUndefined();
  });

  test.each([
    ['', 'holds no token'],
    ['nosecret', 'must look like'],
    ['a:read:', 'must look like'],
    [':read:aaaaaaaaaaaaaaaaaa', 'must look like'],
    ['a:admin:aaaaaaaaaaaaaaaaaa', 'unknown scope(s) admin'],
    ['a:read:short', 'shorter than 16'],
    ['a:read:aaaaaaaaaaaaaaaaaa,a:write:bbbbbbbbbbbbbbbbbb', 'unique'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseApiTokens(raw)).toThrow(message);
  });

  test('error messages never repeat a secret', () => {
    expect(() => parseApiTokens('a:bogus:topsecretvalue12345')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('topsecret') }),
    );
  });
});
