// Whether a table exists, in one cheap statement that reads no rows (OMA versions differ in which
// tables they have). A missing table is the only error taken as "no": others are thrown.
import { sql, type Kysely } from 'kysely';

const MISSING = (err: unknown) => {
  const { code, message } = err as { code?: string; message?: string };
  return code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(message ?? '');
};

/**
 * Probes already made while answering one request: the several readers of one answer each ask
 * which tables exist, and a probe is a round trip. Only a request's own store carries it, so a
 * table created or dropped meanwhile is seen by the next request.
 */
export interface ProbeMemo {
  probes?: Map<string, Promise<boolean>>;
}

/** The store as one request sees it: each table is probed once. */
export function forOneRequest<T extends object>(store: T): T & Required<ProbeMemo> {
  return { ...store, probes: new Map() };
}

async function probe(db: Kysely<any>, name: string): Promise<boolean> {
  try {
    await sql`select 1 from ${sql.table(name)} where 1 = 0`.execute(db);
    return true;
  } catch (err) {
    if (MISSING(err)) return false;
    throw err;
  }
}

export function hasTable(db: Kysely<any>, name: string, memo: ProbeMemo = {}): Promise<boolean> {
  if (!memo.probes) return probe(db, name);
  let answer = memo.probes.get(name);
  if (!answer) memo.probes.set(name, (answer = probe(db, name)));
  return answer;
}
