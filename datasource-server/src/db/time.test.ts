import { dbTimeIn, TimeZoneError, UTC } from './time';

const at = (iso: string) => Date.parse(iso);

describe('dbTimeIn', () => {
  test.each([
    ['UTC', '2026-03-29 00:30:00.000', '+00:00'],
    ['+05:30', '2026-03-29 06:00:00.000', '+05:30'],
    ['-03:00', '2026-03-28 21:30:00.000', '-03:00'],
    ['Europe/Berlin', '2026-03-29 01:30:00.000', 'Europe/Berlin'],
  ])('%s writes 2026-03-29T00:30Z as %s (session zone %s) and reads it back', (zone, text, session) => {
    const time = dbTimeIn(zone);
    expect(time.toDb(at('2026-03-29T00:30:00Z'))).toBe(text);
    expect(time.toIso(text)).toBe('2026-03-29T00:30:00.000Z');
    expect(time.sessionZone).toBe(session);
  });

  test('a named zone follows daylight saving time (Berlin moves to UTC+2 at 01:00 UTC on 2026-03-29)', () => {
    const berlin = dbTimeIn('Europe/Berlin');
    expect(berlin.toDb(at('2026-03-29T00:59:59.999Z'))).toBe('2026-03-29 01:59:59.999');
    expect(berlin.toDb(at('2026-03-29T01:00:00.000Z'))).toBe('2026-03-29 03:00:00.000');
    expect(berlin.toMs('2026-07-01 12:00:00')).toBe(at('2026-07-01T10:00:00Z'));
  });

  test('reads the text forms MariaDB and SQLite hand back', () => {
    expect(UTC.toIso('2026-11-01 12:00:00')).toBe('2026-11-01T12:00:00.000Z');
    expect(UTC.toIso('2026-11-01 12:00:00.123456')).toBe('2026-11-01T12:00:00.123Z');
    expect(UTC.toIso('2026-11-01T12:00:00')).toBe('2026-11-01T12:00:00.000Z');
    expect(UTC.toIso('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(UTC.toIso(new Date(at('2026-11-01T12:00:00Z')))).toBe('2026-11-01T12:00:00.000Z');
    expect(dbTimeIn('+01:00').toMs('2026-11-01 12:00')).toBe(at('2026-11-01T11:00:00Z'));
  });

  test.each([
    null,
    undefined,
    '',
    '0000-00-00 00:00:00',
    '2026-00-10 00:00:00',
    'yesterday',
    '2026-11-01 25:00',
    'NaN',
  ])('reads %j as no time', (value) => {
    expect(UTC.toIso(value)).toBeNull();
    expect(dbTimeIn('Europe/Berlin').toMs(value)).toBeNull();
  });

  test('refuses instants DATETIME cannot hold instead of writing garbage', () => {
    expect(() => UTC.toDb(9e15)).toThrow(RangeError);
    expect(() => UTC.toDb(Date.UTC(999, 0, 1))).toThrow(RangeError);
    expect(() => UTC.toDb(NaN)).toThrow(RangeError);
    expect(() => dbTimeIn('Europe/Berlin').toDb(9e15)).toThrow(RangeError);
    expect(UTC.toDb(Date.UTC(9999, 11, 31, 23, 59, 59, 999))).toBe('9999-12-31 23:59:59.999');
  });

  test.each(['Mars/Olympus', '+25:00', '+05:61', 'local', ''])('refuses the zone %j', (zone) => {
    expect(() => dbTimeIn(zone)).toThrow(TimeZoneError);
  });
});
