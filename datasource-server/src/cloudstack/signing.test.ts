import { createHash } from 'node:crypto';
import { encodeValue, signature, signedQuery, stringToSign } from './signing';

// An independent signer, written from CloudStack's ApiServer.verifyRequest rather than from the
// module: Java's URLEncoder byte by byte over UTF-8, and HMAC-SHA1 assembled from SHA-1 (RFC 2104).
const JAVA_SAFE = /^[A-Za-z0-9.\-*_]$/;
function javaEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return JAVA_SAFE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
function hmacSha1(key: Buffer, message: Buffer): Buffer {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha1').update(key).digest() : key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = createHash('sha1').update(pad(0x36)).update(message).digest();
  return createHash('sha1').update(pad(0x5c)).update(inner).digest();
}
function independentSignature(params: Record<string, string>, secret: string): string {
  const text = Object.keys(params)
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'))
    .map((k) => `${k}=${javaEncode(params[k])}`)
    .join('&')
    .toLowerCase();
  return hmacSha1(Buffer.from(secret, 'utf8'), Buffer.from(text, 'utf8')).toString('base64');
}

const DOC_API_KEY = 'miVr6X7u6bN_sdahOBpjNejPgEsT35eXq-jB8CG20YI3yaxXcgpyuaIRmFI_EJTVwZ0nUkkJbPmY3y2bciKwFQ';
const SECRET = 'VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ';

describe('CloudStack request signing', () => {
  test("builds the sorted, lower-cased command string of CloudStack's published example", () => {
    // "Signing API Requests" in the CloudStack developer's guide, step 2.
    const params = {
      command: 'deployVirtualMachine',
      serviceOfferingId: '1',
      diskOfferingId: '1',
      templateId: '2',
      zoneId: '4',
      apiKey: DOC_API_KEY,
    };
    expect(stringToSign(params)).toBe(
      'apikey=mivr6x7u6bn_sdahobpjnejpgest35exq-jb8cg20yi3yaxxcgpyuairmfi_ejtvwz0nukkjbpmy3y2bcikwfq' +
        '&command=deployvirtualmachine&diskofferingid=1&serviceofferingid=1&templateid=2&zoneid=4',
    );
  });

  test('matches fixed vectors computed outside Node (Python hmac, checked with openssl dgst -sha1 -hmac)', () => {
    const list = { command: 'listNetworks', listall: 'true', page: '1', pagesize: '500', response: 'json' };
    expect(signature({ ...list, apikey: DOC_API_KEY }, SECRET)).toBe('VHFj8qaEMAc3aE5SSUBtjowZH7g=');

    const awkward = {
      command: 'listNetworks',
      keyword: "Prod net +/= (DR)! ~'*",
      name: 'Zürich-网络',
      response: 'json',
      apikey: 'key',
    };
    expect(stringToSign(awkward)).toBe(
      'apikey=key&command=listnetworks&keyword=prod%20net%20%2b%2f%3d%20%28dr%29%21%20%7e%27*' +
        '&name=z%c3%bcrich-%e7%bd%91%e7%bb%9c&response=json',
    );
    expect(signature(awkward, 's3cr3t')).toBe('/xfkKQWpNXi2ihGD3ASKqaK1MwU=');
  });

  test.each([
    ['spaces', 'a network with spaces'],
    ['plus', 'a+b++c'],
    ['slash and equals', 'vlan://100/=x=='],
    ['percent', '100%'],
    ['ampersand', 'a&b=c'],
    ['unicode', 'Réseau 東京 🚀'],
    ['Java-only escapes', "it's (really) ~fine!"],
    ['empty', ''],
  ])('agrees with the independent signer for %s', (_label, value) => {
    const params = { command: 'listNetworks', keyword: value, apikey: 'K', response: 'json' };
    expect(signature(params, 'secret with spaces/+=')).toBe(
      independentSignature(params, 'secret with spaces/+='),
    );
  });

  test('encodes spaces as %20 and everything Java encodes, never +', () => {
    expect(encodeValue('a b+c')).toBe('a%20b%2Bc');
    expect(encodeValue("!'()~*._-")).toBe('%21%27%28%29%7E*._-');
    expect(encodeValue('/=')).toBe('%2F%3D');
  });

  test('the signed query decodes to the values that were signed, signature included', () => {
    const params = { command: 'listNetworks', keyword: 'a b+c/d=e&f ü', listall: 'true' };
    const query = signedQuery(params, 'the key', 'the secret');
    const received = Object.fromEntries(new URLSearchParams(query));
    expect(received).toEqual({
      ...params,
      apikey: 'the key',
      response: 'json',
      signature: expect.any(String),
    });
    const { signature: sent, ...signed } = received;
    expect(sent).toBe(independentSignature(signed, 'the secret'));
    // The base64 signature itself is URL-encoded: its + / = survive the trip.
    expect(query).toMatch(/&signature=[A-Za-z0-9%*._-]+$/);
  });

  test('a different secret gives a different signature', () => {
    const params = { command: 'listZones', apikey: 'K', response: 'json' };
    expect(signature(params, 'one')).not.toBe(signature(params, 'two'));
  });

  test('refuses mixed-case parameter names, which CloudStack would sort differently', () => {
    expect(() => signedQuery({ zoneId: '1' }, 'k', 's')).toThrow('must be lower case: zoneId');
  });
});
