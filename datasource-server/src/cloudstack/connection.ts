// Where the CloudStack connection comes from: CLOUDSTACK_* variables (read by config.ts) or, in
// attach mode, the OMA's active ossea_configs row, read at every run so an edited row applies.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface CloudStackConnection {
  /** The API endpoint, e.g. http://cloudstack:8080/client/api. */
  url: string;
  apiKey: string;
  secretKey: string;
}

/** Why a URL cannot be a CloudStack endpoint, or null. Never repeats the value (it may hold credentials). */
export function urlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry credentials (the API and secret keys do that)';
  return null;
}

/** The active ossea_configs row could not be used; the message names the row, never a key. */
export class OsseaConfigError extends Error {}

/**
 * The connection of the active ossea_configs row (`is_active = 1`; the most recently updated
 * if there are several), or null when there is none.
 */
export async function osseaConnection(
  db: Kysely<Database>,
): Promise<{ connection: CloudStackConnection; label: string } | null> {
  const row = await db
    .selectFrom('ossea_configs')
    .select(['id', 'name', 'api_url', 'api_key', 'secret_key'])
    .where('is_active', '=', 1)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  const label = `ossea_configs "${row.name}"`;
  const url = (row.api_url ?? '').trim();
  const problem = urlProblem(url);
  if (problem) throw new OsseaConfigError(`${label}: api_url ${problem}`);
  const apiKey = (row.api_key ?? '').trim();
  const secretKey = (row.secret_key ?? '').trim();
  if (!apiKey) throw new OsseaConfigError(`${label}: api_key is empty`);
  if (!secretKey) throw new OsseaConfigError(`${label}: secret_key is empty`);
  return { connection: { url, apiKey, secretKey }, label };
}
