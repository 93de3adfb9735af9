// Datetimes in the database are zone-less wall-clock text, 'YYYY-MM-DD HH:MM:SS.sss': MariaDB's
// DATETIME columns carry no zone and SQLite stores text. DB_TIMEZONE names the zone that text is
// in (default UTC, what the OMA writes on a UTC host). Every conversion between the database and
// the API goes through the store's DbTime; the API always speaks ISO-8601 in UTC.
import { DateTime, IANAZone } from 'luxon';

export interface DbTime {
  /** As configured: 'UTC', an offset like '+05:30', or an IANA name like 'Europe/Berlin'. */
  readonly zone: string;
  /** MySQL session `time_zone`, so TIMESTAMP columns and CURRENT_TIMESTAMP use the same zone. */
  readonly sessionZone: string;
  /** An instant -> database text. Throws RangeError outside DATETIME's years 1000-9999. */
  toDb(instant: Date | number): string;
  /** Database text -> ISO-8601 UTC, or null (absent, malformed or MySQL's zero date). */
  toIso(value: string | Date | null | undefined): string | null;
  /** Database text -> epoch ms, or null like toIso. */
  toMs(value: string | Date | null | undefined): number | null;
}

export class TimeZoneError extends Error {}

const DB_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?Z?$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function parseWallClock(text: string): WallClock | null {
  const m = DB_TEXT.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const wall = {
    year,
    month,
    day,
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
  };
  // Only a real calendar time: MySQL's zero date ('0000-00-00 00:00:00') means "no value", and
  // Date.UTC would quietly roll '2026-02-30' or hour 25 into another day.
  const d = new Date(Date.UTC(year, month - 1, day, wall.hour, wall.minute, wall.second));
  const real =
    year >= 1000 &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === wall.hour &&
    d.getUTCMinutes() === wall.minute;
  return real ? wall : null;
}

function checkedMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(instant)}`);
  return ms;
}

function checkedText(text: string, instant: Date | number): string {
  if (!/^\d{4}-/.test(text) || text < '1000') {
    throw new RangeError(`${new Date(checkedMs(instant)).toISOString()} is outside DATETIME's range`);
  }
  return text;
}

/** '+05:30' -> 330; undefined when the text is not an offset. */
function offsetMinutes(zone: string): number | undefined {
  if (/^(utc|z|gmt|[+-]00:?00)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function fixedOffset(zone: string, minutes: number): DbTime {
  const shift = minutes * 60_000;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const toMs = (value: string | Date | null | undefined): number | null => {
    if (value === null || value === undefined || value === '') return null;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
    const w = parseWallClock(value);
    if (!w) return null;
    const utc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
    return Number.isNaN(utc) ? null : utc - shift;
  };
  return {
    zone,
    sessionZone: `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`,
    toDb(instant) {
      const shifted = new Date(checkedMs(instant) + shift);
      if (Number.isNaN(shifted.getTime())) throw new RangeError(`Not a time: ${String(instant)}`);
      return checkedText(shifted.toISOString().slice(0, 23).replace('T', ' '), instant);
    },
    toMs,
    toIso(value) {
      const ms = toMs(value);
      return ms === null ? null : new Date(ms).toISOString();
    },
  };
}

function namedZone(zone: string): DbTime {
  const toMs = (value: string | Date | null | undefined): number | null => {
    if (value === null || value === undefined || value === '') return null;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
    const w = parseWallClock(value);
    if (!w) return null;
    const at = DateTime.fromObject(w, { zone });
    return at.isValid ? at.toMillis() : null;
  };
  return {
    zone,
    sessionZone: zone,
    toDb(instant) {
      const at = DateTime.fromMillis(checkedMs(instant), { zone });
      if (!at.isValid) throw new RangeError(`Not a time: ${String(instant)}`);
      return checkedText(at.toFormat('yyyy-MM-dd HH:mm:ss.SSS'), instant);
    },
    toMs,
    toIso(value) {
      const ms = toMs(value);
      return ms === null ? null : new Date(ms).toISOString();
    },
  };
}

/** The converter for a DB_TIMEZONE value; TimeZoneError names what is accepted. */
export function dbTimeIn(zone: string): DbTime {
  const minutes = offsetMinutes(zone.trim());
  if (minutes !== undefined) return fixedOffset(zone.trim(), minutes);
  if (IANAZone.isValidZone(zone.trim())) return namedZone(zone.trim());
  throw new TimeZoneError(
    `DB_TIMEZONE must be UTC, an offset like +02:00, or an IANA zone like Europe/Berlin; got "${zone}"`,
  );
}

export const UTC: DbTime = dbTimeIn('UTC');
