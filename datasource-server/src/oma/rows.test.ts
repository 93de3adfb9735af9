import { parseJson, parseNics, toNumber, toNumberOrNull } from './rows';

describe('toNumberOrNull', () => {
  test.each([
    [42, 42],
    [0, 0],
    [-3.5, -3.5],
    // mysql2 hands over BIGINTs beyond 2^53 as strings (and DECIMALs, without its decimalNumbers option)
    ['85.00', 85],
    ['0.00', 0],
    ['1099511627776', 1_099_511_627_776],
    ['-12', -12],
  ])('%p -> %p', (input, expected) => {
    expect(toNumberOrNull(input)).toBe(expected);
  });

  test.each([null, undefined, '', 'abc', '12abc', 'NaN', 'Infinity', Number.NaN, Number.POSITIVE_INFINITY])(
    'absent or non-numeric %p -> null',
    (input) => {
      expect(toNumberOrNull(input)).toBeNull();
    },
  );
});

describe('toNumber', () => {
  test('numbers and numeric strings pass through', () => {
    expect(toNumber(7)).toBe(7);
    expect(toNumber('2048')).toBe(2048);
    expect(toNumber('12.5', 99)).toBe(12.5);
  });

  test('zero is a value, not a missing one', () => {
    expect(toNumber(0, 1)).toBe(0);
    expect(toNumber('0', 1)).toBe(0);
  });

  test('absent or non-numeric values give the fallback, 0 unless told', () => {
    expect(toNumber(null)).toBe(0);
    expect(toNumber(undefined)).toBe(0);
    expect(toNumber(null, 1)).toBe(1);
    expect(toNumber('', 1)).toBe(1);
    expect(toNumber('not a number', 5)).toBe(5);
    expect(toNumber(Number.NaN)).toBe(0);
  });
});

describe('parseJson', () => {
  test('parses objects, arrays and scalars', () => {
    expect(parseJson('{"a":1,"b":[true,null]}')).toEqual({ a: 1, b: [true, null] });
    expect(parseJson('[1,"x"]')).toEqual([1, 'x']);
    expect(parseJson('"text"')).toBe('text');
    expect(parseJson('3')).toBe(3);
    expect(parseJson('false')).toBe(false);
  });

  test.each([null, undefined, '', '{not json', '[1,2', 'undefined', "{'single': 'quotes'}"])(
    'absent or malformed %p -> null',
    (input) => {
      expect(parseJson(input)).toBeNull();
    },
  );
});

describe('parseNics', () => {
  const nic = {
    name: 'Network adapter 1',
    type: 'vmxnet3',
    connected: true,
    mac_address: '00:50:56:9a:01:02',
    label: 'Network adapter 1',
    network_name: 'prod-web',
    adapter_type: 'vmxnet3',
  };

  test('reads the NIC list the OMA writes', () => {
    const second = { name: 'Network adapter 2', connected: false, network_name: 'backup' };
    expect(parseNics(JSON.stringify([nic, second]))).toEqual([nic, second]);
  });

  test('keeps keys the schema does not list', () => {
    expect(parseNics('[{"network_name":"prod-web","vlan_id":120}]')).toEqual([
      { network_name: 'prod-web', vlan_id: 120 },
    ]);
  });

  test.each([
    ['NULL', null],
    ['missing', undefined],
    ['empty text', ''],
    ['malformed JSON', '[{"network_name":"prod-web"'],
    ['a JSON object', '{"network_name":"prod-web"}'],
    ['a JSON string', '"prod-web"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['an empty array', '[]'],
  ])('%s gives no NICs', (_what, input) => {
    expect(parseNics(input)).toEqual([]);
  });

  test('skips entries that are not objects: nulls, strings, numbers, booleans, nested arrays', () => {
    const text = '[null,"prod-web",7,true,[{"network_name":"nested"}],{"network_name":"backup"}]';
    expect(parseNics(text)).toEqual([{ network_name: 'backup' }]);
  });

  test('drops known keys that hold the wrong type and keeps the rest of the NIC', () => {
    const text = JSON.stringify([
      { name: 'Network adapter 1', network_name: 42, connected: 'yes', mac_address: null },
      { network_name: ['prod-web'], type: { kind: 'e1000' }, adapter_type: 'e1000' },
    ]);
    expect(parseNics(text)).toEqual([{ name: 'Network adapter 1' }, { adapter_type: 'e1000' }]);
  });
});
