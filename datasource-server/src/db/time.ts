// Both dialects store datetimes as UTC text in MySQL's DATETIME literal format, which sorts and
// compares correctly in SQLite and is accepted verbatim by MariaDB. mysql2 is configured with
// `dateStrings` and a UTC session so it hands the same strings back.

/** Date -> 'YYYY-MM-DD HH:MM:SS.sss' (UTC). */
export function toDbTime(date: Date | number): string {
  return new Date(date).toISOString().replace('T', ' ').replace('Z', '');
}

/** DB datetime text (with or without milliseconds) -> ISO-8601, or null. */
export function fromDbTime(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString();
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const date = new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** DB datetime text -> epoch ms (NaN-safe: null when absent). */
export function dbTimeToMs(value: string | null | undefined): number | null {
  const iso = fromDbTime(value);
  return iso === null ? null : Date.parse(iso);
}
