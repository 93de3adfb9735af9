// Whether a table exists, in one cheap statement that reads no rows (OMA versions differ in which
// tables they have). A missing table is the only error taken as "no": others are thrown.
import { sql, type Kysely } from 'kysely';

const MISSING = (err: unknown) => {
  const { code, message } = err as { code?: string; message?: string };
  return code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(message ?? '');
};

export async function hasTable(db: Kysely<any>, name: string): Promise<boolean> {
  try {
    await sql`select 1 from ${sql.table(name)} where 1 = 0`.execute(db);
    return true;
  } catch (err) {
    if (MISSING(err)) return false;
    throw err;
  }
}
