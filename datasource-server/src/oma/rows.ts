// Reading values out of OMA table rows, which hold what the OMA (and whatever else wrote to its
// database) put there: JSON in TEXT columns that may be malformed, and numbers that mysql2 hands
// over as strings when they do not fit a double exactly (BIGINT). Pure: no I/O.
import { Nic as NicSchema, type Nic } from '@oma-insights/contracts';

type DbNumber = number | string | null | undefined;

/** A finite number, or null for NULL, empty or non-numeric values (never NaN). */
export function toNumberOrNull(value: DbNumber): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A finite number, or `fallback` where `toNumberOrNull` gives null. */
export function toNumber(value: DbNumber, fallback = 0): number {
  return toNumberOrNull(value) ?? fallback;
}

/** JSON text -> value; null for NULL, empty or malformed text. */
export function parseJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * NICs from `vm_disks.network_config` (a JSON array of NIC objects). Anything that is not an
 * array gives no NICs; entries that are not objects are skipped; a known NIC key holding the
 * wrong type (e.g. a numeric `network_name`) is dropped so callers can trust the `Nic` type.
 */
export function parseNics(text: string | null | undefined): Nic[] {
  const value = parseJson(text);
  if (!Array.isArray(value)) return [];
  return value.filter(isPlainObject).map(toNic);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNic(entry: Record<string, unknown>): Nic {
  const nic = { ...entry };
  for (const [key, schema] of Object.entries(NicSchema.properties)) {
    if (key in nic && typeof nic[key] !== schema.type) delete nic[key];
  }
  return nic;
}
