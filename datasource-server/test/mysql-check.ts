// Is MariaDB reachable for the MySQL test targets? Kept free of app imports: the global setup loads it.
import { createConnection } from 'mysql2/promise';

export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export async function mysqlReachable(): Promise<boolean> {
  try {
    const conn = await createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await conn.end();
    return true;
  } catch (err) {
    if (process.env.REQUIRE_MYSQL === '1') {
      throw new Error(
        `REQUIRE_MYSQL=1 but MariaDB at ${MYSQL_URL} is unreachable: ${(err as Error).message}`,
      );
    }
    console.warn(
      `\n*** MariaDB at ${MYSQL_URL} unreachable: MySQL test targets SKIPPED (${(err as Error).message}) ***\n`,
    );
    return false;
  }
}
