import { parseRange, parseTime } from './time-params';

describe('parseTime', () => {
  const localTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = localTz;
  });

  test('an ISO time without an offset is UTC, whatever the server zone', () => {
    process.env.TZ = 'America/Sao_Paulo';
    expect(parseTime('2026-11-01T12:00:00')).toBe(Date.UTC(2026, 10, 1, 12));
    expect(parseTime('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTime('2026-11-01T12:00:00+02:00')).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseTime('2026-11-01T12:00:00.250Z')).toBe(Date.UTC(2026, 10, 1, 12, 0, 0, 250));
  });

  test('epoch milliseconds as numbers or digits', () => {
    expect(parseTime(1_793_500_000_000)).toBe(1_793_500_000_000);
    expect(parseTime('1793500000000')).toBe(1_793_500_000_000);
    expect(parseTime(12.9)).toBe(12);
  });

  test.each([
    -1,
    9e15,
    NaN,
    Infinity,
    '9999999999999999',
    '99999-01-01T00:00:00Z',
    '9999-12-31T23:00:00Z',
    '1969-12-31T23:59:59Z',
    '0001-01-01',
    '2026-02-30',
    '2026-11-01T25:00',
    'NaN',
    'now-6h',
    '',
    '1e12',
  ])('refuses %j', (value) => {
    expect(parseTime(value)).toBeNull();
  });
});

describe('parseRange', () => {
  test('a checked range, or a message naming the bad side', () => {
    expect(parseRange('2026-11-01', 1_800_000_000_000)).toEqual({
      from: Date.UTC(2026, 10, 1),
      to: 1_800_000_000_000,
    });
    expect(parseRange('soon', 0)).toMatch(/^"from" must be ISO-8601 .* got "soon"$/);
    expect(parseRange(0, 9e15)).toMatch(/^"to" must be/);
    expect(parseRange(10, 5)).toBe('"from" is after "to"');
  });
});
