import { redact } from './client';

describe('redact', () => {
  const key = 'api-KEY_0123456789';
  const secret = 'se/cr+et=value';

  test('removes keys as they are and URL-encoded', () => {
    const text = `key ${key}, secret ${secret}, encoded ${encodeURIComponent(secret)}`;
    const out = redact(text, [key, secret]);
    expect(out).toBe('key [redacted], secret [redacted], encoded [redacted]');
  });

  test('removes apikey, signature and secretkey parameters whatever their value', () => {
    const url = 'http://cs/client/api?command=listZones&apikey=OTHER&response=json&signature=abc%2B%3D';
    expect(redact(url, [])).toBe(
      'http://cs/client/api?command=listZones&apikey=[redacted]&response=json&signature=[redacted]',
    );
    expect(redact('SecretKey=x y', [])).toBe('SecretKey=[redacted] y');
  });

  test('leaves text without secrets alone, and does not mangle it for very short "keys"', () => {
    expect(redact('listNetworks: 401 unable to verify', [key, secret])).toBe(
      'listNetworks: 401 unable to verify',
    );
    expect(redact('a network', ['a'])).toBe('a network');
  });
});
