// Time parameters as the API contract states them: `from`/`to` are ISO-8601 or epoch
// milliseconds between 1970 and 9999. An ISO time without an offset is read as UTC, never as the
// server's local time. Pure.
import { DateTime } from 'luxon';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, TIME_PARAMETER_RULE } from '@oma-insights/contracts';

const inBounds = (ms: number) => Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;

/** Epoch ms, or null when the value is not a time the API accepts. */
export function parseTime(value: string | number): number | null {
  if (typeof value === 'number') return inBounds(value) ? Math.trunc(value) : null;
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) return inBounds(Number(text)) ? Number(text) : null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const parsed = DateTime.fromISO(text, { zone: 'utc' });
  return parsed.isValid && inBounds(parsed.toMillis()) ? parsed.toMillis() : null;
}

export interface TimeRange {
  from: number;
  to: number;
}

/** A checked range, or a message saying what is wrong with it. */
export function parseRange(from: string | number, to: string | number): TimeRange | string {
  const f = parseTime(from);
  const t = parseTime(to);
  if (f === null) return `"from" must be ${TIME_PARAMETER_RULE}; got ${JSON.stringify(from)}`;
  if (t === null) return `"to" must be ${TIME_PARAMETER_RULE}; got ${JSON.stringify(to)}`;
  if (f > t) return '"from" is after "to"';
  return { from: f, to: t };
}

/**
 * `from`/`to` query parameters, either optional: `to` defaults to now and `from` to `defaultSpanMs`
 * before `to`. A message saying what is wrong when they are not times the API accepts.
 */
export function rangeFromQuery(
  query: { from?: string; to?: string },
  defaultSpanMs: number,
  now = Date.now(),
): TimeRange | string {
  const to = query.to ?? now;
  const parsedTo = parseTime(to);
  if (parsedTo === null) return parseRange(query.from ?? 0, to);
  return parseRange(query.from ?? Math.max(0, parsedTo - defaultSpanMs), parsedTo);
}
