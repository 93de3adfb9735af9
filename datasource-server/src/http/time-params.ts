// Time parameters as the API contract states them: `from`/`to` are ISO-8601 or epoch
// milliseconds. Pure.

/** Epoch ms, or null when the value is neither ISO-8601 nor epoch milliseconds. */
export function parseTime(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.trunc(value) : null;
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export interface TimeRange {
  from: number;
  to: number;
}

/** A checked range, or a message saying what is wrong with it. */
export function parseRange(from: string | number, to: string | number): TimeRange | string {
  const f = parseTime(from);
  const t = parseTime(to);
  if (f === null) return `"from" must be ISO-8601 or epoch milliseconds, got ${JSON.stringify(from)}`;
  if (t === null) return `"to" must be ISO-8601 or epoch milliseconds, got ${JSON.stringify(to)}`;
  if (f > t) return '"from" is after "to"';
  return { from: f, to: t };
}
